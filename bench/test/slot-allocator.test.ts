import { describe, expect, it } from "vitest";
import { SlotAllocator } from "../src/workload";

const campus = (students: number, seats: number) => ({
  users: Array.from({ length: students }, (_, i) => i),
  seatIds: Array.from({ length: seats }, (_, i) => 1000 + i),
});

describe("the create scenario's slot allocator", () => {
  it("gives in-flight bookings to different students, as a crowd books", () => {
    const slots = new SlotAllocator(campus(200, 500));
    const batch = Array.from({ length: 64 }, () => slots.next().userIndex);
    expect(new Set(batch).size).toBe(64);
  });

  it("never hands out two bookings that collide on a seat or a student", () => {
    const slots = new SlotAllocator(campus(50, 60));
    const seatTaken = new Set<string>();
    const studentBusy = new Set<string>();
    for (let i = 0; i < 50 * 480; i++) {
      const s = slots.next();
      const seatKey = `${s.seatId}@${s.start}`;
      const studentKey = `${s.userIndex}@${s.start}`;
      expect(seatTaken.has(seatKey) || studentBusy.has(studentKey)).toBe(false);
      seatTaken.add(seatKey);
      studentBusy.add(studentKey);
      expect(Date.parse(s.end) - Date.parse(s.start)).toBe(15 * 60_000);
    }
    expect(() => slots.next()).toThrow(/exhausted/);
  });

  it("refuses a campus with more students than seats", () => {
    expect(() => new SlotAllocator(campus(10, 9))).toThrow(/seats/);
  });
});
