import { describe, expect, it } from "vitest";
import { createReservationInput, joinWaitlistInput, registerInput, seatsListInput } from "../src";

describe("validators", () => {
  it("accepts the original's naive timestamps and ones with offsets", () => {
    for (const t of [
      "2025-10-11T14:00:00",
      "2025-10-11T14:00",
      "2025-10-11 14:00:00",
      "2025-10-11T14:00:00Z",
      "2025-10-11T14:00:00.123+02:00",
    ]) {
      expect(createReservationInput.safeParse({ seatId: 1, startTime: t, endTime: t }).success, t).toBe(true);
    }
  });

  it("rejects malformed dates and ids with a readable message", () => {
    const bad = createReservationInput.safeParse({
      seatId: "abc",
      startTime: "tomorrow",
      endTime: "2025-10-11",
    });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toContain("seatId must be a number");
    expect(messages.some((m) => m.startsWith("startTime must be a date and time"))).toBe(true);
  });

  it("needs both window ends or neither", () => {
    expect(seatsListInput.safeParse({ startTime: "2025-10-11T14:00:00" }).success).toBe(false);
    expect(seatsListInput.safeParse({}).success).toBe(true);
  });

  it("waitlist needs exactly one of seatId and branch", () => {
    const w = { desiredStart: "2025-10-11T14:00", desiredEnd: "2025-10-11T15:00" };
    expect(joinWaitlistInput.safeParse(w).success).toBe(false);
    expect(joinWaitlistInput.safeParse({ ...w, seatId: 1, branch: "Main Library" }).success).toBe(false);
    expect(joinWaitlistInput.safeParse({ ...w, branch: "Main Library" }).success).toBe(true);
  });

  it("register enforces a minimal password length", () => {
    expect(registerInput.safeParse({ studentId: "S1234", password: "short", name: "A" }).success).toBe(false);
  });
});
