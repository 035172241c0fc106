import { describe, expect, it } from "vitest";
import { LentBuffers } from "../src/lent-buffers";

describe("lent answer buffers", () => {
  it("lends distinct buffers while they are out, and reuses one only after it is given back", () => {
    const pool = new LentBuffers(1024, 4);
    const a = pool.borrow(100);
    const b = pool.borrow(1024);
    expect(a.bytes.length).toBe(100);
    expect(b.bytes.length).toBe(1024);
    expect(b.bytes.buffer).not.toBe(a.bytes.buffer);
    a.giveBack();
    const c = pool.borrow(10);
    expect(c.bytes.buffer).toBe(a.bytes.buffer);
    expect(pool.borrow(10).bytes.buffer).not.toBe(c.bytes.buffer);
  });

  it("ignores a second give-back of the same loan (two answers must never share a buffer)", () => {
    const pool = new LentBuffers(1024, 4);
    const a = pool.borrow(10);
    a.giveBack();
    a.giveBack();
    expect(pool.freeCount).toBe(1);
    const b = pool.borrow(10);
    const c = pool.borrow(10);
    expect(c.bytes.buffer).not.toBe(b.bytes.buffer);
    // An old loan's give-back does not free the buffer lent again since.
    a.giveBack();
    expect(pool.freeCount).toBe(0);
  });

  it("gives a longer answer a buffer of its own, and keeps at most maxFree for reuse", () => {
    const pool = new LentBuffers(1024, 2);
    const big = pool.borrow(5000);
    expect(big.bytes.length).toBe(5000);
    big.giveBack();
    expect(pool.freeCount).toBe(0);
    const loans = [pool.borrow(1), pool.borrow(1), pool.borrow(1)];
    for (const loan of loans) loan.giveBack();
    expect(pool.freeCount).toBe(2);
  });
});
