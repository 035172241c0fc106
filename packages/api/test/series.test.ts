import { auditLog, reservationSeries, reservations } from "@dlsms/db";
import { TRPCError } from "@trpc/server";
import { and, count, eq, inArray } from "drizzle-orm";
import type { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weeklyWindows } from "../src/services/series.service";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { countReservations, expectTRPCError } from "./helpers";
import { ADMIN, newBranch, nextLocal, WEEKDAYS, window, ZONE } from "./hours-helpers";

let api: TestApi;
let seatIds: number[] = [];
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: ZONE } }), { poolSize: 25 });
  seatIds = (await newBranch(api, 8)).seatIds;
});
afterAll(() => api?.destroy());

let studentNo = 0;
/** A fresh student of this file's own, so limits and overlaps of other tests never interfere. */
async function newStudent() {
  studentNo += 1;
  const { user } = await api.anonymous.auth.register({
    studentId: `SERIES${studentNo}${Date.now() % 100000}`,
    password: "series-password",
    name: `Series Student ${studentNo}`,
  });
  return { id: user.id, caller: await api.as(user.id) };
}

const seat = (i: number) => seatIds[i] as number;
const series = (seatId: number, start: DateTime, hours: number, weeks: number) => ({
  ...window(seatId, start, hours),
  weeks,
});

async function seriesCount(): Promise<number> {
  const [row] = await api.database.db.select({ n: count() }).from(reservationSeries);
  return row?.n ?? 0;
}

