import { describe, expect, it } from "vitest";
import { checkInPhase } from "../src/features/reservations/checkInWindow";
import { combine, defaultWindow, formatCountdown } from "../src/lib/time";
import { mySeatIds, type Reservation, type Seat, tileState } from "../src/lib/types";

const at = (iso: string) => new Date(iso);

describe("default window", () => {
  it("starts at the next quarter hour and lasts one hour", () => {
    const w = defaultWindow(at("2026-03-01T10:07:30Z"));
    expect(w.start.toISOString()).toBe("2026-03-01T10:15:00.000Z");
    expect(w.end.toISOString()).toBe("2026-03-01T11:15:00.000Z");
  });
  it("keeps a start that is already on a quarter hour", () => {
    expect(defaultWindow(at("2026-03-01T10:30:00Z")).start.toISOString()).toBe("2026-03-01T10:30:00.000Z");
  });
});

describe("check-in phase (the window the server reports, both ends inclusive)", () => {
  const start = { checkInOpensAt: "2026-03-01T09:45:00Z", checkInClosesAt: "2026-03-01T10:15:00Z" };
  it.each([
    ["2026-03-01T09:44:59Z", "before"],
    ["2026-03-01T09:45:00Z", "open"],
    ["2026-03-01T10:15:00Z", "open"],
    ["2026-03-01T10:15:01Z", "after"],
  ])("at %s it is %s", (now, phase) => {
    expect(checkInPhase(start, at(now).getTime()).phase).toBe(phase);
  });
});

describe("helpers", () => {
  it("formats countdowns and never goes negative", () => {
    expect(formatCountdown(65_000)).toBe("1:05");
    expect(formatCountdown(3_725_000)).toBe("1:02:05");
    expect(formatCountdown(-5)).toBe("0:00");
  });
  it("combines the picker's fields, or gives null when one is missing", () => {
    expect(combine("2026-03-01", "")).toBeNull();
    expect(combine("2026-03-01", "10:15")?.toISOString()).toBe("2026-03-01T10:15:00.000Z");
  });
});

describe("tile state", () => {
  const seat = (over: Partial<Seat>): Seat => ({
    id: 1,
    code: "ML-01",
    branch: "Main Library",
    area: "Silent Study Zone",
    hasPower: true,
    hasMonitor: false,
    status: "ACTIVE",
    available: true,
    ...over,
  });
  const mine = [
    { seatId: 2, status: "CONFIRMED", startTime: "2026-03-01T10:00:00Z", endTime: "2026-03-01T11:00:00Z" },
    { seatId: 3, status: "CANCELLED", startTime: "2026-03-01T10:00:00Z", endTime: "2026-03-01T11:00:00Z" },
  ] as Reservation[];
  const ids = mySeatIds(mine, "2026-03-01T10:30:00Z", "2026-03-01T11:30:00Z");

  it("marks only active overlapping reservations as yours", () => {
    expect([...ids]).toEqual([2]);
  });
  it("orders maintenance, yours, free, busy", () => {
    expect(tileState(seat({ status: "MAINTENANCE" }), ids)).toBe("maintenance");
    expect(tileState(seat({ id: 2, available: false }), ids)).toBe("yours");
    expect(tileState(seat({}), ids)).toBe("free");
    expect(tileState(seat({ available: false }), ids)).toBe("busy");
  });
});
