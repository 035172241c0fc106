/**
 * Values whose JSON was made once, when they were built, so that an answer listing many of them
 * copies their bytes instead of serialising every field again. --cpu-prof of uncached seat
 * discovery: building the 250 seat objects of each listing and JSON.stringify-ing them (and
 * collecting that garbage) was over half of the server's CPU, though only `available` depends
 * on the window. A prerendered value is frozen, so its JSON cannot go stale.
 */
// A non-enumerable symbol-keyed property: JSON.stringify, Object.keys and spreads never see it,
// and reading it is a plain property load (a WeakMap lookup per seat was ~10 % of the CPU).
const JSON_BYTES = Symbol("prerendered JSON");

/** `value`, frozen, with its JSON (UTF-8) remembered. */
export function prerendered<T extends object>(value: T): Readonly<T> {
  Object.defineProperty(value, JSON_BYTES, { value: Buffer.from(JSON.stringify(value)) });
  return Object.freeze(value);
}

const bytesOf = (item: unknown): Buffer | undefined =>
  typeof item === "object" && item !== null ? (item as { [JSON_BYTES]?: Buffer })[JSON_BYTES] : undefined;

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
  // Most lists are not prerendered (reservations, branches): decline before allocating.
  if (items.length > 0 && bytesOf(items[0]) === undefined) return undefined;
  const parts: Buffer[] = new Array(items.length);
  let length = Buffer.byteLength(before) + Buffer.byteLength(after) + 2 + Math.max(items.length - 1, 0);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const bytes = bytesOf(item);
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
