import { auditLog, notifications, reservations } from "@dlsms/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityHistory } from "../src/services/history.service";
import { runSweep } from "../src/services/sweeper";
import { createTestApi, type TestApi } from "../src/testing";
import { at, dayAt, expectTRPCError, HOUR, insertReservation, iso, MINUTE, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const db = () => api.database.db;
const STAFF = 11;
const staffActor = { studentId: "ADMIN001", role: "admin" };
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/** The reservation's trail as (action, actor's student id or null, reason). */
async function trail(reservationId: number) {
  const rows = await db()
    .select({ action: auditLog.action, actor: auditLog.actorUserId, reason: auditLog.reason })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, "reservation"), eq(auditLog.entityId, reservationId)))
    .orderBy(asc(auditLog.id));
  return rows;
}

async function sweepAt(now: Date) {
  const { result, effects } = await runSweep(db(), api.deps.config.rules, now);
  await effects.flush(api.deps);
  return result;
}

describe("acceptance 4: admin.history", () => {
  it("shows created (the student), staff_cancelled (staff member and reason), oldest first", async () => {
    const alice = await api.as(1);
    const staff = await api.as(STAFF);
    const start = dayAt(2, 9);
    const r = await alice.reservations.create(slot(3, start, plus(start, HOUR)));
    await staff.admin.cancelReservation({ id: r.id, reason: "Exam setup in this room" });
    const history = await staff.admin.history({ reservationId: r.id });
    expect(history.map((h) => h.action)).toEqual(["created", "staff_cancelled"]);
    expect(history[0]).toMatchObject({
      actor: { studentId: "S2021001", name: "Alice Johnson", role: "student" },
      reason: null,
    });
    expect(history[1]).toMatchObject({ actor: staffActor, reason: "Exam setup in this room" });
    expect(Date.parse(history[0]?.at ?? "")).toBeLessThanOrEqual(Date.parse(history[1]?.at ?? ""));
    // The student sees the same trail on their own reservation.
    expect(await alice.reservations.history({ id: r.id })).toEqual(history);
  });

  it("shows no_show with actor null once the sweeper marks it", async () => {
    const start = at(-30 * MINUTE);
    const r = await insertReservation(api, { userId: 2, seatId: 8, start, end: plus(start, 2 * HOUR) });
    expect((await sweepAt(new Date())).noShows).toBeGreaterThanOrEqual(1);
    const history = await (await api.as(STAFF)).admin.history({ reservationId: r.id });
    expect(history.map((h) => [h.action, h.actor])).toEqual([
      ["created", { studentId: "S2021002", name: "Bob Smith", role: "student" }],
      ["no_show", null],
    ]);
  });

  it("a student cannot read another's history; students cannot use admin.history", async () => {
    const start = dayAt(2, 12);
    const r = await (await api.as(3)).reservations.create(slot(4, start, plus(start, HOUR)));
    const bob = await api.as(2);
    await expectTRPCError(bob.reservations.history({ id: r.id }), "NOT_FOUND");
    await expectTRPCError(bob.admin.history({ reservationId: r.id }), "FORBIDDEN");
    await expectTRPCError((await api.as(STAFF)).admin.history({ reservationId: 999_999 }), "NOT_FOUND");
    await expectTRPCError(api.anonymous.reservations.history({ id: r.id }), "UNAUTHORIZED");
  });
});

