import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { countReservations, dayAt, expectTRPCError, HOUR, iso, reservationRow, slot } from "./helpers";

/** The wall-clock date and hour:minute of an instant in a zone, computed with Intl (not luxon). */
function wallClock(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

describe("LIBRARY_TIMEZONE=Europe/Berlin", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(testConfig({ rules: { libraryTimezone: "Europe/Berlin" } }));
  });
  afterAll(() => api?.destroy());

  const zone = "Europe/Berlin";
  // A Berlin calendar date 3 and 4 days from now, as plain "YYYY-MM-DD".
  const berlinDate = (days: number) => wallClock(dayAt(days, 12), zone).slice(0, 10);

  it("reads a naive timestamp as Berlin wall time (DST-aware) and stores it in UTC", async () => {
    const alice = await api.as(1);
    const date = berlinDate(3);
    const r = await alice.reservations.create({
      seatId: 1,
      startTime: `${date}T14:00:00`,
      endTime: `${date}T15:30:00`,
    });
    const start = new Date(r.startTime);
    expect(wallClock(start, zone)).toBe(`${date}T14:00`);
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    expect([`${date}T13:00:00.000Z`, `${date}T12:00:00.000Z`]).toContain(r.startTime);
    expect(new Date(r.endTime).getTime() - start.getTime()).toBe(90 * 60_000);
    const row = await reservationRow(api, r.id);
    expect(row.startTime.toISOString()).toBe(r.startTime);
  });

  it("takes a timestamp with Z or an offset as given", async () => {
    const bob = await api.as(2);
    const date = berlinDate(4);
    const z = await bob.reservations.create({
      seatId: 2,
      startTime: `${date}T14:00:00Z`,
      endTime: `${date}T15:00:00Z`,
    });
    expect(z.startTime).toBe(`${date}T14:00:00.000Z`);
    const offset = await bob.reservations.create({
      seatId: 3,
      startTime: `${date}T18:00:00+05:00`,
      endTime: `${date}T19:00:00+05:00`,
    });
    expect(offset.startTime).toBe(`${date}T13:00:00.000Z`);
  });

  it("accepts a space instead of T, and minutes without seconds", async () => {
    const carol = await api.as(3);
    const date = berlinDate(3);
    const r = await carol.reservations.create({
      seatId: 4,
      startTime: `${date} 09:00`,
      endTime: `${date} 10:00`,
    });
    expect(wallClock(new Date(r.startTime), zone)).toBe(`${date}T09:00`);
  });

  it("seats.list reads a naive window in Berlin time too", async () => {
    const dave = await api.as(4);
    const date = berlinDate(3);
    // Alice holds seat 1 from 14:00 to 15:30 Berlin time on that date.
    const busy = await dave.seats.list({
      branch: "Main Library",
      startTime: `${date}T15:00:00`,
      endTime: `${date}T16:00:00`,
    });
    expect(busy.find((s) => s.id === 1)?.available).toBe(false);
    const free = await dave.seats.list({
      branch: "Main Library",
      startTime: `${date}T15:30:00`,
      endTime: `${date}T16:30:00`,
    });
    expect(free.find((s) => s.id === 1)?.available).toBe(true);
  });

  it("messages show times in the library's zone", async () => {
    const eve = await api.as(5);
    const date = berlinDate(3);
    await eve.reservations.create({ seatId: 5, startTime: `${date}T10:00:00`, endTime: `${date}T11:00:00` });
    await expectTRPCError(
      eve.reservations.create({ seatId: 6, startTime: `${date}T10:30:00`, endTime: `${date}T11:30:00` }),
      "CONFLICT",
      new RegExp(`from ${date} 10:00 (CET|CEST|GMT\\+1|GMT\\+2) to ${date} 11:00`),
    );
  });
});

describe("configurable rules", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(
      testConfig({
        rules: {
          maxUpcomingReservations: 1,
          minDurationMinutes: 30,
          maxDurationMinutes: 90,
          maxAdvanceDays: 2,
          pastToleranceMinutes: 0,
          checkInEarlyMinutes: 5,
          graceMinutes: 0,
        },
      }),
    );
  });
  afterAll(() => api?.destroy());

  const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

  it("reservations report the configured check-in window", async () => {
    const bob = await api.as(2);
    const start = dayAt(1, 14);
    const created = await bob.reservations.create(slot(2, start, plus(start, HOUR)));
    const expected = { checkInOpensAt: iso(plus(start, -5 * 60_000)), checkInClosesAt: iso(start) };
    expect(await bob.reservations.get({ id: created.id })).toMatchObject(expected);
    expect((await bob.reservations.mine()).find((r) => r.id === created.id)).toMatchObject(expected);
    await bob.reservations.cancel({ id: created.id });
  });

  it("maxUpcomingReservations: 1 refuses a second upcoming reservation", async () => {
    const alice = await api.as(1);
    await alice.reservations.create(slot(1, dayAt(1, 9), dayAt(1, 10)));
    const before = await countReservations(api);
    await expectTRPCError(
      alice.reservations.create(slot(1, dayAt(1, 11), dayAt(1, 12))),
      "BAD_REQUEST",
      "You already have 1 upcoming reservations, the most allowed",
    );
    expect(await countReservations(api)).toBe(before);
  });

  it("durations follow the configured minimum and maximum", async () => {
    const bob = await api.as(2);
    const start = dayAt(1, 9);
    await expectTRPCError(
      bob.reservations.create(slot(2, start, plus(start, 29 * 60_000))),
      "BAD_REQUEST",
      "at least 30 minutes",
    );
    await expectTRPCError(
      bob.reservations.create(slot(2, start, plus(start, 91 * 60_000))),
      "BAD_REQUEST",
      "at most 1.5 hours",
    );
    expect((await bob.reservations.create(slot(2, start, plus(start, 90 * 60_000)))).status).toBe(
      "CONFIRMED",
    );
  });

  it("maxAdvanceDays and the past tolerance follow the configuration", async () => {
    const carol = await api.as(3);
    const far = dayAt(3, 9);
    await expectTRPCError(
      carol.reservations.create(slot(3, far, plus(far, HOUR))),
      "BAD_REQUEST",
      "You can book at most 2 days ahead",
    );
    const justPast = new Date(Date.now() - 60_000);
    await expectTRPCError(
      carol.reservations.create({ seatId: 3, startTime: iso(justPast), endTime: iso(plus(justPast, HOUR)) }),
      "BAD_REQUEST",
      "is in the past",
    );
  });
});
