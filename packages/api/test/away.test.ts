import { auditLog, notifications, reservations, seats } from "@dlsms/db";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../src/services/sweeper";
import { createTestApi, type TestApi } from "../src/testing";
import { at, expectTRPCError, HOUR, insertReservation, iso, MINUTE, reservationRow, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const db = () => api.database.db;
let nextStudent = 0;

/** A fresh student, checked in on `seatId` since 10 minutes ago, for `minutesLeft` more minutes. */
async function seated(seatId: number, minutesLeft = 50) {
  nextStudent++;
  const { user } = await api.anonymous.auth.register({
    studentId: `AW${1000 + nextStudent}`,
    password: "password123",
    name: `Away ${nextStudent}`,
  });
  const r = await insertReservation(api, {
    userId: user.id,
    seatId,
    start: at(-10 * MINUTE),
    end: at(minutesLeft * MINUTE),
    status: "CHECKED_IN",
  });
  return { userId: user.id, caller: await api.as(user.id), reservation: r };
}

async function sweepAt(now: Date) {
  const { result, effects } = await runSweep(db(), api.deps.config.rules, now);
  await effects.flush(api.deps);
  return result;
}

async function trail(reservationId: number) {
  const rows = await db()
    .select({ action: auditLog.action, actor: auditLog.actorUserId })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, "reservation"), eq(auditLog.entityId, reservationId)))
    .orderBy(asc(auditLog.id));
  return rows;
}

async function notesOf(userId: number, type: "AWAY_ENDED" | "AWAY_REMINDER" | "OFFER") {
  return db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type)));
}

const codeOf = async (seatId: number) =>
  (await db().select({ code: seats.code }).from(seats).where(eq(seats.id, seatId)))[0]?.code ?? "";

