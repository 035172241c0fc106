import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { dayAt, HOUR, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: "Asia/Kolkata", maxAdvanceDays: 9 } }));
});
afterAll(() => api?.destroy());

const ADMIN = 11;

describe("config.public", () => {
  it("tells anyone the library's zone and the window limits the booking rules enforce", async () => {
    expect(await api.anonymous.config.public()).toEqual({
      timeZone: "Asia/Kolkata",
      minDurationMinutes: 15,
      maxDurationMinutes: 240,
      maxAdvanceDays: 9,
      pastToleranceMinutes: 5,
      checkInEarlyMinutes: 15,
      graceMinutes: 15,
      seriesMaxWeeks: 8,
      awayMaxMinutes: 30,
      awayBreaks: 2,
      campusSignIn: false,
    });
  });
});

describe("reservations.mine cancelReason", () => {
  it("carries the staff's and the maintenance reason on cancelled rows, and null otherwise", async () => {
    const staff = await api.as(ADMIN);
    const eve = await api.as(5);
    const at = (days: number) => {
      const start = dayAt(days, 9);
      return [start, new Date(start.getTime() + HOUR)] as const;
    };
    const byStaff = await eve.reservations.create(slot(20, ...at(1)));
    const byMaintenance = await eve.reservations.create(slot(21, ...at(2)));
    const byHerself = await eve.reservations.create(slot(22, ...at(3)));
    await staff.admin.cancelReservation({ id: byStaff.id, reason: "Fire drill in the reading room" });
    await staff.admin.setSeatStatus({ seatId: 21, status: "MAINTENANCE" });
    await eve.reservations.cancel({ id: byHerself.id });
    const kept = await eve.reservations.create(slot(23, ...at(4)));

    const reasons = new Map((await eve.reservations.mine({})).map((r) => [r.id, r.cancelReason]));
    expect(reasons.get(byStaff.id)).toBe("Fire drill in the reading room");
    expect(reasons.get(byMaintenance.id)).toMatch(/closed for maintenance/);
    expect(reasons.get(byHerself.id)).toBeNull();
    expect(reasons.get(kept.id)).toBeNull();
    expect((await eve.reservations.get({ id: byStaff.id })).cancelReason).toBe(
      "Fire drill in the reading room",
    );
    await staff.admin.setSeatStatus({ seatId: 21, status: "ACTIVE" });
  });
});
