import { describe, expect, it } from "vitest";
import { IdempotencyKeys, newIdempotencyKey } from "../src/lib/idempotency";

describe("Idempotency-Keys of booking actions", () => {
  it("a new key is 32 hex characters (1–200 printable, as the server requires), never the same twice", () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps the key while the same booking goes unanswered, and starts afresh once answered or changed", () => {
    const keys = new IdempotencyKeys();
    const booking = { seatId: 3, startTime: "2030-01-01T10:00:00Z", endTime: "2030-01-01T11:00:00Z" };
    const first = keys.keyFor(booking);
    // No answer (a lost response): pressing Book again is a retry of the same request.
    expect(keys.keyFor({ ...booking })).toBe(first);
    // Another booking is another action.
    const other = keys.keyFor({ ...booking, seatId: 4 });
    expect(other).not.toBe(first);
    keys.answered();
    expect(keys.keyFor({ ...booking, seatId: 4 })).not.toBe(other);
  });
});