describe("reservations.away / reservations.back", () => {
  it("a break makes the reservation AWAY until now + minutes; back within it keeps it CHECKED_IN", async () => {
    const { userId, caller, reservation } = await seated(1);
    const before = Date.now();
    const away = await caller.reservations.away({ id: reservation.id, minutes: 10 });
    expect(away).toMatchObject({ id: reservation.id, status: "AWAY", awayBreaks: 1 });
    const until = Date.parse(away.awayUntil ?? "");
    expect(until).toBeGreaterThanOrEqual(before + 10 * MINUTE - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 10 * MINUTE + 1000);
    const [mine] = await caller.reservations.mine({ upcomingOnly: true });
    expect(mine).toMatchObject({
      id: reservation.id,
      status: "AWAY",
      awayUntil: away.awayUntil,
      awayBreaks: 1,
    });

    const back = await caller.reservations.back({ id: reservation.id });
    expect(back).toMatchObject({ status: "CHECKED_IN", awayUntil: null, awayBreaks: 1 });
    expect(await reservationRow(api, reservation.id)).toMatchObject({
      status: "CHECKED_IN",
      awayUntil: null,
    });
    // The trail names both steps, by the student.
    expect(await trail(reservation.id)).toEqual([
      { action: "created", actor: userId },
      { action: "stepped_away", actor: userId },
      { action: "back", actor: userId },
    ]);
    const history = await caller.reservations.history({ id: reservation.id });
    expect(history.map((h) => h.action)).toEqual(["created", "stepped_away", "back"]);
  });

  it("a third break is refused (AWAY_BREAKS = 2) and changes nothing", async () => {
    const { caller, reservation } = await seated(2);
    for (let i = 0; i < 2; i++) {
      await caller.reservations.away({ id: reservation.id, minutes: 5 });
      await caller.reservations.back({ id: reservation.id });
    }
    await expectTRPCError(
      caller.reservations.away({ id: reservation.id, minutes: 5 }),
      "BAD_REQUEST",
      "You have taken all 2 breaks this reservation allows",
    );
    expect(await reservationRow(api, reservation.id)).toMatchObject({
      status: "CHECKED_IN",
      awayBreaks: 2,
      awayUntil: null,
    });
  });

  it("a break never outlasts the reservation: it is cut at the reservation's end, which then just completes", async () => {
    const { userId, caller, reservation } = await seated(3, 8);
    const away = await caller.reservations.away({ id: reservation.id, minutes: 30 });
    expect(away.awayUntil).toBe(iso(reservation.endTime));
    await sweepAt(new Date(reservation.endTime.getTime() + 1000));
    expect(await reservationRow(api, reservation.id)).toMatchObject({
      status: "COMPLETED",
      endTime: reservation.endTime,
    });
    expect(await notesOf(userId, "AWAY_ENDED")).toHaveLength(0);
  });

  it("bad minutes (0, 31, 1.5, missing) are BAD_REQUEST and change nothing", async () => {
    const { caller, reservation } = await seated(4);
    await expectTRPCError(
      caller.reservations.away({ id: reservation.id, minutes: 0 }),
      "BAD_REQUEST",
      "minutes",
    );
    await expectTRPCError(
      caller.reservations.away({ id: reservation.id, minutes: 31 }),
      "BAD_REQUEST",
      "A break lasts at most 30 minutes",
    );
    await expectTRPCError(
      caller.reservations.away({ id: reservation.id, minutes: 1.5 }),
      "BAD_REQUEST",
      "minutes must be a whole number",
    );
    await expectTRPCError(
      caller.reservations.away({ id: reservation.id } as never),
      "BAD_REQUEST",
      "minutes is required",
    );
    expect(await reservationRow(api, reservation.id)).toMatchObject({
      status: "CHECKED_IN",
      awayBreaks: 0,
      awayUntil: null,
    });
  });

  it("someone else's reservation is NOT_FOUND; one not checked in is BAD_REQUEST; nothing changes", async () => {
    const owner = await seated(5);
    const other = await seated(6);
    await expectTRPCError(
      other.caller.reservations.away({ id: owner.reservation.id, minutes: 5 }),
      "NOT_FOUND",
      `Reservation ${owner.reservation.id} not found`,
    );
    await expectTRPCError(other.caller.reservations.back({ id: owner.reservation.id }), "NOT_FOUND");
    expect(await reservationRow(api, owner.reservation.id)).toMatchObject({
      status: "CHECKED_IN",
      awayBreaks: 0,
    });

    const alice = await api.as(1);
    const start = at(3 * HOUR);
    const booked = await alice.reservations.create(slot(7, start, new Date(start.getTime() + HOUR)));
    await expectTRPCError(
      alice.reservations.away({ id: booked.id, minutes: 5 }),
      "BAD_REQUEST",
      "Only a checked-in reservation can step away",
    );
    await expectTRPCError(alice.reservations.back({ id: booked.id }), "BAD_REQUEST", "not on a break");
    expect(await reservationRow(api, booked.id)).toMatchObject({ status: "CONFIRMED", awayBreaks: 0 });
    await alice.reservations.cancel({ id: booked.id });
  });

  it("the away seat stays taken: nobody else can book it for the rest of the reservation; seats.get shows the break's end", async () => {
    const { caller, reservation } = await seated(8);
    const away = await caller.reservations.away({ id: reservation.id, minutes: 15 });
    const bob = await api.as(2);
    await expectTRPCError(bob.reservations.create(slot(8, at(20 * MINUTE), at(40 * MINUTE))), "CONFLICT");
    const seat = await bob.seats.get({ id: 8 });
    expect(seat.available).toBe(false);
    expect(seat.busy).toContainEqual({
      startTime: iso(reservation.startTime),
      endTime: iso(reservation.endTime),
      mine: false,
      awayUntil: away.awayUntil,
    });
    const window = await bob.seats.availability({
      seatId: 8,
      from: iso(at(MINUTE)),
      to: iso(at(30 * MINUTE)),
    });
    expect(window.available).toBe(false);
    expect(window.busy[0]?.awayUntil).toBe(away.awayUntil);
    const listed = await bob.seats.list({ availableOnly: false });
    expect(listed.find((s) => s.id === 8)?.available).toBe(false);
  });

  it("read models stay fresh: a cached seat dialog and reservation list show the break and the return", async () => {
    const { caller, reservation } = await seated(20);
    const viewer = await api.as(5);
    const awayOf = async () => (await viewer.seats.get({ id: 20 })).busy.map((b) => b.awayUntil);
    const statusInMine = async () => (await caller.reservations.mine({ upcomingOnly: true }))[0]?.status;
    expect(await awayOf()).toEqual([undefined]);
    expect(await statusInMine()).toBe("CHECKED_IN");
    const away = await caller.reservations.away({ id: reservation.id, minutes: 5 });
    expect(await awayOf()).toEqual([away.awayUntil]);
    expect(await statusInMine()).toBe("AWAY");
    await caller.reservations.back({ id: reservation.id });
    expect(await awayOf()).toEqual([undefined]);
    expect(await statusInMine()).toBe("CHECKED_IN");
  });

  it("scanning one's own seat while away brings the student back (outcome checked_in)", async () => {
    const { caller, reservation } = await seated(9);
    await caller.reservations.away({ id: reservation.id, minutes: 5 });
    const scanned = await caller.reservations.scan({ seatCode: await codeOf(9) });
    expect(scanned.outcome).toBe("checked_in");
    expect(scanned.reservation).toMatchObject({ id: reservation.id, status: "CHECKED_IN" });
    expect(await reservationRow(api, reservation.id)).toMatchObject({
      status: "CHECKED_IN",
      awayUntil: null,
    });
  });

  it("someone else scanning the away seat finds it taken until the reservation ends", async () => {
    const { caller, reservation } = await seated(10);
    await caller.reservations.away({ id: reservation.id, minutes: 5 });
    const scanned = await (await api.as(3)).reservations.scan({ seatCode: await codeOf(10) });
    expect(scanned).toMatchObject({ outcome: "taken", freeFrom: iso(reservation.endTime) });
  });

  it("“I'm leaving” ends an away reservation; cancelling it is refused", async () => {
    const { caller, reservation } = await seated(11);
    await caller.reservations.away({ id: reservation.id, minutes: 5 });
    await expectTRPCError(caller.reservations.cancel({ id: reservation.id }), "BAD_REQUEST", "I'm leaving");
    const released = await caller.reservations.release({ id: reservation.id });
    expect(released.status).toBe("COMPLETED");
    expect(Date.parse(released.endTime)).toBeLessThan(reservation.endTime.getTime());
  });
});