describe("every audited action appears exactly once per change", () => {
  it("checked_in, released (the student), completed (the system)", async () => {
    const carol = await api.as(3);
    const r = await carol.reservations.create(slot(10, at(5 * MINUTE), at(65 * MINUTE)));
    await carol.reservations.checkIn({ id: r.id });
    await carol.reservations.release({ id: r.id });
    expect(await trail(r.id)).toEqual([
      { action: "created", actor: 3, reason: null },
      { action: "checked_in", actor: 3, reason: null },
      { action: "released", actor: 3, reason: null },
    ]);

    const start = at(-2 * HOUR);
    const done = await insertReservation(api, {
      userId: 4,
      seatId: 11,
      start,
      end: at(-HOUR),
      status: "CHECKED_IN",
    });
    await sweepAt(new Date());
    await sweepAt(new Date());
    expect(await trail(done.id)).toEqual([
      { action: "created", actor: 4, reason: null },
      { action: "completed", actor: null, reason: null },
    ]);
  });

  it("cancelled, offered, declined, claimed and offer_expired, with the system offering", async () => {
    const start = dayAt(3, 14);
    const end = plus(start, HOUR);
    const alice = await api.as(1);
    const booking = await alice.reservations.create(slot(12, start, end));
    for (const id of [5, 6, 7]) {
      await (await api.as(id)).waitlist.join({ seatId: 12, desiredStart: iso(start), desiredEnd: iso(end) });
    }
    await alice.reservations.cancel({ id: booking.id });
    const offerOf = async (userId: number) => {
      const [row] = await db()
        .select({ id: reservations.id })
        .from(reservations)
        .where(
          and(eq(reservations.userId, userId), eq(reservations.seatId, 12), eq(reservations.status, "HELD")),
        );
      return row?.id ?? 0;
    };
    const offer5 = await offerOf(5);
    await (await api.as(5)).waitlist.decline({ reservationId: offer5 });
    const offer6 = await offerOf(6);
    await sweepAt(plus(new Date(), 11 * MINUTE));
    const offer7 = await offerOf(7);
    await (await api.as(7)).waitlist.claim({ reservationId: offer7 });

    expect(await trail(booking.id)).toEqual([
      { action: "created", actor: 1, reason: null },
      { action: "cancelled", actor: 1, reason: null },
    ]);
    expect(await trail(offer5)).toEqual([
      { action: "offered", actor: null, reason: null },
      { action: "declined", actor: 5, reason: null },
    ]);
    expect(await trail(offer6)).toEqual([
      { action: "offered", actor: null, reason: null },
      { action: "offer_expired", actor: null, reason: null },
    ]);
    expect(await trail(offer7)).toEqual([
      { action: "offered", actor: null, reason: null },
      { action: "claimed", actor: 7, reason: null },
    ]);
  });

  it("a maintenance closure records staff_cancelled with the reason students were told, and the seat's change", async () => {
    const start = dayAt(2, 15);
    const r = await (await api.as(8)).reservations.create(slot(17, start, plus(start, HOUR)));
    const staff = await api.as(STAFF);
    await staff.admin.setSeatStatus({ seatId: 17, status: "MAINTENANCE", reason: "Broken lamp" });
    await staff.admin.setSeatStatus({ seatId: 17, status: "ACTIVE" });
    const history = await staff.admin.history({ reservationId: r.id });
    expect(history.map((h) => h.action)).toEqual(["created", "staff_cancelled"]);
    expect(history[1]?.actor).toMatchObject(staffActor);
    expect(history[1]?.reason).toContain("Broken lamp");
    const seat = await entityHistory(db(), "seat", 17);
    expect(seat.map((h) => [h.action, h.actor?.studentId, h.reason])).toEqual([
      ["maintenance_started", "ADMIN001", "Broken lamp"],
      ["reopened", "ADMIN001", null],
    ]);
  });

  it("catalogue changes: branch and seat created, seat updated, each naming the staff member", async () => {
    const staff = await api.as(STAFF);
    const branch = await staff.admin.createBranch({ name: "Audit Branch", code: "AB" });
    const seat = await staff.admin.createSeat({ branch: "Audit Branch", area: "Quiet", hasPower: true });
    await staff.admin.updateSeat({ seatId: seat.id, area: "Loud" });
    expect(
      (await entityHistory(db(), "branch", branch.id)).map((h) => [h.action, h.actor?.studentId]),
    ).toEqual([["branch_created", "ADMIN001"]]);
    const seatTrail = await staff.admin.entityHistory({ entityType: "seat", entityId: seat.id });
    await expectTRPCError(
      (await api.as(1)).admin.entityHistory({ entityType: "seat", entityId: seat.id }),
      "FORBIDDEN",
    );
    expect(seatTrail.map((h) => h.action)).toEqual(["seat_created", "seat_updated"]);
    expect(seatTrail[1]?.details).toEqual({ area: "Loud" });
  });

  it("a failed change leaves no entry (same transaction)", async () => {
    const before = await db().select({ n: sql<number>`count(*)::int` }).from(auditLog);
    const staff = await api.as(STAFF);
    await expectTRPCError(staff.admin.createBranch({ name: "Audit Branch", code: "AB" }), "CONFLICT");
    const start = dayAt(2, 9);
    // Seat 3 is Alice's-then-cancelled slot: book it, then collide on it.
    await (await api.as(9)).reservations.create(slot(20, start, plus(start, HOUR)));
    await expectTRPCError(
      (await api.as(10)).reservations.create(slot(20, start, plus(start, HOUR))),
      "CONFLICT",
    );
    const after = await db().select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect((after[0]?.n ?? 0) - (before[0]?.n ?? 0)).toBe(1);
  });
});