describe("reservations.createSeries", () => {
  it("books the same seat and wall-clock time every week, one reservation per week naming the series", async () => {
    const { caller } = await newStudent();
    const tuesday = nextLocal(2, 14);
    const result = await caller.reservations.createSeries(series(seat(0), tuesday, 2, 3));
    expect(result.reservations).toHaveLength(3);
    expect(result.reservations.map((r) => r.startTime)).toEqual(
      [0, 1, 2].map((k) => tuesday.plus({ weeks: k }).toUTC().toISO({ suppressMilliseconds: false })),
    );
    for (const r of result.reservations) {
      expect(r).toMatchObject({ seatId: seat(0), status: "CONFIRMED", seriesId: result.seriesId });
    }
    const mine = await caller.reservations.mine({ upcomingOnly: true });
    expect(mine.map((r) => r.seriesId)).toEqual([result.seriesId, result.seriesId, result.seriesId]);
    // A booking on its own has no series.
    const single = await caller.reservations.create(window(seat(0), nextLocal(3, 9), 1));
    expect(single.seriesId).toBeNull();
  });

  it("with week 2 taken by someone else: CONFLICT naming that date, and nothing is booked", async () => {
    const other = await newStudent();
    const { caller } = await newStudent();
    const wednesday = nextLocal(3, 10);
    const weekTwo = wednesday.plus({ weeks: 1 });
    await other.caller.reservations.create(window(seat(1), weekTwo.plus({ minutes: 30 }), 1));
    const before = { reservations: await countReservations(api), series: await seriesCount() };
    await expectTRPCError(
      caller.reservations.createSeries(series(seat(1), wednesday, 2, 3)),
      "CONFLICT",
      new RegExp(`Week 2 .*${weekTwo.toISODate()}.*already booked`),
    );
    expect({ reservations: await countReservations(api), series: await seriesCount() }).toEqual(before);
    expect(await caller.reservations.mine()).toEqual([]);
  });

  it("10 students racing for the same weekly slot: exactly one series is booked, the others CONFLICT, no partial rows", async () => {
    const students = await Promise.all(Array.from({ length: 10 }, () => newStudent()));
    const thursday = nextLocal(4, 15);
    const results = await Promise.allSettled(
      students.map((s) => s.caller.reservations.createSeries(series(seat(2), thursday, 1, 3))),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const error of lost) expect(error).toBeInstanceOf(TRPCError);
    expect(lost.map((e: TRPCError) => e.code)).toEqual(Array(9).fill("CONFLICT"));
    const rows = await api.database.db
      .select()
      .from(reservations)
      .where(eq(reservations.seatId, seat(2)));
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.userId)).size).toBe(1);
    expect(new Set(rows.map((r) => r.seriesId)).size).toBe(1);
    const losers = students.filter((_, i) => results[i]?.status === "rejected").map((s) => s.id);
    const [orphans] = await api.database.db
      .select({ n: count() })
      .from(reservationSeries)
      .where(inArray(reservationSeries.userId, losers));
    expect(orphans?.n).toBe(0);
  });

  it("weeks must be 2 to SERIES_MAX_WEEKS (default 8): 1 and 9 are refused and change nothing", async () => {
    const { caller } = await newStudent();
    const friday = nextLocal(5, 10);
    const before = await countReservations(api);
    await expectTRPCError(
      caller.reservations.createSeries(series(seat(3), friday, 1, 1)),
      "BAD_REQUEST",
      "at least 2",
    );
    await expectTRPCError(
      caller.reservations.createSeries(series(seat(3), friday, 1, 9)),
      "BAD_REQUEST",
      "at most 8 weeks",
    );
    await expectTRPCError(
      caller.reservations.createSeries({ ...series(seat(3), friday, 1, 2), weeks: 2.5 }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      // @ts-expect-error: a client sending no weeks at all
      caller.reservations.createSeries(window(seat(3), friday, 1)),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      caller.reservations.createSeries({ ...series(seat(3), friday, 1, 2), endTime: "tomorrow" }),
      "BAD_REQUEST",
    );
    expect(await countReservations(api)).toBe(before);
  });

  it("may reach past MAX_ADVANCE_DAYS; only the first week must be bookable ahead", async () => {
    const { caller } = await newStudent();
    const monday = nextLocal(1, 8);
    const result = await caller.reservations.createSeries(series(seat(3), monday, 1, 4));
    expect(new Date(result.reservations[3]?.startTime ?? "").getTime()).toBeGreaterThan(
      Date.now() + 14 * 24 * 3600_000,
    );
    await expectTRPCError(
      caller.reservations.createSeries(series(seat(3), monday.plus({ days: 15 }), 1, 2)),
      "BAD_REQUEST",
      new RegExp(`Week 1 .*${monday.plus({ days: 15 }).toISODate()}.*at most 14 days ahead`),
    );
  });

  it("a week on a day the branch is closed is refused naming that date; nothing is booked", async () => {
    const staff = await api.as(ADMIN);
    const branch = await newBranch(api, 1);
    await staff.admin.setOpeningHours({ branch: branch.name, hours: WEEKDAYS });
    const tuesday = nextLocal(2, 12);
    const closed = tuesday.plus({ weeks: 2 });
    await staff.admin.addClosure({
      branch: branch.name,
      date: closed.toISODate() as string,
      reason: "Inventory",
    });
    const { caller } = await newStudent();
    const before = await countReservations(api);
    const error = await expectTRPCError(
      caller.reservations.createSeries(series(branch.seatIds[0] as number, tuesday, 2, 4)),
      "BAD_REQUEST",
      new RegExp(`Week 3 .*${closed.toISODate()}`),
    );
    expect(error.message).toContain("Inventory");
    expect(await countReservations(api)).toBe(before);
    // Outside the hours (a Saturday) is the hours' own refusal, naming the first week.
    const saturday = nextLocal(6, 12);
    await expectTRPCError(
      caller.reservations.createSeries(series(branch.seatIds[0] as number, saturday, 1, 2)),
      "BAD_REQUEST",
      saturday.toISODate() as string,
    );
  });

  it("counts as ONE toward MAX_UPCOMING_RESERVATIONS (3)", async () => {
    const { caller } = await newStudent();
    const start = nextLocal(1, 18);
    await caller.reservations.createSeries(series(seat(4), start, 1, 5));
    await caller.reservations.create(window(seat(4), start.plus({ hours: 1 }), 1));
    // A second series still fits: two series and one booking are three.
    await caller.reservations.createSeries(series(seat(5), start.plus({ hours: 3 }), 1, 2));
    await expectTRPCError(
      caller.reservations.create(window(seat(4), start.plus({ hours: 2 }), 1)),
      "BAD_REQUEST",
      "3 upcoming reservations",
    );
    await expectTRPCError(
      caller.reservations.createSeries(series(seat(6), start.plus({ hours: 4 }), 1, 2)),
      "BAD_REQUEST",
      /Week 1 .*3 upcoming reservations/,
    );
    expect(await caller.reservations.mine({ upcomingOnly: true })).toHaveLength(8);
  });

  it("keeps the wall-clock time across a daylight-saving change (Europe/Berlin, late October)", () => {
    const [first, second] = weeklyWindows(
      { start: new Date("2026-10-20T12:00:00Z"), end: new Date("2026-10-20T14:00:00Z") },
      2,
      ZONE,
    );
    // 14:00 CEST (UTC+2) then 14:00 CET (UTC+1).
    expect(first?.start.toISOString()).toBe("2026-10-20T12:00:00.000Z");
    expect(second?.start.toISOString()).toBe("2026-10-27T13:00:00.000Z");
    expect(second?.end.toISOString()).toBe("2026-10-27T15:00:00.000Z");
  });
});