describe("staff changes count an away booking as holding the seat", () => {
  it("retiring the seat previews and cancels the away booking", async () => {
    const { caller, reservation } = await seated(25);
    await caller.reservations.away({ id: reservation.id, minutes: 5 });
    const staff = await api.as(11);
    const preview = await staff.admin.retirePreview({ seatId: 25 });
    expect(preview.reservations.map((r) => [r.id, r.status])).toEqual([[reservation.id, "AWAY"]]);
    await staff.admin.retireSeat({ seatId: 25, reason: "Broken chair", expectedCancellations: 1 });
    expect(await reservationRow(api, reservation.id)).toMatchObject({ status: "CANCELLED" });
  });

  it("the staff reservation list filters by AWAY", async () => {
    const { caller, reservation } = await seated(26);
    await caller.reservations.away({ id: reservation.id, minutes: 5 });
    const { reservations: rows } = await (await api.as(11)).admin.reservations({
      status: "AWAY",
      seatId: 26,
    });
    expect(rows.map((r) => r.id)).toEqual([reservation.id]);
  });
});

describe("the sweeper and away breaks", () => {
  it("acceptance 3: a 1-minute break with a waiter → after it runs out, COMPLETED at its end and the waiter holds an offer", async () => {
    const { userId, caller, reservation } = await seated(12);
    const waiter = await api.as(4);
    await waiter.waitlist.join({
      seatId: 12,
      desiredStart: iso(at(2 * MINUTE)),
      desiredEnd: iso(reservation.endTime),
    });
    const away = await caller.reservations.away({ id: reservation.id, minutes: 1 });
    const until = new Date(away.awayUntil ?? "");

    // Before it runs out nothing happens.
    expect((await sweepAt(new Date(until.getTime() - 1000))).breaksEnded).toBe(0);
    expect((await reservationRow(api, reservation.id)).status).toBe("AWAY");

    const result = await sweepAt(new Date(until.getTime() + 1000));
    expect(result.breaksEnded).toBe(1);
    const ended = await reservationRow(api, reservation.id);
    expect(ended).toMatchObject({ status: "COMPLETED" });
    expect(ended.endTime.getTime()).toBe(until.getTime());
    const [note] = await notesOf(userId, "AWAY_ENDED");
    expect(note?.payload).toMatchObject({
      reservationId: reservation.id,
      reason: expect.stringContaining("break ran out"),
    });

    const [offer] = await notesOf(4, "OFFER");
    expect(offer?.payload).toMatchObject({ seatId: 12 });
    const held = await db()
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, 12), eq(reservations.status, "HELD")));
    expect(held).toHaveLength(1);
    expect(held[0]?.userId).toBe(4);
    expect((await trail(reservation.id)).map((t) => t.action)).toEqual([
      "created",
      "stepped_away",
      "away_ended",
    ]);
    expect((await trail(reservation.id)).at(-1)?.actor).toBeNull();
    // Coming back after the sweeper ended it is refused and changes nothing.
    await expectTRPCError(caller.reservations.back({ id: reservation.id }), "BAD_REQUEST", "break ran out");
    expect((await reservationRow(api, reservation.id)).status).toBe("COMPLETED");
  });

  it("reminds once, 5 minutes before the break runs out", async () => {
    const { userId, caller, reservation } = await seated(13);
    const away = await caller.reservations.away({ id: reservation.id, minutes: 20 });
    const until = Date.parse(away.awayUntil ?? "");
    // Other tests' breaks may be reminded by the same sweeps: count this student's notes.
    await sweepAt(new Date(until - 6 * MINUTE));
    expect(await notesOf(userId, "AWAY_REMINDER")).toHaveLength(0);
    expect((await sweepAt(new Date(until - 4 * MINUTE))).breakReminders).toBeGreaterThanOrEqual(1);
    await sweepAt(new Date(until - 3 * MINUTE));
    const notes = await notesOf(userId, "AWAY_REMINDER");
    expect(notes).toHaveLength(1);
    expect(notes[0]?.payload).toMatchObject({ reservationId: reservation.id, awayUntil: away.awayUntil });
  });

  it("several sweepers at once end a break once: one notification", async () => {
    const { userId, caller, reservation } = await seated(14);
    const away = await caller.reservations.away({ id: reservation.id, minutes: 1 });
    const later = new Date(Date.parse(away.awayUntil ?? "") + 1000);
    const sweeps = await Promise.all([1, 2, 3].map(() => runSweep(db(), api.deps.config.rules, later)));
    expect(sweeps.reduce((n, s) => n + s.result.breaksEnded, 0)).toBe(1);
    expect(await notesOf(userId, "AWAY_ENDED")).toHaveLength(1);
  });
});

