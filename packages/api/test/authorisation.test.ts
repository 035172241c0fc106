import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { at, dayAt, expectTRPCError, insertReservation, MINUTE, reservationRow, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

describe("a student cannot touch another's reservation (acceptance 5)", () => {
  it("Bob gets NOT_FOUND for get, cancel, checkIn and release of Alice's, and her row is unchanged", async () => {
    const alice = await api.as(1);
    const bob = await api.as(2);
    // Starts in 5 minutes: inside the check-in window, so only ownership stands in Bob's way.
    const mine = await alice.reservations.create(slot(1, at(5 * MINUTE), at(65 * MINUTE)));
    const before = await reservationRow(api, mine.id);

    const message = `Reservation ${mine.id} not found`;
    await expectTRPCError(bob.reservations.get({ id: mine.id }), "NOT_FOUND", message);
    await expectTRPCError(bob.reservations.cancel({ id: mine.id }), "NOT_FOUND", message);
    await expectTRPCError(bob.reservations.checkIn({ id: mine.id }), "NOT_FOUND", message);
    await expectTRPCError(bob.reservations.release({ id: mine.id }), "NOT_FOUND", message);
    expect(await reservationRow(api, mine.id)).toEqual(before);

    // The same answers as for an id that does not exist at all: nothing leaks.
    await expectTRPCError(bob.reservations.get({ id: 999_999 }), "NOT_FOUND", "Reservation 999999 not found");
    expect((await bob.reservations.mine()).map((r) => r.id)).not.toContain(mine.id);

    // Alice herself can do all of it.
    expect((await alice.reservations.get({ id: mine.id })).id).toBe(mine.id);
    expect((await alice.reservations.checkIn({ id: mine.id })).status).toBe("CHECKED_IN");
  });

  it("Bob cannot release Eve's checked-in reservation, nor cancel her confirmed one", async () => {
    const start = at(-10 * MINUTE);
    const checkedIn = await insertReservation(api, {
      userId: 5,
      seatId: 2,
      start,
      end: at(50 * MINUTE),
      status: "CHECKED_IN",
    });
    const confirmed = await insertReservation(api, {
      userId: 5,
      seatId: 3,
      start: dayAt(3, 9),
      end: dayAt(3, 10),
    });
    const bob = await api.as(2);
    await expectTRPCError(bob.reservations.release({ id: checkedIn.id }), "NOT_FOUND");
    await expectTRPCError(bob.reservations.cancel({ id: confirmed.id }), "NOT_FOUND");
    await expectTRPCError(bob.reservations.checkIn({ id: checkedIn.id }), "NOT_FOUND");
    expect(await reservationRow(api, checkedIn.id)).toEqual(checkedIn);
    expect(await reservationRow(api, confirmed.id)).toEqual(confirmed);
  });

  it("seat busy intervals never reveal who holds them", async () => {
    const bob = await api.as(2);
    const seat = await bob.seats.get({ id: 2 });
    expect(seat.busy.length).toBeGreaterThan(0);
    for (const interval of seat.busy) {
      expect(Object.keys(interval).sort()).toEqual(["endTime", "mine", "startTime"]);
      expect(interval.mine).toBe(false);
    }
  });
});

describe("reservations.mine", () => {
  it("lists only the caller's, and upcomingOnly keeps only active ones that have not ended", async () => {
    const carol = await api.as(3);
    const future = await carol.reservations.create(slot(10, dayAt(2, 9), dayAt(2, 10)));
    const cancelled = await carol.reservations.create(slot(10, dayAt(3, 9), dayAt(3, 10)));
    await carol.reservations.cancel({ id: cancelled.id });
    const past = await insertReservation(api, {
      userId: 3,
      seatId: 10,
      start: dayAt(-2, 9),
      end: dayAt(-2, 10),
      status: "COMPLETED",
    });
    const ongoing = await insertReservation(api, {
      userId: 3,
      seatId: 11,
      start: at(-30 * MINUTE),
      end: at(30 * MINUTE),
      status: "CHECKED_IN",
    });
    await (await api.as(4)).reservations.create(slot(12, dayAt(2, 9), dayAt(2, 10)));

    const all = await carol.reservations.mine();
    expect(all.map((r) => r.id).sort((a, b) => a - b)).toEqual(
      [future.id, cancelled.id, past.id, ongoing.id].sort((a, b) => a - b),
    );
    expect(all.every((r) => r.userId === 3)).toBe(true);

    const upcoming = await carol.reservations.mine({ upcomingOnly: true });
    expect(upcoming.map((r) => r.id)).toEqual([ongoing.id, future.id]);
  });

  it("has the contract's output shape with ISO UTC timestamps", async () => {
    const dave = await api.as(4);
    const [r] = await dave.reservations.mine();
    expect(r).toMatchObject({
      id: expect.any(Number),
      seatId: 12,
      userId: 4,
      startTime: dayAt(2, 9).toISOString(),
      endTime: dayAt(2, 10).toISOString(),
      status: "CONFIRMED",
      checkedInAt: null,
      expiresAt: null,
    });
    const isoZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    expect(r?.startTime).toMatch(isoZ);
    expect(r?.endTime).toMatch(isoZ);

    const carol = await api.as(3);
    const checkedIn = (await carol.reservations.mine()).find((x) => x.status === "CHECKED_IN");
    expect(checkedIn?.checkedInAt).toMatch(isoZ);
  });

  it("rejects a malformed upcomingOnly", async () => {
    const dave = await api.as(4);
    await expectTRPCError(
      dave.reservations.mine({ upcomingOnly: "yes" } as unknown as { upcomingOnly: boolean }),
      "BAD_REQUEST",
      "upcomingOnly must be true or false",
    );
  });
});