describe("append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE of audit_log, and keeps the rows", async () => {
    const [first] = await db().select().from(auditLog).orderBy(asc(auditLog.id)).limit(1);
    expect(first).toBeDefined();
    await expect(
      db()
        .update(auditLog)
        .set({ action: "forged" })
        .where(eq(auditLog.id, first?.id ?? 0)),
    ).rejects.toThrow();
    await expect(
      db()
        .delete(auditLog)
        .where(eq(auditLog.id, first?.id ?? 0)),
    ).rejects.toThrow();
    await expect(db().execute(sql`truncate audit_log`)).rejects.toThrow();
    const [again] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.id, first?.id ?? 0));
    expect(again).toEqual(first);
  });
});

describe("acceptance 3: admin.bookFor", () => {
  it("books for the student: in their reservations.mine, they are notified, booked_for names the staff member", async () => {
    const staff = await api.as(STAFF);
    const start = dayAt(4, 10);
    const r = await staff.admin.bookFor({ studentId: "S2021006", ...slot(25, start, plus(start, 2 * HOUR)) });
    expect(r).toMatchObject({ userId: 6, seatId: 25, status: "CONFIRMED", startTime: iso(start) });
    const frank = await api.as(6);
    expect((await frank.reservations.mine({ upcomingOnly: true })).map((m) => m.id)).toContain(r.id);
    const notes = await frank.notifications.list();
    expect(notes.find((n) => n.type === "RESERVATION_BOOKED")?.payload).toMatchObject({
      reservationId: r.id,
      seatCode: expect.any(String),
    });
    const history = await frank.reservations.history({ id: r.id });
    expect(history).toMatchObject([{ action: "booked_for", actor: staffActor, reason: null }]);
  });

  it("every student rule applies, worded for staff, and nothing is written", async () => {
    const staff = await api.as(STAFF);
    const start = dayAt(4, 10);
    const before = await db().select({ n: sql<number>`count(*)::int` }).from(auditLog);
    // Frank's own booking overlaps.
    await expectTRPCError(
      staff.admin.bookFor({ studentId: "S2021006", ...slot(26, start, plus(start, HOUR)) }),
      "CONFLICT",
      /^Frank Miller \(S2021006\): You already have a reservation/,
    );
    await expectTRPCError(
      staff.admin.bookFor({ studentId: "S2021006", ...slot(26, at(-3 * HOUR), at(-2 * HOUR)) }),
      "BAD_REQUEST",
      "in the past",
    );
    await expectTRPCError(
      staff.admin.bookFor({ studentId: "NOPE", ...slot(26, dayAt(5, 9), dayAt(5, 10)) }),
      "NOT_FOUND",
      "no student with student id NOPE",
    );
    // Staff accounts are not students.
    await expectTRPCError(
      staff.admin.bookFor({ studentId: "ADMIN001", ...slot(26, dayAt(5, 9), dayAt(5, 10)) }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      staff.admin.bookFor({ studentId: "S2021006", ...slot(99_999, dayAt(5, 9), dayAt(5, 10)) }),
      "NOT_FOUND",
    );
    const after = await db().select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(after[0]?.n).toBe(before[0]?.n);
    const booked = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 6), eq(notifications.type, "RESERVATION_BOOKED")));
    expect(booked).toHaveLength(1);
  });

  it("the upcoming limit applies to the student's bookings", async () => {
    const staff = await api.as(STAFF);
    const max = api.deps.config.rules.maxUpcomingReservations;
    const mine = await (await api.as(10)).reservations.mine({ upcomingOnly: true });
    for (let i = mine.length; i < max; i++) {
      await staff.admin.bookFor({ studentId: "S2021010", ...slot(30 + i, dayAt(6, 8 + i), dayAt(6, 9 + i)) });
    }
    await expectTRPCError(
      staff.admin.bookFor({ studentId: "S2021010", ...slot(40, dayAt(6, 20), dayAt(6, 21)) }),
      "BAD_REQUEST",
      `upcoming reservations, the most allowed`,
    );
  });

  it("a student token is FORBIDDEN on every desk procedure", async () => {
    const alice = await api.as(1);
    await expectTRPCError(
      alice.admin.bookFor({ studentId: "S2021001", ...slot(5, dayAt(5, 9), dayAt(5, 10)) }),
      "FORBIDDEN",
    );
    await expectTRPCError(alice.admin.students({ query: "S" }), "FORBIDDEN");
    await expectTRPCError(alice.admin.studentReservations({ studentId: "S2021001" }), "FORBIDDEN");
  });

  it("students: search by student id prefix or name part, paged; a student's reservations", async () => {
    const staff = await api.as(STAFF);
    const byId = await staff.admin.students({ query: "S202100" });
    expect(byId.total).toBe(9);
    expect(byId.students[0]).toMatchObject({ studentId: "S2021001", name: "Alice Johnson", role: "student" });
    expect((await staff.admin.students({ query: "hopper" })).students.map((s) => s.studentId)).toEqual([
      "S2021007",
    ]);
    expect((await staff.admin.students({ query: "%" })).total).toBe(0);
    const page = await staff.admin.students({ query: "", limit: 3, offset: 3 });
    expect(page.students.map((s) => s.studentId)).toEqual(["S2021004", "S2021005", "S2021006"]);
    expect(page.total).toBe(10);
    const frank = await staff.admin.studentReservations({ studentId: "S2021006" });
    expect(frank.student).toMatchObject({ studentId: "S2021006", name: "Frank Miller" });
    expect(frank.reservations.every((r) => r.studentId === "S2021006")).toBe(true);
    expect(frank.total).toBeGreaterThanOrEqual(1);
    await expectTRPCError(staff.admin.studentReservations({ studentId: "ghost" }), "NOT_FOUND");
  });
});

