import { describe, expect, it } from "vitest";
import {
  createReservationInput,
  joinWaitlistInput,
  loginInput,
  onEventInput,
  registerInput,
  seatsListInput,
} from "../src";

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

  it("refuses years before 1970 and offsets beyond ±14:00, with one message naming the field", () => {
    const at = (t: string) => createReservationInput.safeParse({ seatId: 1, startTime: t, endTime: t });
    for (const [t, message] of [
      ["0000-01-01T00:00:00Z", "startTime must be in the years 1970–9999"],
      ["1969-12-31T23:59", "startTime must be in the years 1970–9999"],
      ["2026-12-10T10:00:00+24:00", "startTime has a time zone offset beyond ±14:00"],
      ["2026-12-10T10:00:00-1401", "startTime has a time zone offset beyond ±14:00"],
      ["2026-12-10T10:00:00+05:60", "startTime has a time zone offset beyond ±14:00"],
    ] as const) {
      const result = at(t);
      expect(
        result.error?.issues.filter((i) => i.path[0] === "startTime").map((i) => i.message),
        t,
      ).toEqual([message]);
    }
    for (const t of [
      "1970-01-01T00:00:00Z",
      "9999-12-31T23:59:59",
      "2026-12-10T10:00:00+14:00",
      "2026-12-10T10:00-12",
    ])
      expect(at(t).success, t).toBe(true);
    // A malformed value gets the format message alone, not a year or offset complaint too.
    expect(at("abc+99:99").error?.issues.filter((i) => i.path[0] === "startTime")).toHaveLength(1);
  });

  it("refuses control characters in names and filters, and NUL in passwords", () => {
    expect(
      registerInput.safeParse({ studentId: "S1234", password: "long enough", name: "A\u0000" }).success,
    ).toBe(false);
    expect(
      registerInput.safeParse({ studentId: "S1234", password: "long\u0000enough", name: "A" }).success,
    ).toBe(false);
    expect(loginInput.safeParse({ studentId: "S1\u0007", password: "x" }).success).toBe(false);
    expect(seatsListInput.safeParse({ branch: "Main\u007f" }).success).toBe(false);
    expect(loginInput.safeParse({ studentId: "S1234", password: "tab\there ☕" }).success).toBe(true);
    expect(seatsListInput.safeParse({ branch: "Bibliothèque ☕" }).success).toBe(true);
  });

  it("lastEventId is a notification id JavaScript holds exactly", () => {
    expect(onEventInput.safeParse({ lastEventId: "9007199254740991" }).success).toBe(true);
    for (const id of ["9007199254740992", "12345678901234567890123", "-1", "1e3", ""])
      expect(onEventInput.safeParse({ lastEventId: id }).success, id).toBe(false);
  });
});
