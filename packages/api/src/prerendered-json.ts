/**
 * Values whose JSON was made once, when they were built, so that an answer listing many of them
 * copies their bytes instead of serialising every field again. --cpu-prof of uncached seat
 * discovery: building the 250 seat objects of each listing and JSON.stringify-ing them (and
 * collecting that garbage) was over half of the server's CPU, though only `available` depends
 * on the window. A prerendered value is frozen, so its JSON cannot go stale.
 */
const bytesOf = new WeakMap<object, Buffer>();

/** `value`, frozen, with its JSON (UTF-8) remembered. */
export function prerendered<T extends object>(value: T): Readonly<T> {
  bytesOf.set(value, Buffer.from(JSON.stringify(value)));
  return Object.freeze(value);
}

const COMMA = 0x2c;

/**
 * `before` + JSON.stringify(items) + `after` as UTF-8, copied from the items' remembered JSON;
 * undefined unless every item is a prerendered value (callers then serialise as usual).
 */
export function prerenderedArrayBytes(
  items: readonly unknown[],
  before: string,
  after: string,
): Buffer | undefined {
  const parts: Buffer[] = new Array(items.length);
  let length = Buffer.byteLength(before) + Buffer.byteLength(after) + 2 + Math.max(items.length - 1, 0);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const bytes = typeof item === "object" && item !== null ? bytesOf.get(item) : undefined;
    if (bytes === undefined) return undefined;
    parts[i] = bytes;
    length += bytes.length;
  }
  const out = Buffer.allocUnsafe(length);
  let at = out.write(`${before}[`);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[at++] = COMMA;
    at += (parts[i] as Buffer).copy(out, at);
  }
  out.write(`]${after}`, at);
  return out;
}
