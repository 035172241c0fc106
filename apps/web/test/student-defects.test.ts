import { describe, expect, it } from "vitest";
import { blockingReservation, ownConflictSeat } from "../src/features/finder/conflicts";
import { checkWindow, type WindowLimits } from "../src/features/finder/window";
import { describeNotification } from "../src/features/notifications/describe";
import { cancelledBecause } from "../src/features/reservations/cancelReason";
import {
  addDays,
  combine,
  dateValue,
  formatCountdown,
  formatRange,
  nextDayStart,
  startOfDay,
  timeValue,
} from "../src/lib/time";
import type { Reservation } from "../src/lib/types";

const HOUR = 3_600_000;

describe("countdowns of a day or more", () => {
  it("read in days and hours, not 27:30:33", () => {
    expect(formatCountdown(27 * HOUR + 30 * 60_000 + 33_000)).toBe("1 d 3 h");
    expect(formatCountdown(48 * HOUR + 59 * 60_000)).toBe("2 d");
    expect(formatCountdown(23 * HOUR + 59 * 60_000 + 59_000)).toBe("23:59:59");
  });
});

describe("library time, not the device's", () => {
  const berlin = "Europe/Berlin";
  it("reads and writes the picker's fields in the library's zone", () => {
    const at = new Date("2026-07-01T22:30:00Z"); // 00:30 the next day in Berlin (summer time)
    expect(dateValue(at, berlin)).toBe("2026-07-02");
    expect(timeValue(at, berlin)).toBe("00:30");
    expect(combine("2026-07-02", "00:30", berlin)?.toISOString()).toBe("2026-07-01T22:30:00.000Z");
    expect(combine("2026-01-15", "14:00", "Asia/Kolkata")?.toISOString()).toBe("2026-01-15T08:30:00.000Z");
    expect(combine("2026-13-01", "10:00", berlin)).toBeNull();
  });
  it("knows that a day with a clock change is 23 or 25 hours long", () => {
    const spring = startOfDay(new Date("2026-03-29T12:00:00Z"), berlin);
    expect(spring.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(nextDayStart(spring, berlin).getTime() - spring.getTime()).toBe(23 * HOUR);
    const autumn = startOfDay(new Date("2026-10-25T12:00:00Z"), berlin);
    expect(nextDayStart(autumn, berlin).getTime() - autumn.getTime()).toBe(25 * HOUR);
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  });
  it("labels ranges with the zone", () => {
    expect(formatRange("2026-07-01T12:00:00Z", "2026-07-01T13:00:00Z", berlin)).toMatch(
      /(14:00|02:00 PM).(15:00|03:00 PM) \(Europe\/Berlin\)$/,
    );
  });
});

describe("window validation", () => {
  const limits: WindowLimits = {
    timeZone: "Europe/Berlin",
    minDurationMinutes: 15,
    maxDurationMinutes: 240,
    maxAdvanceDays: 14,
    pastToleranceMinutes: 5,
  };
  const now = new Date("2026-07-01T08:00:00Z").getTime(); // 10:00 in Berlin
  const check = (date: string, from: string, to: string) => checkWindow({ date, from, to }, now, limits);

  it("accepts a window in library time, and one past midnight that fits", () => {
    expect(check("2026-07-01", "14:00", "15:00")).toEqual({
      ok: true,
      startTime: "2026-07-01T12:00:00.000Z",
      endTime: "2026-07-01T13:00:00.000Z",
    });
    expect(check("2026-07-01", "22:00", "01:00")).toMatchObject({
      ok: true,
      endTime: "2026-07-01T23:00:00.000Z",
    });
  });
  it.each([
    ["an end before the start", "2026-07-01", "14:00", "10:00", /end time is before the start/],
    ["an empty window", "2026-07-01", "14:00", "14:00", /end time is before the start/],
    ["a start in the past", "2026-07-01", "09:00", "10:00", /in the past/],
    ["a start beyond the horizon", "2026-07-20", "10:00", "11:00", /at most 14 days ahead/],
    ["a stay over the longest", "2026-07-01", "11:00", "16:00", /at most 4 hours/],
    ["a stay under the shortest", "2026-07-01", "11:00", "11:10", /at least 15 minutes/],
    ["a missing field", "2026-07-01", "", "11:00", /Choose a date/],
  ])("refuses %s with a message", (_, date, from, to, message) => {
    const w = check(date, from, to);
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.problem).toMatch(message);
  });
});

describe("own conflicts", () => {
  it("tells the student's own clash from someone else's by the server's message", () => {
    expect(
      ownConflictSeat(
        "You already have a reservation for seat ML-03 from 2026-07-01 14:00 UTC to 2026-07-01 15:00 UTC that overlaps this time",
      ),
    ).toBe("ML-03");
    expect(
      ownConflictSeat("Seat ML-03 is already booked for part of that time. Pick another time or seat."),
    ).toBeNull();
  });
  it("finds the blocking booking among the student's own", () => {
    const mine = [
      {
        id: 1,
        seatCode: "ML-02",
        status: "CANCELLED",
        startTime: "2026-07-01T12:00:00Z",
        endTime: "2026-07-01T13:00:00Z",
      },
      {
        id: 2,
        seatCode: "ML-03",
        status: "CONFIRMED",
        startTime: "2026-07-01T12:30:00Z",
        endTime: "2026-07-01T13:30:00Z",
      },
    ] as Reservation[];
    const window = { startTime: "2026-07-01T12:00:00.000Z", endTime: "2026-07-01T13:00:00.000Z" };
    expect(blockingReservation(mine, "ML-03", window)?.id).toBe(2);
    expect(blockingReservation(mine, "XX-99", window)?.id).toBe(2);
    expect(
      blockingReservation(mine, "ML-02", { ...window, startTime: "2026-07-01T14:00:00Z" }),
    ).toBeUndefined();
  });
});

describe("cancellation reasons", () => {
  it("are part of the notification's sentence and of the card", () => {
    const text = describeNotification({
      type: "RESERVATION_CANCELLED",
      payload: { startTime: "2026-07-01T12:00:00Z", endTime: "2026-07-01T13:00:00Z", reason: "Fire drill." },
    });
    expect(text).toMatch(/cancelled your reservation for .*\. Reason: Fire drill\.$/);
    expect(cancelledBecause("Seat ML-01 is closed for maintenance")).toBe(
      "Cancelled by staff: Seat ML-01 is closed for maintenance",
    );
    expect(cancelledBecause("Cancelled by library staff")).toBe("Cancelled by library staff");
  });
});
