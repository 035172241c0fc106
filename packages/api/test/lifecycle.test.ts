import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import {
  at,
  dayAt,
  expectTRPCError,
  HOUR,
  insertReservation,
  iso,
  MINUTE,
  reservationRow,
  slot,
  utcMinute,
} from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describe("check-in window [start − 15 min, start + 15 min] (acceptance 6)", () => {
  it("is refused before start − 15 min, with the window in the message, and changes nothing", async () => {
    const alice = await api.as(1);
    const start = dayAt(2, 10);
    const r = await alice.reservations.create(slot(1, start, plus(start, HOUR)));
    await expectTRPCError(
      alice.reservations.checkIn({ id: r.id }),
      "BAD_REQUEST",
      `Check-in is open from ${utcMinute(plus(start, -15 * MINUTE))} to ${utcMinute(plus(start, 15 * MINUTE))}: come back a little later`,
    );
    expect(await reservationRow(api, r.id)).toMatchObject({ status: "CONFIRMED", checkedInAt: null });
  });

  it("is refused after start + grace, with the window in the message", async () => {
    const start = at(-20 * MINUTE);
    const r = await insertReservation(api, { userId: 2, seatId: 2, start, end: plus(start, HOUR) });
    await expectTRPCError(
      (await api.as(2)).reservations.checkIn({ id: r.id }),
      "BAD_REQUEST",
      `Check-in is open from ${utcMinute(plus(start, -15 * MINUTE))} to ${utcMinute(plus(start, 15 * MINUTE))}: that window has passed`,
    );
    expect(await reservationRow(api, r.id)).toMatchObject({ status: "CONFIRMED", checkedInAt: null });
  });

  it("works 5 minutes before start", async () => {
    const carol = await api.as(3);
    const r = await carol.reservations.create(slot(3, at(5 * MINUTE), at(65 * MINUTE)));
    const before = Date.now();
    const checked = await carol.reservations.checkIn({ id: r.id });
    expect(checked).toMatchObject({ id: r.id, status: "CHECKED_IN" });
    const at_ = Date.parse(checked.checkedInAt ?? "");
    expect(at_).toBeGreaterThanOrEqual(before - 1000);
    expect(at_).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await reservationRow(api, r.id)).toMatchObject({ status: "CHECKED_IN" });
  });

  it("works 10 minutes after start (inside the grace period)", async () => {
    const r = await insertReservation(api, {
      userId: 4,
      seatId: 4,
      start: at(-10 * MINUTE),
      end: at(50 * MINUTE),
    });
    expect((await (await api.as(4)).reservations.checkIn({ id: r.id })).status).toBe("CHECKED_IN");
  });

  it("a second check-in is BAD_REQUEST", async () => {
    const [r] = await (await api.as(4)).reservations.mine({ upcomingOnly: true });
    await expectTRPCError(
      (await api.as(4)).reservations.checkIn({ id: r?.id ?? 0 }),
      "BAD_REQUEST",
      "You cannot check in: this reservation is already checked in",
    );
  });
});

describe("GRACE_MINUTES=0", () => {
  let strict: TestApi;
  beforeAll(async () => {
    strict = await createTestApi(testConfig({ rules: { graceMinutes: 0 } }));
  });
  afterAll(() => strict?.destroy());

  it("still allows check-in up to the start", async () => {
    const r = await insertReservation(strict, { userId: 1, seatId: 1, start: at(30_000), end: at(HOUR) });
    expect((await (await strict.as(1)).reservations.checkIn({ id: r.id })).status).toBe("CHECKED_IN");
  });

  it("refuses check-in a minute after the start, naming start as the close", async () => {
    const start = at(-MINUTE);
    const r = await insertReservation(strict, { userId: 2, seatId: 2, start, end: at(HOUR) });
    await expectTRPCError(
      (await strict.as(2)).reservations.checkIn({ id: r.id }),
      "BAD_REQUEST",
      `to ${utcMinute(start)}: that window has passed`,
    );
  });

  it("refuses cancelling after the start", async () => {
    const r = await insertReservation(strict, { userId: 3, seatId: 3, start: at(-MINUTE), end: at(HOUR) });
    await expectTRPCError(
      (await strict.as(3)).reservations.cancel({ id: r.id }),
      "BAD_REQUEST",
      "too late to cancel",
    );
    expect((await reservationRow(strict, r.id)).status).toBe("CONFIRMED");
  });
});