describe("concurrency", () => {
  it("10 simultaneous away calls on one reservation record exactly one break", async () => {
    const { caller, reservation } = await seated(15);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => caller.reservations.away({ id: reservation.id, minutes: 5 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(String(r.reason)).toContain("already away");
    }
    expect(await reservationRow(api, reservation.id)).toMatchObject({ status: "AWAY", awayBreaks: 1 });
    expect((await trail(reservation.id)).filter((t) => t.action === "stepped_away")).toHaveLength(1);
  });

  it("back racing the sweeper: exactly one wins, and the row and answers agree", async () => {
    for (let i = 0; i < 4; i++) {
      const { userId, caller, reservation } = await seated(16 + i);
      const away = await caller.reservations.away({ id: reservation.id, minutes: 1 });
      const later = new Date(Date.parse(away.awayUntil ?? "") + 1000);
      const [back, sweep] = await Promise.allSettled([
        caller.reservations.back({ id: reservation.id }),
        runSweep(db(), api.deps.config.rules, later),
      ]);
      if (sweep.status !== "fulfilled") throw sweep.reason;
      const row = await reservationRow(api, reservation.id);
      if (back.status === "fulfilled") {
        expect(sweep.value.result.breaksEnded).toBe(0);
        expect(row.status).toBe("CHECKED_IN");
        expect(await notesOf(userId, "AWAY_ENDED")).toHaveLength(0);
      } else {
        expect(sweep.value.result.breaksEnded).toBe(1);
        expect(row.status).toBe("COMPLETED");
        expect(await notesOf(userId, "AWAY_ENDED")).toHaveLength(1);
      }
    }
  });
});
