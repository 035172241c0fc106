import { reservations } from "@dlsms/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { countReservations, dayAt, expectTRPCError, HOUR, iso, MINUTE, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

async function activeOnSeat(seatId: number) {
  return api.database.db
    .select()
    .from(reservations)
    .where(
      and(eq(reservations.seatId, seatId), inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"])),
    );
}

describe("a booked seat (acceptance 2)", () => {
  // Alice holds seat 5 from 10:00 to 12:00 two days from now.
  const start = dayAt(2, 10);
  const end = dayAt(2, 12);

  beforeAll(async () => {
    const alice = await api.as(1);
    await alice.reservations.create(slot(5, start, end));
  });

  it("is not available in seats.list for an overlapping window, and is for a disjoint one", async () => {
    const bob = await api.as(2);
    const overlapping = await bob.seats.list({
      branch: "Main Library",
      startTime: iso(plus(start, HOUR)),
      endTime: iso(plus(end, HOUR)),
    });
    expect(overlapping.find((s) => s.id === 5)?.available).toBe(false);
    expect(overlapping.filter((s) => !s.available).map((s) => s.id)).toEqual([5]);

    const later = await bob.seats.list({
      branch: "Main Library",
      startTime: iso(end),
      endTime: iso(plus(end, HOUR)),
    });
    expect(later.find((s) => s.id === 5)?.available).toBe(true);
    const earlier = await bob.seats.list({
      branch: "Main Library",
      startTime: iso(plus(start, -HOUR)),
      endTime: iso(start),
    });
    expect(earlier.find((s) => s.id === 5)?.available).toBe(true);
  });

  it("availableOnly drops it for an overlapping window only", async () => {
    const bob = await api.as(2);
    const busy = await bob.seats.list({ availableOnly: true, startTime: iso(start), endTime: iso(end) });
    expect(busy).toHaveLength(49);
    expect(busy.some((s) => s.id === 5)).toBe(false);
    const free = await bob.seats.list({
      availableOnly: true,
      startTime: iso(plus(end, HOUR)),
      endTime: iso(plus(end, 2 * HOUR)),
    });
    expect(free).toHaveLength(50);
  });

  it("seats.availability reports the busy interval for an overlapping window and none for a disjoint one", async () => {
    const bob = await api.as(2);
    const busy = await bob.seats.availability({
      seatId: 5,
      from: iso(plus(start, 30 * MINUTE)),
      to: iso(plus(start, 45 * MINUTE)),
    });
    expect(busy).toMatchObject({ seatId: 5, available: false });
    expect(busy.busy).toEqual([{ startTime: iso(start), endTime: iso(end), mine: false }]);

    const free = await bob.seats.availability({ seatId: 5, from: iso(end), to: iso(plus(end, HOUR)) });
    expect(free).toMatchObject({ seatId: 5, available: true, busy: [] });

    const alice = await api.as(1);
    const own = await alice.seats.availability({ seatId: 5, from: iso(start), to: iso(end) });
    expect(own.busy).toEqual([{ startTime: iso(start), endTime: iso(end), mine: true }]);
  });

  it.each([
    ["partially overlapping (starts inside)", 30 * MINUTE, 2 * HOUR + 30 * MINUTE],
    ["partially overlapping (ends inside)", -HOUR, HOUR],
    ["containing", -HOUR, 3 * HOUR],
    ["contained", 30 * MINUTE, 90 * MINUTE],
    ["identical", 0, 2 * HOUR],
  ])("a %s request by another student is CONFLICT and writes nothing", async (_name, from, to) => {
    const carol = await api.as(3);
    const before = await countReservations(api);
    await expectTRPCError(
      carol.reservations.create(slot(5, plus(start, from), plus(start, to))),
      "CONFLICT",
      /Seat \S+ is already booked for part of that time/,
    );
    expect(await countReservations(api)).toBe(before);
    expect(await activeOnSeat(5)).toHaveLength(1);
  });

  it("back-to-back bookings (end == next start) on both sides are allowed", async () => {
    const dave = await api.as(4);
    const after = await dave.reservations.create(slot(5, end, plus(end, HOUR)));
    expect(after).toMatchObject({ seatId: 5, userId: 4, status: "CONFIRMED", startTime: iso(end) });
    const eve = await api.as(5);
    const before = await eve.reservations.create(slot(5, plus(start, -HOUR), start));
    expect(before).toMatchObject({ seatId: 5, userId: 5, status: "CONFIRMED", endTime: iso(start) });
    expect(await activeOnSeat(5)).toHaveLength(3);
  });
});

describe("one student, two seats", () => {
  it("cannot hold two overlapping reservations on different seats", async () => {
    const frank = await api.as(6);
    const start = dayAt(3, 9);
    const mine = await frank.reservations.create(slot(10, start, plus(start, 2 * HOUR)));
    const before = await countReservations(api);
    const error = await expectTRPCError(
      frank.reservations.create(slot(30, plus(start, HOUR), plus(start, 3 * HOUR))),
      "CONFLICT",
      /^You already have a reservation for seat ML-\S+ from .* that overlaps this time$/,
    );
    expect(error.message).toContain(`${iso(start).slice(0, 10)} ${iso(start).slice(11, 16)} UTC`);
    expect(await countReservations(api)).toBe(before);
    // Right after it is fine.
    const next = await frank.reservations.create(slot(30, plus(start, 2 * HOUR), plus(start, 3 * HOUR)));
    expect(next.id).not.toBe(mine.id);
  });

  it("is told about their own reservation even when the seat is also taken", async () => {
    const grace = await api.as(7);
    const start = dayAt(4, 14);
    await grace.reservations.create(slot(11, start, plus(start, HOUR)));
    await (await api.as(8)).reservations.create(slot(12, start, plus(start, HOUR)));
    await expectTRPCError(
      grace.reservations.create(slot(12, start, plus(start, HOUR))),
      "CONFLICT",
      "You already have a reservation for seat",
    );
  });
});

describe("cancelled reservations", () => {
  it("free the slot for the seat and for the student", async () => {
    const henry = await api.as(9);
    const ivy = await api.as(10);
    const start = dayAt(5, 15);
    const end = plus(start, HOUR);
    const first = await henry.reservations.create(slot(20, start, end));
    await expectTRPCError(ivy.reservations.create(slot(20, start, end)), "CONFLICT");

    await henry.reservations.cancel({ id: first.id });
    const listed = await ivy.seats.list({ branch: "Main Library", startTime: iso(start), endTime: iso(end) });
    expect(listed.find((s) => s.id === 20)?.available).toBe(true);
    const taken = await ivy.reservations.create(slot(20, start, end));
    expect(taken).toMatchObject({ seatId: 20, userId: 10, status: "CONFIRMED" });

    // Henry's own slot is free again too: he may book another seat for the same time.
    const again = await henry.reservations.create(slot(21, start, end));
    expect(again.status).toBe("CONFIRMED");
    const rows = await activeOnSeat(20);
    expect(rows.map((r) => r.userId)).toEqual([10]);
  });
});
