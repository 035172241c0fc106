import { SAMPLE_BRANCHES, SAMPLE_SEATS, seats } from "@dlsms/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { at, dayAt, expectTRPCError, HOUR, insertReservation, iso, MINUTE } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const branchName = (id: number) => SAMPLE_BRANCHES.find((b) => b.id === id)?.name;
const sampleIds = (keep: (s: (typeof SAMPLE_SEATS)[number]) => boolean) =>
  SAMPLE_SEATS.filter(keep).map((s) => s.id);

describe("seats.list", () => {
  it("returns every seat with the contract's shape, all available on a fresh database", async () => {
    const list = await (await api.as(1)).seats.list();
    expect(list).toHaveLength(50);
    expect(list[0]).toEqual({
      id: 1,
      code: expect.any(String),
      branch: "Main Library",
      area: "Silent Study Zone",
      hasPower: true,
      hasMonitor: false,
      status: "ACTIVE",
      available: true,
    });
    expect(list.every((s) => s.available)).toBe(true);
    expect(list.map((s) => s.id)).toEqual(SAMPLE_SEATS.map((s) => s.id));
  });

  it.each([
    ["branch", { branch: "Science Library" }, sampleIds((s) => branchName(s.branchId) === "Science Library")],
    ["area", { area: "Reading Room" }, sampleIds((s) => s.area === "Reading Room")],
    ["power", { hasPower: true }, sampleIds((s) => s.hasPower)],
    ["no power", { hasPower: false }, sampleIds((s) => !s.hasPower)],
    ["monitor", { hasMonitor: true }, sampleIds((s) => s.hasMonitor)],
    ["no monitor", { hasMonitor: false }, sampleIds((s) => !s.hasMonitor)],
    [
      "branch + area + power + monitor",
      { branch: "Main Library", area: "Group Study Zone", hasPower: true, hasMonitor: true },
      sampleIds((s) => s.branchId === 1 && s.area === "Group Study Zone" && s.hasPower && s.hasMonitor),
    ],
    ["an unknown branch", { branch: "Moon Library" }, []],
  ])("filters exactly by %s", async (_name, input, expected) => {
    const list = await (await api.as(1)).seats.list(input);
    expect(list.map((s) => s.id)).toEqual(expected);
  });

  it("filters give the seed's counts", async () => {
    const alice = await api.as(1);
    expect(await alice.seats.list({ branch: "Main Library" })).toHaveLength(25);
    expect(await alice.seats.list({ branch: "Science Library" })).toHaveLength(12);
    expect(await alice.seats.list({ branch: "Engineering Library" })).toHaveLength(13);
  });

  it("needs both ends of a window, in order, and no longer than 31 days", async () => {
    const alice = await api.as(1);
    const start = iso(dayAt(1, 10));
    await expectTRPCError(
      alice.seats.list({ startTime: start }),
      "BAD_REQUEST",
      "Give both startTime and endTime",
    );
    await expectTRPCError(
      alice.seats.list({ startTime: start, endTime: start }),
      "BAD_REQUEST",
      "endTime must be after startTime",
    );
    await expectTRPCError(
      alice.seats.list({ startTime: start, endTime: iso(dayAt(40, 10)) }),
      "BAD_REQUEST",
      "at most 31 days",
    );
    await expectTRPCError(
      alice.seats.list({ startTime: "next week", endTime: start }),
      "BAD_REQUEST",
      "startTime must be a date and time",
    );
    await expectTRPCError(
      alice.seats.list({ hasPower: "yes" } as unknown as { hasPower: boolean }),
      "BAD_REQUEST",
      "hasPower must be true or false",
    );
  });
});

