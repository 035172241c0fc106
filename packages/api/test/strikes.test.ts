import { auditLog, noShowStrikes, notifications, reservations, users } from "@dlsms/db";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Effects } from "../src/services/events";
import { lockStudent, notifySuspension, recordStrike } from "../src/services/standing.service";
import { runSweep } from "../src/services/sweeper";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import {
  at,
  dayAt,
  expectTRPCError,
  HOUR,
  heldTransaction,
  insertReservation,
  iso,
  MINUTE,
  slot,
} from "./helpers";

const DAY = 24 * HOUR;
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(
    testConfig({ rules: { noShowStrikes: 2, strikeWindowDays: 30, suspensionDays: 7 } }),
    { poolSize: 20 },
  );
});
afterAll(() => api?.destroy());

const db = () => api.database.db;

/** One sweeper pass as if it ran at `now`, its effects flushed. */
async function sweepAt(now: Date) {
  const { result, effects } = await runSweep(db(), api.deps.config.rules, now);
  await effects.flush(api.deps);
  return result;
}

async function notesOf(userId: number, type: "NO_SHOW" | "SUSPENDED") {
  return db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type)))
    .orderBy(asc(notifications.id));
}

/** Books `seatId` for one hour at `start` as `userId` and lets it become a no-show. */
async function noShow(userId: number, seatId: number, start: Date) {
  const booked = await (await api.as(userId)).reservations.create(
    slot(seatId, start, new Date(start.getTime() + HOUR)),
  );
  await sweepAt(new Date(start.getTime() + 16 * MINUTE));
  return booked;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

describe("no-show strikes and suspension (NO_SHOW_STRIKES=2)", () => {
  it("two no-shows suspend booking, waitlist joins and walk-ups; auth.me shows it; a pardon lifts it", async () => {
    const first = dayAt(2, 9);
    const second = dayAt(3, 9);
    await noShow(1, 2, first);
    const alice = await api.as(1);
    expect((await alice.auth.me()).standing).toEqual({ strikes: 1, suspendedUntil: null });
    await noShow(1, 2, second);

    const until = new Date(second.getTime() + 7 * DAY);
    expect((await alice.auth.me()).standing).toEqual({ strikes: 2, suspendedUntil: until.toISOString() });
    const noShows = await notesOf(1, "NO_SHOW");
    expect(noShows.map((n) => [n.payload.strike, n.payload.strikeLimit])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    const suspended = await notesOf(1, "SUSPENDED");
    expect(suspended).toHaveLength(1);
    expect(suspended[0]?.payload).toMatchObject({ suspendedUntil: until.toISOString(), strikes: 2 });

    const later = dayAt(4, 10);
    const refused = await expectTRPCError(
      alice.reservations.create(slot(3, later, new Date(later.getTime() + HOUR))),
      "FORBIDDEN",
      `suspended until ${ymd(until)}`,
    );
    expect(refused.message).toContain("UTC");
    await expectTRPCError(
      alice.waitlist.join({ seatId: 3, desiredStart: iso(later), desiredEnd: iso(dayAt(4, 11)) }),
      "FORBIDDEN",
      ymd(until),
    );

    const staff = await api.as(11);
    expect(await staff.admin.studentStanding({ studentId: "S2021001" })).toMatchObject({
      strikes: 2,
      suspendedUntil: until.toISOString(),
      strikeLimit: 2,
    });
    const lifted = await staff.admin.pardon({ studentId: "S2021001", reason: "Was ill, note from doctor" });
    expect(lifted).toMatchObject({ strikes: 0, suspendedUntil: null });
    expect((await alice.auth.me()).standing).toEqual({ strikes: 0, suspendedUntil: null });
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "user"), eq(auditLog.entityId, 1)));
    expect(entry).toMatchObject({
      action: "pardoned",
      actorUserId: 11,
      reason: "Was ill, note from doctor",
      details: { studentId: "S2021001", strikesCleared: 2, suspendedUntil: until.toISOString() },
    });
    const afterPardon = dayAt(6, 10); // after the next sweep below, so it is not a no-show
    // Staff read the pardon in the student's trail, with who gave it and why.
    expect(await staff.admin.entityHistory({ entityType: "user", entityId: 1 })).toMatchObject([
      { action: "pardoned", actor: { studentId: "ADMIN001" }, reason: "Was ill, note from doctor" },
    ]);
    const booked = await alice.reservations.create(
      slot(3, afterPardon, new Date(afterPardon.getTime() + HOUR)),
    );
    expect(booked.status).toBe("CONFIRMED");

    // Strikes pardoned stay pardoned: one new no-show is strike 1 again, not 3.
    await noShow(1, 4, dayAt(5, 9));
    expect((await alice.auth.me()).standing).toEqual({ strikes: 1, suspendedUntil: null });
  });

  it("strikes further apart than the window do not add up", async () => {
    // Inserted straight into the database: the API refuses starts in the past.
    await insertReservation(api, { userId: 2, seatId: 5, start: at(-40 * DAY), end: at(-40 * DAY + HOUR) });
    await insertReservation(api, { userId: 2, seatId: 5, start: at(-HOUR), end: at(HOUR) });
    await sweepAt(new Date());
    const strikes = await db().select().from(noShowStrikes).where(eq(noShowStrikes.userId, 2));
    expect(strikes).toHaveLength(2);
    expect((await (await api.as(2)).auth.me()).standing).toEqual({ strikes: 1, suspendedUntil: null });
    expect(await notesOf(2, "SUSPENDED")).toHaveLength(0);
  });

  it("cancelling before the start, or a staff cancellation, is never a strike", async () => {
    const bob = await api.as(3);
    const start = dayAt(2, 13);
    const own = await bob.reservations.create(slot(6, start, new Date(start.getTime() + HOUR)));
    await bob.reservations.cancel({ id: own.id });
    const other = await bob.reservations.create(slot(7, start, new Date(start.getTime() + HOUR)));
    await (await api.as(11)).admin.cancelReservation({ id: other.id, reason: "Room closed" });
    await sweepAt(new Date(start.getTime() + 20 * MINUTE));
    expect((await bob.auth.me()).standing).toEqual({ strikes: 0, suspendedUntil: null });
    expect(await db().select().from(noShowStrikes).where(eq(noShowStrikes.userId, 3))).toHaveLength(0);
  });

  it("a suspended student cannot take a free seat by scanning, but checks in to their own booking", async () => {
    const mine = await insertReservation(api, {
      userId: 4,
      seatId: 8,
      start: at(5 * MINUTE),
      end: at(65 * MINUTE),
    });
    const until = at(3 * DAY);
    await db().update(users).set({ suspendedUntil: until }).where(eq(users.id, 4));
    const dave = await api.as(4);
    const codeOf = async (id: number) => (await api.anonymous.seats.label({ id })).code;
    await expectTRPCError(dave.reservations.scan({ seatCode: await codeOf(9) }), "FORBIDDEN", ymd(until));
    const seated = await dave.reservations.scan({ seatCode: await codeOf(8) });
    expect(seated).toMatchObject({
      outcome: "checked_in",
      reservation: { id: mine.id, status: "CHECKED_IN" },
    });
    // Staff at the desk may still book for them (an override, recorded as booked_for).
    const start = dayAt(6, 9);
    const booked = await (await api.as(11)).admin.bookFor({
      studentId: "S2021004",
      ...slot(10, start, new Date(start.getTime() + HOUR)),
    });
    expect(booked.userId).toBe(4);
  });

  it("pardon is staff-only, and a bad pardon changes nothing", async () => {
    const until = at(2 * DAY);
    await db().update(users).set({ suspendedUntil: until }).where(eq(users.id, 5));
    const student = await api.as(5);
    await expectTRPCError(student.admin.pardon({ studentId: "S2021005", reason: "me" }), "FORBIDDEN");
    await expectTRPCError(student.admin.studentStanding({ studentId: "S2021005" }), "FORBIDDEN");
    await expectTRPCError(api.anonymous.admin.pardon({ studentId: "S2021005", reason: "x" }), "UNAUTHORIZED");
    const staff = await api.as(11);
    await expectTRPCError(
      staff.admin.pardon({ studentId: "S2021005", reason: "  " }),
      "BAD_REQUEST",
      "reason",
    );
    await expectTRPCError(
      staff.admin.pardon({ studentId: "S2021005", reason: "x".repeat(301) }),
      "BAD_REQUEST",
      "reason",
    );
    await expectTRPCError(staff.admin.pardon({ studentId: "NOPE", reason: "typo" }), "NOT_FOUND", "NOPE");
    await expectTRPCError(staff.admin.pardon({ studentId: "ADMIN001", reason: "staff" }), "NOT_FOUND");
    expect((await student.auth.me()).standing.suspendedUntil).toBe(until.toISOString());
    const trail = await db().select().from(auditLog).where(eq(auditLog.action, "pardoned"));
    expect(trail.every((e) => e.entityId !== 5)).toBe(true);
  });
});