describe("release (early leave)", () => {
  it("ends a CHECKED_IN reservation now and frees the rest of the slot at once", async () => {
    const start = at(-10 * MINUTE);
    const end = at(50 * MINUTE);
    const r = await insertReservation(api, { userId: 5, seatId: 10, start, end });
    const eve = await api.as(5);
    await eve.reservations.checkIn({ id: r.id });

    const bob = await api.as(6);
    await expectTRPCError(bob.reservations.create(slot(10, at(MINUTE), end)), "CONFLICT");

    const released = await eve.reservations.release({ id: r.id });
    expect(released.status).toBe("COMPLETED");
    expect(Math.abs(Date.parse(released.endTime) - Date.now())).toBeLessThan(10_000);
    expect(released.startTime).toBe(iso(start));
    expect(await reservationRow(api, r.id)).toMatchObject({
      status: "COMPLETED",
      endTime: new Date(released.endTime),
    });

    const rest = { startTime: iso(at(1000)), endTime: iso(end) };
    const seat = await bob.seats.availability({ seatId: 10, from: rest.startTime, to: rest.endTime });
    expect(seat).toMatchObject({ available: true, busy: [] });
    const taken = await bob.reservations.create({ seatId: 10, ...rest });
    expect(taken).toMatchObject({ seatId: 10, userId: 6, status: "CONFIRMED" });
  });

  it("of a reservation checked in before its start keeps end after start", async () => {
    const grace = await api.as(7);
    const r = await grace.reservations.create(slot(11, at(5 * MINUTE), at(65 * MINUTE)));
    await grace.reservations.checkIn({ id: r.id });
    const released = await grace.reservations.release({ id: r.id });
    expect(released.status).toBe("COMPLETED");
    expect(Date.parse(released.endTime)).toBeGreaterThan(Date.parse(released.startTime));
    expect(Date.parse(released.endTime)).toBeLessThan(Date.parse(r.endTime));
  });

  it("of a reservation that is not checked in is BAD_REQUEST and changes nothing", async () => {
    const henry = await api.as(8);
    const r = await henry.reservations.create(slot(12, dayAt(2, 9), dayAt(2, 10)));
    const before = await reservationRow(api, r.id);
    await expectTRPCError(
      henry.reservations.release({ id: r.id }),
      "BAD_REQUEST",
      "Only a checked-in reservation can be released; this one is confirmed",
    );
    expect(await reservationRow(api, r.id)).toEqual(before);
    await henry.reservations.cancel({ id: r.id });
    await expectTRPCError(henry.reservations.release({ id: r.id }), "BAD_REQUEST", "this one is cancelled");
  });
});

describe("cancel", () => {
  it("frees the seat for the same window", async () => {
    const ivy = await api.as(9);
    const start = dayAt(3, 14);
    const r = await ivy.reservations.create(slot(13, start, plus(start, HOUR)));
    const cancelled = await ivy.reservations.cancel({ id: r.id });
    expect(cancelled).toMatchObject({ id: r.id, status: "CANCELLED" });
    expect(await reservationRow(api, r.id)).toMatchObject({ status: "CANCELLED" });
    const jack = await api.as(10);
    const seat = await jack.seats.availability({ seatId: 13, from: iso(start), to: iso(plus(start, HOUR)) });
    expect(seat).toMatchObject({ available: true, busy: [] });
    expect((await jack.reservations.create(slot(13, start, plus(start, HOUR)))).status).toBe("CONFIRMED");
  });

  it("of a cancelled reservation is BAD_REQUEST", async () => {
    const [r] = (await (await api.as(9)).reservations.mine()).filter((x) => x.status === "CANCELLED");
    await expectTRPCError(
      (await api.as(9)).reservations.cancel({ id: r?.id ?? 0 }),
      "BAD_REQUEST",
      "You cannot cancel: this reservation is cancelled",
    );
  });

  it("after start + grace is BAD_REQUEST and leaves the reservation as it was", async () => {
    const start = at(-20 * MINUTE);
    const r = await insertReservation(api, { userId: 9, seatId: 14, start, end: plus(start, HOUR) });
    await expectTRPCError(
      (await api.as(9)).reservations.cancel({ id: r.id }),
      "BAD_REQUEST",
      `It is too late to cancel: the check-in window closed at ${utcMinute(plus(start, 15 * MINUTE))}`,
    );
    expect(await reservationRow(api, r.id)).toEqual(r);
  });

  it("inside the grace period is still allowed", async () => {
    const r = await insertReservation(api, { userId: 10, seatId: 15, start: at(-5 * MINUTE), end: at(HOUR) });
    expect((await (await api.as(10)).reservations.cancel({ id: r.id })).status).toBe("CANCELLED");
  });

  it("of a checked-in reservation points to release", async () => {
    const [r] = (await (await api.as(3)).reservations.mine()).filter((x) => x.status === "CHECKED_IN");
    await expectTRPCError(
      (await api.as(3)).reservations.cancel({ id: r?.id ?? 0 }),
      "BAD_REQUEST",
      "release",
    );
  });
});