describe("seats.get and seats.availability", () => {
  it("seats.get shows today's busy intervals, marking the caller's own, and availability now", async () => {
    // Bob holds seat 7 right now; Alice holds it later today (or just after midnight: still not "now").
    await insertReservation(api, { userId: 2, seatId: 7, start: at(-10 * MINUTE), end: at(20 * MINUTE) });
    await insertReservation(api, { userId: 1, seatId: 7, start: dayAt(3, 9), end: dayAt(3, 10) });
    await insertReservation(api, {
      userId: 3,
      seatId: 7,
      start: at(-5 * MINUTE),
      end: at(40 * MINUTE),
      status: "CANCELLED",
    });

    const bob = await api.as(2);
    const seat = await bob.seats.get({ id: 7 });
    expect(seat).toMatchObject({ id: 7, branch: "Main Library", available: false, status: "ACTIVE" });
    expect(seat.busy).toHaveLength(1);
    expect(seat.busy[0]).toMatchObject({ mine: true });

    const alice = await api.as(1);
    const seen = await alice.seats.get({ id: 7 });
    expect(seen.busy).toHaveLength(1);
    expect(seen.busy[0]?.mine).toBe(false);
    expect(Date.parse(seen.day.from)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(seen.day.to)).toBeGreaterThan(Date.now());
  });

  it("seats.availability lists only active reservations overlapping the window, in order", async () => {
    const carol = await api.as(3);
    const day = dayAt(4, 0);
    const h = (n: number) => new Date(day.getTime() + n * HOUR);
    await carol.reservations.create({ seatId: 9, startTime: iso(h(13)), endTime: iso(h(14)) });
    await (await api.as(4)).reservations.create({ seatId: 9, startTime: iso(h(9)), endTime: iso(h(10)) });
    const result = await carol.seats.availability({ seatId: 9, from: iso(h(8)), to: iso(h(18)) });
    expect(result).toEqual({
      seatId: 9,
      from: iso(h(8)),
      to: iso(h(18)),
      available: false,
      busy: [
        { startTime: iso(h(9)), endTime: iso(h(10)), mine: false },
        { startTime: iso(h(13)), endTime: iso(h(14)), mine: true },
      ],
    });
    const between = await carol.seats.availability({ seatId: 9, from: iso(h(10)), to: iso(h(13)) });
    expect(between).toMatchObject({ available: true, busy: [] });
  });

  it("unknown seats are NOT_FOUND; bad windows are BAD_REQUEST", async () => {
    const alice = await api.as(1);
    await expectTRPCError(alice.seats.get({ id: 51 }), "NOT_FOUND", "Seat 51 does not exist");
    const from = iso(dayAt(1, 10));
    await expectTRPCError(
      alice.seats.availability({ seatId: 4242, from, to: iso(dayAt(1, 11)) }),
      "NOT_FOUND",
      "Seat 4242 does not exist",
    );
    await expectTRPCError(
      alice.seats.availability({ seatId: 1, from, to: from }),
      "BAD_REQUEST",
      "to must be after from",
    );
    await expectTRPCError(
      alice.seats.availability({ seatId: 1, from } as { seatId: number; from: string; to: string }),
      "BAD_REQUEST",
      "to is required",
    );
  });
});

describe("branches.list", () => {
  let fresh: TestApi;
  beforeAll(async () => {
    fresh = await createTestApi();
  });
  afterAll(() => fresh?.destroy());

  it("counts seats per branch and drops seats held now or under maintenance from availableNow", async () => {
    const now = { start: at(-10 * MINUTE), end: at(30 * MINUTE) };
    // Held now: CONFIRMED on 1, CHECKED_IN on 38, HELD on 39. Not held now: a cancelled one on 2
    // and a future one on 3. Seat 26 is under maintenance.
    await insertReservation(fresh, { userId: 1, seatId: 1, ...now });
    await insertReservation(fresh, { userId: 2, seatId: 2, ...now, status: "CANCELLED" });
    await insertReservation(fresh, { userId: 3, seatId: 3, start: dayAt(2, 9), end: dayAt(2, 10) });
    await insertReservation(fresh, { userId: 4, seatId: 38, ...now, status: "CHECKED_IN" });
    await insertReservation(fresh, { userId: 5, seatId: 39, ...now, status: "HELD" });
    await fresh.database.db.update(seats).set({ status: "MAINTENANCE" }).where(eq(seats.id, 26));

    const list = await (await fresh.as(6)).branches.list();
    expect(list.map((b) => ({ name: b.name, seatCount: b.seatCount, availableNow: b.availableNow }))).toEqual(
      [
        { name: "Engineering Library", seatCount: 13, availableNow: 11 },
        { name: "Main Library", seatCount: 25, availableNow: 24 },
        { name: "Science Library", seatCount: 12, availableNow: 11 },
      ],
    );
    for (const b of list) expect(b.id).toBe(SAMPLE_BRANCHES.find((s) => s.name === b.name)?.id);
  });
});