describe("strikes under concurrency", () => {
  it("two sweepers over the same due no-shows count each strike once and suspend once", async () => {
    const start1 = dayAt(2, 15);
    const start2 = dayAt(2, 17);
    const erin = await api.as(6);
    await erin.reservations.create(slot(11, start1, new Date(start1.getTime() + HOUR)));
    await erin.reservations.create(slot(11, start2, new Date(start2.getTime() + HOUR)));
    const now = new Date(start2.getTime() + 20 * MINUTE);
    const sweeps = await Promise.all([1, 2].map(() => runSweep(db(), api.deps.config.rules, now)));
    for (const s of sweeps) await s.effects.flush(api.deps);
    expect(sweeps.reduce((n, s) => n + s.result.noShows, 0)).toBeGreaterThanOrEqual(2);
    expect(await db().select().from(noShowStrikes).where(eq(noShowStrikes.userId, 6))).toHaveLength(2);
    expect(await notesOf(6, "NO_SHOW")).toHaveLength(2);
    const suspended = await notesOf(6, "SUSPENDED");
    expect(suspended).toHaveLength(1);
    expect(suspended[0]?.payload.suspendedUntil).toBe(new Date(start2.getTime() + 7 * DAY).toISOString());
  });

  /**
   * Deterministic form of two instances striking one student at once: another sweeper's
   * transaction has marked her later booking and counted it, uncommitted, when this sweep marks
   * the earlier one. Counting before waiting for her row would see one strike on each side and
   * suspend nobody; waiting for it, this sweep sees both.
   */
  it("a sweep counts a student's strikes only after the other sweeper's transaction on her ends", async () => {
    const start1 = dayAt(3, 8);
    const start2 = dayAt(3, 10);
    const gina = await api.as(8);
    await gina.reservations.create(slot(14, start1, new Date(start1.getTime() + HOUR)));
    const second = await gina.reservations.create(slot(14, start2, new Date(start2.getTime() + HOUR)));
    const effects = new Effects();
    const other = await heldTransaction(api, async (tx) => {
      await lockStudent(tx, 8);
      const [row] = await tx
        .update(reservations)
        .set({ status: "NO_SHOW" })
        .where(eq(reservations.id, second.id))
        .returning();
      if (!row) throw new Error("no row");
      await notifySuspension(tx, 8, await recordStrike(tx, row, api.deps.config.rules), effects);
    });
    const sweep = sweepAt(new Date(start2.getTime() + 20 * MINUTE));
    // Give the sweep time to reach the student's lock (on Postgres it now waits there; PGlite
    // serialises whole transactions, so there it simply runs after the commit).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.commit();
    await sweep;
    const [row] = await db().select({ until: users.suspendedUntil }).from(users).where(eq(users.id, 8));
    expect(row?.until?.toISOString()).toBe(new Date(start2.getTime() + 7 * DAY).toISOString());
    expect(await notesOf(8, "SUSPENDED")).toHaveLength(1);
  });

  it("20 bookings at once by a just-suspended student: none succeeds", async () => {
    await noShow(7, 12, dayAt(2, 19));
    await noShow(7, 12, dayAt(2, 21));
    const frank = await api.as(7);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => {
        const start = dayAt(5, 0, i * 3);
        return frank.reservations.create(slot(13 + (i % 5), start, new Date(start.getTime() + HOUR)));
      }),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(0);
    for (const r of results) expect(r.status === "rejected" && String(r.reason)).toMatch(/suspended until/);
  });
});
