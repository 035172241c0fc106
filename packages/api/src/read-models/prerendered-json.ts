/**
 * Values whose JSON was made once, when they were built, so that an answer listing many of them
 * copies their bytes instead of serialising every field again: building a listing's seat
 * objects and JSON.stringify-ing them (and collecting that garbage) was the largest cost of an
 * uncached seat listing, though only `available` depends on the window (see
 * docs/performance-log.md). A prerendered value is frozen, so its JSON cannot go stale.
 */
// A non-enumerable symbol-keyed property: JSON.stringify, Object.keys and spreads never see it,
// and reading it is a plain property load, cheaper than a WeakMap lookup per seat (see
// docs/performance-log.md).
const JSON_BYTES = Symbol("prerendered JSON");

/**
 * Values rendered once into one buffer, in order and comma-separated, as their JSON array would
 * hold them without its brackets. Each item is a prerendered value whose JSON is a view into that
 * buffer, so neighbours in the sequence sit one comma apart and copy as one run
 * (PrerenderedArrayBuilder).
 */
export interface PrerenderedSequence<T> {
  readonly items: readonly Readonly<T>[];
  readonly bytes: Buffer;
  /** Byte offsets in `bytes` where item i's JSON starts and ends. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export function prerenderedSequence<T extends object>(values: readonly T[]): PrerenderedSequence<T> {
  const jsons = values.map((value) => JSON.stringify(value));
  const bytes = Buffer.from(jsons.join(","));
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let at = 0;
  const items = values.map((value, i) => {
    starts[i] = at;
    at += Buffer.byteLength(jsons[i] as string);
    ends[i] = at;
    at += 1; // the comma
    Object.defineProperty(value, JSON_BYTES, { value: bytes.subarray(starts[i], ends[i]) });
    return Object.freeze(value);
  });
  return { items, bytes, starts, ends };
}

/** Items `from` (inclusive) to `to` (exclusive) of one sequence, neighbours in a built array. */
interface Run {
  sequence: PrerenderedSequence<unknown>;
  from: number;
  to: number;
}

const ARRAY_RUNS = Symbol("prerendered runs");

/**
 * Builds an array of items taken from prerendered sequences, noting which stretches of it are
 * neighbours in one sequence, so prerenderedArrayBytes copies each stretch at once instead of
 * item by item: fetching and copying each seat's bytes separately was a large share of making
 * an answer, and a branch's listing has far fewer stretches of free and taken seats than seats
 * (see docs/performance-log.md).
 */
export class PrerenderedArrayBuilder<T> {
  private readonly items: Readonly<T>[] = [];
  private readonly runs: Run[] = [];
  private last: Run | undefined;

  push(sequence: PrerenderedSequence<T>, index: number): void {
    this.pushRun(sequence, index, index + 1);
  }

  /** Items `from` (inclusive) to `to` (exclusive) of the sequence, in order. */
  pushRun(sequence: PrerenderedSequence<T>, from: number, to: number): void {
    if (
      !(
        Number.isInteger(from) &&
        Number.isInteger(to) &&
        0 <= from &&
        from < to &&
        to <= sequence.items.length
      )
    ) {
      throw new RangeError(`no items ${from}…${to - 1} in the sequence`);
    }
    const items = sequence.items;
    for (let i = from; i < to; i++) this.items.push(items[i] as Readonly<T>);
    const last = this.last;
    if (last !== undefined && last.sequence === sequence && last.to === from) {
      last.to = to;
      return;
    }
    this.last = { sequence, from, to };
    this.runs.push(this.last);
  }

  /** The array, frozen: its noted stretches describe it exactly, so it must never change. */
  build(): readonly Readonly<T>[] {
    Object.defineProperty(this.items, ARRAY_RUNS, { value: this.runs });
    return Object.freeze(this.items);
  }
}

const bytesOf = (item: unknown): Buffer | undefined =>
  typeof item === "object" && item !== null ? (item as { [JSON_BYTES]?: Buffer })[JSON_BYTES] : undefined;

const COMMA = 0x2c;

/**
 * `before` + JSON.stringify(items) + `after` as UTF-8, copied from the items' remembered JSON
 * into a new buffer; undefined unless every item is a prerendered value (callers then serialise
 * as usual).
 */
export function prerenderedArrayBytes(
  items: readonly unknown[],
  before: string,
  after: string,
): Buffer | undefined {
  const runs = (items as { [ARRAY_RUNS]?: Run[] })[ARRAY_RUNS];
  if (runs !== undefined) return runsBytes(runs, before, after);
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

/** An array built by PrerenderedArrayBuilder: one copy per stretch of neighbours (commas included). */
function runsBytes(runs: readonly Run[], before: string, after: string): Buffer {
  let length = Buffer.byteLength(before) + Buffer.byteLength(after) + 2 + Math.max(runs.length - 1, 0);
  for (const { sequence, from, to } of runs) length += endOf(sequence, to - 1) - startOf(sequence, from);
  const out = Buffer.allocUnsafe(length);
  let at = out.write(`${before}[`);
  for (let i = 0; i < runs.length; i++) {
    const { sequence, from, to } = runs[i] as Run;
    if (i > 0) out[at++] = COMMA;
    at += sequence.bytes.copy(out, at, startOf(sequence, from), endOf(sequence, to - 1));
  }
  out.write(`]${after}`, at);
  return out;
}

const startOf = (sequence: PrerenderedSequence<unknown>, index: number): number =>
  sequence.starts[index] ?? 0;
const endOf = (sequence: PrerenderedSequence<unknown>, index: number): number => sequence.ends[index] ?? 0;
