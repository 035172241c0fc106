import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSeat, seatAvailability } from "../src/services/seats.service";
import { createTestApi, type TestApi } from "../src/testing";
import { at, dayAt, expectTRPCError, HOUR, insertReservation, MINUTE, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const ADMIN = 11;

/** The procedures' answers (from the seat's copy) against the SQL form, for one viewer. */
async function expectSameAsSql(viewerId: number, seatId: number, windows: { from: Date; to: Date }[]) {
  const caller = await api.as(viewerId);
  const rules = api.deps.config.rules;
  const { day: _d1, ...copyGet } = await caller.seats.get({ id: seatId });
  const { day: _d2, ...sqlGet } = await getSeat(api.database.db, seatId, viewerId, rules);
  expect(copyGet).toEqual(sqlGet);
  for (const w of windows) {
    const input = { seatId, from: w.from.toISOString(), to: w.to.toISOString() };
    expect(await caller.seats.availability(input)).toEqual(
      await seatAvailability(api.database.db, input, viewerId, rules),
    );
  }
}

describe("a seat's dialog from its copy (seat-details.ts) answers as the SQL does", () => {
  it("busy intervals, whose they are, and availability for many windows, as bookings come and go", async () => {
    const alice = await api.as(1);
    const bob = await api.as(2);
    await insertReservation(api, {
      userId: 2,
      seatId: 5,
      start: at(-20 * MINUTE),
      end: at(40 * MINUTE),
      status: "CHECKED_IN",
    });
    const windows = [
      { from: at(0), to: at(HOUR) },
      { from: at(40 * MINUTE), to: at(100 * MINUTE) },
      { from: dayAt(1, 9), to: dayAt(1, 11) },
      { from: dayAt(1, 10), to: dayAt(1, 10, 30) },
      { from: dayAt(2, 0), to: dayAt(3, 0) },
    ];
    await expectSameAsSql(1, 5, windows);
    // A booking made through the API shows at once (the seats version moved), as mine for Alice.
    const mine = await alice.reservations.create(slot(5, dayAt(1, 10), dayAt(1, 12)));
    const seen = await alice.seats.availability({
      seatId: 5,
      from: dayAt(1, 9).toISOString(),
      to: dayAt(1, 13).toISOString(),
    });
    expect(seen.available).toBe(false);
    expect(seen.busy).toEqual([{ startTime: mine.startTime, endTime: mine.endTime, mine: true }]);
    await expectSameAsSql(1, 5, windows);
    await expectSameAsSql(2, 5, windows);
    // Cancelled: free again at once.
    await alice.reservations.cancel({ id: mine.id });
    const after = await bob.seats.availability({
      seatId: 5,
      from: dayAt(1, 9).toISOString(),
      to: dayAt(1, 13).toISOString(),
    });
    expect(after).toMatchObject({ available: true, busy: [] });
    await expectSameAsSql(2, 5, windows);
  });

  it("maintenance, opening hours and retiring change the copy's answers at once", async () => {
    const staff = await api.as(ADMIN);
    const student = await api.as(3);
    const windows = [
      { from: at(0), to: at(HOUR) },
      { from: dayAt(1, 9), to: dayAt(1, 11) },
    ];
    await expectSameAsSql(3, 30, windows);
    await staff.admin.setSeatStatus({ seatId: 30, status: "MAINTENANCE", reason: "Wobbly chair" });
    expect((await student.seats.get({ id: 30 })).status).toBe("MAINTENANCE");
    await expectSameAsSql(3, 30, windows);
    await staff.admin.setSeatStatus({ seatId: 30, status: "ACTIVE" });

    const { branch } = await api.anonymous.seats.label({ id: 31 });
    await staff.admin.setOpeningHours({ branch, hours: [] });
    const closed = await student.seats.availability({
      seatId: 31,
      from: dayAt(1, 9).toISOString(),
      to: dayAt(1, 11).toISOString(),
    });
    expect(closed.available).toBe(false);
    await expectSameAsSql(3, 31, windows);

    await staff.admin.retireSeat({ seatId: 32, reason: "Broken" });
    await expectTRPCError(student.seats.get({ id: 32 }), "NOT_FOUND", "Seat 32 does not exist");
    await expectTRPCError(
      student.seats.availability({
        seatId: 32,
        from: dayAt(1, 9).toISOString(),
        to: dayAt(1, 11).toISOString(),
      }),
      "NOT_FOUND",
    );
  });

  it("an unknown seat is NOT_FOUND and a bad window BAD_REQUEST, as before", async () => {
    const student = await api.as(4);
    await expectTRPCError(student.seats.get({ id: 999_999 }), "NOT_FOUND", "Seat 999999 does not exist");
    await expectTRPCError(
      student.seats.availability({
        seatId: 1,
        from: dayAt(1, 11).toISOString(),
        to: dayAt(1, 9).toISOString(),
      }),
      "BAD_REQUEST",
    );
  });
});