describe("concurrency", () => {
  it("many bookFor and student bookings for one seat and slot at once: exactly one reservation, one entry", async () => {
    const staff = await api.as(STAFF);
    const start = dayAt(5, 13);
    const end = plus(start, HOUR);
    const input = slot(33, start, end);
    const attempts = [
      ...[1, 2, 3, 4, 5].map((i) => staff.admin.bookFor({ studentId: `S202100${i}`, ...input })),
      ...[6, 7, 8, 9].map(async (i) => (await api.as(i)).reservations.create(input)),
    ];
    const results = await Promise.allSettled(attempts);
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(String(r.reason)).toMatch(/already booked|overlap/);
    }
    const rows = await db()
      .select({ id: reservations.id })
      .from(reservations)
      .where(and(eq(reservations.seatId, 33), eq(reservations.startTime, start)));
    expect(rows).toHaveLength(1);
    const entries = await trail(rows[0]?.id ?? 0);
    expect(entries).toHaveLength(1);
    expect(["created", "booked_for"]).toContain(entries[0]?.action);
  });

  it("student and staff cancelling one booking at once, and double check-ins: one change, one entry each", async () => {
    const start = dayAt(6, 16);
    const r = await (await api.as(2)).reservations.create(slot(35, start, plus(start, HOUR)));
    const bob = await api.as(2);
    const staff = await api.as(STAFF);
    const results = await Promise.allSettled([
      bob.reservations.cancel({ id: r.id }),
      bob.reservations.cancel({ id: r.id }),
      staff.admin.cancelReservation({ id: r.id, reason: "Desk" }),
      staff.admin.cancelReservation({ id: r.id, reason: "Desk" }),
    ]);
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    const entries = await trail(r.id);
    expect(entries).toHaveLength(2);
    expect(entries[0]?.action).toBe("created");
    expect(["cancelled", "staff_cancelled"]).toContain(entries[1]?.action);

    const soon = await (await api.as(9)).reservations.create(slot(36, at(5 * MINUTE), at(65 * MINUTE)));
    const ivy = await api.as(9);
    const checkIns = await Promise.allSettled([1, 2, 3].map(() => ivy.reservations.checkIn({ id: soon.id })));
    expect(checkIns.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    expect((await trail(soon.id)).map((e) => e.action)).toEqual(["created", "checked_in"]);
  });

  it("three sweeps racing over the same due bookings record each no_show once", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const start = at(-20 * MINUTE);
      const r = await insertReservation(api, {
        userId: 1 + i,
        seatId: 41 + i,
        start,
        end: plus(start, HOUR),
      });
      ids.push(r.id);
    }
    await Promise.all([sweepAt(new Date()), sweepAt(new Date()), sweepAt(new Date())]);
    for (const id of ids) {
      expect((await trail(id)).map((e) => e.action)).toEqual(["created", "no_show"]);
    }
  });
});
