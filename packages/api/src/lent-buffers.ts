/**
 * Buffers lent for one answer each and given back once the answer was written, so answers that
 * are made for one request only (a seat listing for a window nobody else asks for) do not each
 * allocate a fresh one: allocating every answer, copying into fresh memory and collecting those
 * buffers again were a large share of the server's time on uncached seat discovery (see
 * docs/performance-log.md).
 */
export class LentBuffers {
  private readonly free: Buffer[] = [];

  /**
   * @param size bytes per pooled buffer; a longer answer gets a buffer of its own, not pooled.
   * @param maxFree how many given-back buffers are kept for reuse (the rest are dropped).
   */
  constructor(
    readonly size: number,
    private readonly maxFree: number,
  ) {}

  /**
   * `length` bytes to write an answer into, and what gives them back. `giveBack` must run only
   * once the bytes are no longer read (written out, or dropped); calling it again does nothing,
   * and never calling it only costs the reuse.
   */
  borrow(length: number): { bytes: Buffer; giveBack: () => void } {
    if (length > this.size) return { bytes: Buffer.allocUnsafe(length), giveBack: noop };
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    // Once per loan: a second call (or a late one, after the buffer was lent again) must not
    // free it again, or two later answers would share it.
    let out = true;
    const giveBack = () => {
      if (!out) return;
      out = false;
      if (this.free.length < this.maxFree) this.free.push(buffer);
    };
    return { bytes: buffer.subarray(0, length), giveBack };
  }

  /** How many buffers wait for reuse (for tests). */
  get freeCount(): number {
    return this.free.length;
  }
}

const noop = (): void => undefined;

/** Bytes to send, and — when they are lent — what to call once they were written (never before). */
export interface Answer {
  bytes: Buffer;
  written?: () => void;
}