describe("reservations.cancelSeries", () => {
  it("cancels the weeks that have not started, keeps the one under way, and records each in the audit trail", async () => {
    const { caller } = await newStudent();
    // Week 1 started a minute ago (inside the past tolerance); weeks 2 and 3 lie ahead.
    const now = new Date(Date.now() - 60_000);
    const created = await caller.reservations.createSeries({
      seatId: seat(7),
      startTime: now.toISOString(),
      endTime: new Date(now.getTime() + 3600_000).toISOString(),
      weeks: 3,
    });
    const [under, ...ahead] = created.reservations;
    const result = await caller.reservations.cancelSeries({ seriesId: created.seriesId });
    expect(result.cancelled.map((r) => r.id)).toEqual(ahead.map((r) => r.id));
    expect(result.cancelled.every((r) => r.status === "CANCELLED" && r.seriesId === created.seriesId)).toBe(
      true,
    );
    const rows = await api.database.db
      .select({ id: reservations.id, status: reservations.status })
      .from(reservations)
      .where(eq(reservations.seriesId, created.seriesId))
      .orderBy(reservations.startTime);
    expect(rows.map((r) => r.status)).toEqual(["CONFIRMED", "CANCELLED", "CANCELLED"]);
    const trail = await api.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "reservation"), eq(auditLog.entityId, ahead[0]?.id as number)));
    expect(trail.map((t) => t.action)).toEqual(["created", "cancelled"]);
    // The freed weeks can be booked again; the week under way is still held.
    const again = await newStudent();
    await again.caller.reservations.create({
      seatId: seat(7),
      startTime: ahead[0]?.startTime as string,
      endTime: ahead[0]?.endTime as string,
    });
    expect(under?.status).toBe("CONFIRMED");
    // Nothing left ahead: a second cancel cancels nothing.
    expect((await caller.reservations.cancelSeries({ seriesId: created.seriesId })).cancelled).toEqual([]);
  });

  it("a freed week goes to the first student waiting for it, as after a single cancel", async () => {
    const { caller } = await newStudent();
    const waiter = await newStudent();
    const created = await caller.reservations.createSeries(series(seat(6), nextLocal(5, 20), 1, 2));
    const weekTwo = created.reservations[1];
    await waiter.caller.waitlist.join({
      seatId: seat(6),
      desiredStart: weekTwo?.startTime as string,
      desiredEnd: weekTwo?.endTime as string,
    });
    await caller.reservations.cancelSeries({ seriesId: created.seriesId });
    const [entry] = await waiter.caller.waitlist.mine();
    expect(entry?.status).toBe("OFFERED");
    expect(entry?.offer).toEqual({ reservationId: expect.any(Number), expiresAt: expect.any(String) });
  });

  it("one week can be cancelled alone; the rest of the series stays", async () => {
    const { caller } = await newStudent();
    const created = await caller.reservations.createSeries(series(seat(6), nextLocal(3, 7), 1, 3));
    await caller.reservations.cancel({ id: created.reservations[1]?.id as number });
    const mine = await caller.reservations.mine({ upcomingOnly: true });
    expect(mine.map((r) => r.id)).toEqual([created.reservations[0]?.id, created.reservations[2]?.id]);
  });

  it("only the owner's: another student's or staff's call is NOT_FOUND and changes nothing", async () => {
    const owner = await newStudent();
    const other = await newStudent();
    const created = await owner.caller.reservations.createSeries(series(seat(5), nextLocal(4, 7), 1, 2));
    await expectTRPCError(
      other.caller.reservations.cancelSeries({ seriesId: created.seriesId }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      (await api.as(ADMIN)).reservations.cancelSeries({ seriesId: created.seriesId }),
      "NOT_FOUND",
    );
    await expectTRPCError(owner.caller.reservations.cancelSeries({ seriesId: 0 }), "BAD_REQUEST");
    await expectTRPCError(owner.caller.reservations.cancelSeries({ seriesId: 2_000_000 }), "NOT_FOUND");
    const rows = await api.database.db
      .select({ status: reservations.status })
      .from(reservations)
      .where(eq(reservations.seriesId, created.seriesId));
    expect(rows.map((r) => r.status)).toEqual(["CONFIRMED", "CONFIRMED"]);
  });
});
