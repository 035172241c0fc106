import { reservations, seats, waitlist } from "@dlsms/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEAT_CHANGES_CHANNEL, type SeatChangeMessage } from "../src/services/events";
import { createTestApi, type TestApi } from "../src/testing";
import {
  cancelNotes,
  dayAt,
  expectTRPCError,
  HOUR,
  heldTransaction,
  insertReservation,
  iso,
  reservationRow,
  seatRow,
  slot,
} from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const ADMIN = 11;

async function activeOn(seatId: number) {
  return api.database.db
    .select()
    .from(reservations)
    .where(
      and(eq(reservations.seatId, seatId), inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"])),
    );
}

describe("admin.retireSeat", () => {
  it("is staff-only: a student gets FORBIDDEN, an anonymous caller UNAUTHORIZED, and nothing changes", async () => {
    const student = await api.as(1);
    await expectTRPCError(student.admin.retireSeat({ seatId: 2, reason: "Broken" }), "FORBIDDEN");
    await expectTRPCError(student.admin.retirePreview({ seatId: 2 }), "FORBIDDEN");
    await expectTRPCError(student.admin.catalogue(), "FORBIDDEN");
    await expectTRPCError(api.anonymous.admin.retireSeat({ seatId: 2, reason: "Broken" }), "UNAUTHORIZED");
    expect((await seatRow(api, 2)).status).toBe("ACTIVE");
  });

  it("refuses bad input with a clear 4xx and changes nothing", async () => {
    const staff = await api.as(ADMIN);
    await expectTRPCError(
      staff.admin.retireSeat({ seatId: 2, reason: "  " }),
      "BAD_REQUEST",
      "reason is required",
    );
    await expectTRPCError(
      staff.admin.retireSeat({ seatId: 2, reason: "x".repeat(301) }),
      "BAD_REQUEST",
      "reason is at most 300",
    );
    await expectTRPCError(staff.admin.retireSeat({ seatId: -1, reason: "x" }), "BAD_REQUEST", "seatId");
    await expectTRPCError(
      staff.admin.retireSeat({ seatId: 999_999, reason: "x" }),
      "NOT_FOUND",
      "Seat 999999 does not exist",
    );
    await expectTRPCError(
      staff.admin.retireSeat({ seatId: 2, reason: "x", expectedCancellations: -1 }),
      "BAD_REQUEST",
      "expectedCancellations",
    );
    expect((await seatRow(api, 2)).status).toBe("ACTIVE");
  });

  it("cancels the seat's future and current bookings and its waitlist, each student told why; past ones stay", async () => {
    const staff = await api.as(ADMIN);
    const seatId = 27; // Science Library
    const past = await insertReservation(api, {
      userId: 1,
      seatId,
      start: new Date(Date.now() - 26 * HOUR),
      end: new Date(Date.now() - 25 * HOUR),
      status: "COMPLETED",
    });
    const noShow = await insertReservation(api, {
      userId: 4,
      seatId,
      start: new Date(Date.now() - 5 * HOUR),
      end: new Date(Date.now() - 4 * HOUR),
      status: "NO_SHOW",
    });
    const seated = await insertReservation(api, {
      userId: 3,
      seatId,
      start: new Date(Date.now() - HOUR / 2),
      end: new Date(Date.now() + HOUR / 2),
      status: "CHECKED_IN",
    });
    const bob = await (await api.as(2)).reservations.create(slot(seatId, dayAt(2, 9), dayAt(2, 10)));
    const carol = await (await api.as(5)).reservations.create(slot(seatId, dayAt(3, 14), dayAt(3, 15)));
    const waiting = await (await api.as(6)).waitlist.join({
      seatId,
      desiredStart: iso(dayAt(2, 9)),
      desiredEnd: iso(dayAt(2, 10)),
    });
    // Another seat's booking is untouched.
    const elsewhere = await (await api.as(7)).reservations.create(slot(28, dayAt(2, 9), dayAt(2, 10)));

    const preview = await staff.admin.retirePreview({ seatId });
    expect(preview).toMatchObject({ seatId, seatCode: "SL-02", cancelled: 3, waitlistEntries: 1 });
    expect(preview.reservations.map((r) => r.id)).toEqual([seated.id, bob.id, carol.id]);
    expect((await seatRow(api, seatId)).status).toBe("ACTIVE");

    const result = await staff.admin.retireSeat({
      seatId,
      reason: "Desk removed for renovation",
      expectedCancellations: 3,
    });
    expect(result).toMatchObject({
      seatId,
      seatCode: "SL-02",
      status: "RETIRED",
      reason: "Desk removed for renovation",
      cancelled: 3,
      waitlistEntries: 1,
    });

    const row = await seatRow(api, seatId);
    expect(row).toMatchObject({ status: "RETIRED", retiredReason: "Desk removed for renovation" });
    expect(row.retiredAt).toBeInstanceOf(Date);
    for (const r of [seated, bob, carol]) expect((await reservationRow(api, r.id)).status).toBe("CANCELLED");
    // History stays: the past reservations keep their status and their seat.
    expect(await reservationRow(api, past.id)).toMatchObject({ status: "COMPLETED", seatId });
    expect(await reservationRow(api, noShow.id)).toMatchObject({ status: "NO_SHOW", seatId });
    expect((await reservationRow(api, elsewhere.id)).status).toBe("CONFIRMED");
    for (const [userId, id] of [
      [3, seated.id],
      [2, bob.id],
      [5, carol.id],
    ] as const) {
      const notes = await cancelNotes(api, userId);
      expect(notes.map((n) => n.payload)).toContainEqual(
        expect.objectContaining({
          reservationId: id,
          seatId,
          reason: "Seat SL-02 has been taken out of service: Desk removed for renovation",
        }),
      );
    }
    const [entry] = await api.database.db.select().from(waitlist).where(eq(waitlist.id, waiting.id));
    expect(entry?.status).toBe("LEFT");
    expect((await cancelNotes(api, 6)).map((n) => n.payload)).toContainEqual(
      expect.objectContaining({
        waitlistId: waiting.id,
        seatId,
        reason: expect.stringContaining("renovation"),
      }),
    );
    // The student sees it cancelled in their own list.
    const mine = await (await api.as(2)).reservations.mine({});
    expect(mine.find((r) => r.id === bob.id)?.status).toBe("CANCELLED");
  });

  it("retiring twice is a CONFLICT, and a retired seat cannot be edited, closed or reopened", async () => {
    const staff = await api.as(ADMIN);
    await staff.admin.retireSeat({ seatId: 29, reason: "Gone" });
    await expectTRPCError(
      staff.admin.retireSeat({ seatId: 29, reason: "Again" }),
      "CONFLICT",
      "Seat SL-04 has already been retired",
    );
    await expectTRPCError(staff.admin.retirePreview({ seatId: 29 }), "CONFLICT", "already been retired");
    await expectTRPCError(staff.admin.updateSeat({ seatId: 29, area: "Back" }), "NOT_FOUND", "retired");
    await expectTRPCError(
      staff.admin.setSeatStatus({ seatId: 29, status: "ACTIVE" }),
      "NOT_FOUND",
      "retired",
    );
    await expectTRPCError(
      staff.admin.setSeatStatus({ seatId: 29, status: "MAINTENANCE", reason: "x" }),
      "NOT_FOUND",
      "retired",
    );
    await expectTRPCError(staff.admin.maintenancePreview({ seatId: 29 }), "NOT_FOUND", "retired");
    expect(await seatRow(api, 29)).toMatchObject({
      status: "RETIRED",
      retiredReason: "Gone",
      area: "Research Zone",
    });
  });

  it("a confirmation made for a different number of bookings changes nothing (CONFLICT)", async () => {
    const staff = await api.as(ADMIN);
    const booked = await (await api.as(8)).reservations.create(slot(30, dayAt(2, 9), dayAt(2, 10)));
    await expectTRPCError(
      staff.admin.retireSeat({ seatId: 30, reason: "x", expectedCancellations: 0 }),
      "CONFLICT",
      "1 would be cancelled, not 0",
    );
    expect((await seatRow(api, 30)).status).toBe("ACTIVE");
    expect((await reservationRow(api, booked.id)).status).toBe("CONFIRMED");
  });

  it("removes the seat from every listing and lookup, cached copies included; booking or waiting for it is refused", async () => {
    const staff = await api.as(ADMIN);
    const alice = await api.as(1);
    const seatId = 31;
    const window = { startTime: iso(dayAt(4, 9)), endTime: iso(dayAt(4, 10)) };
    // Cached before: the branch listing (catalogue copy), the all-branch listing and branches.list.
    const before = await alice.seats.list({ branch: "Science Library", ...window });
    expect(before.map((s) => s.id)).toContain(seatId);
    expect((await alice.seats.list(window)).map((s) => s.id)).toContain(seatId);
    const branchesBefore = await alice.branches.list();
    const scienceBefore = branchesBefore.find((b) => b.name === "Science Library");
    await alice.seats.get({ id: seatId });

    // Live seat maps hear of it (seats.onChange listens on this channel).
    const heard: SeatChangeMessage[] = [];
    const unsubscribe = api.deps.bus.subscribe(SEAT_CHANGES_CHANNEL, (m) =>
      heard.push(m as SeatChangeMessage),
    );
    await staff.admin.retireSeat({ seatId, reason: "Removed" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    unsubscribe();
    expect(heard.flatMap((m) => m.changes)).toContainEqual({ seatId, reason: "retired" });

    const after = await alice.seats.list({ branch: "Science Library", ...window });
    expect(after.map((s) => s.id)).not.toContain(seatId);
    expect(after).toHaveLength(before.length - 1);
    expect((await alice.seats.list(window)).map((s) => s.id)).not.toContain(seatId);
    expect((await alice.seats.list({ ...window, availableOnly: true })).map((s) => s.id)).not.toContain(
      seatId,
    );
    const scienceAfter = (await alice.branches.list()).find((b) => b.name === "Science Library");
    expect(scienceAfter?.seatCount).toBe((scienceBefore?.seatCount ?? 0) - 1);
    await expectTRPCError(alice.seats.get({ id: seatId }), "NOT_FOUND", `Seat ${seatId} does not exist`);
    await expectTRPCError(
      alice.seats.availability({ seatId, from: window.startTime, to: window.endTime }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      alice.reservations.create(slot(seatId, dayAt(4, 9), dayAt(4, 10))),
      "NOT_FOUND",
      "Seat SL-06 has been retired and can no longer be booked",
    );
    await expectTRPCError(
      alice.waitlist.join({ seatId, desiredStart: window.startTime, desiredEnd: window.endTime }),
      "NOT_FOUND",
    );
    expect(await activeOn(seatId)).toHaveLength(0);
    // Staff still see it in the catalogue, marked.
    const catalogue = await staff.admin.catalogue();
    const science = catalogue.find((b) => b.name === "Science Library");
    expect(science?.seats.find((s) => s.id === seatId)).toMatchObject({
      status: "RETIRED",
      retiredReason: "Removed",
    });
  });

  it("a booking whose statement began before the retirement committed is skipped by the database and refused", async () => {
    const seatId = 32;
    // Made first: on PGlite a query waits for the held transaction to end.
    const student = await api.as(9);
    // The retirement's first step, held open: the seat locked and marked, not yet committed.
    const retiring = await heldTransaction(api, async (tx) => {
      await tx.execute(sql`select id from seats where id = ${seatId} for update`);
      await tx
        .update(seats)
        .set({ status: "RETIRED", retiredAt: new Date(), retiredReason: "held" })
        .where(eq(seats.id, seatId));
    });
    const attempt = student.reservations.create(slot(seatId, dayAt(5, 9), dayAt(5, 10)));
    // On Postgres the booking now waits at the seat lock; PGlite runs it after the commit.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await retiring.commit();
    await expectTRPCError(attempt, "NOT_FOUND", "has been retired");
    expect(await activeOn(seatId)).toHaveLength(0);
  });

  it("joining a seat's waitlist while its retirement is committing is refused, not left waiting forever", async () => {
    const seatId = 35;
    const student = await api.as(9);
    const retiring = await heldTransaction(api, async (tx) => {
      await tx.execute(sql`select id from seats where id = ${seatId} for update`);
      await tx
        .update(seats)
        .set({ status: "RETIRED", retiredAt: new Date(), retiredReason: "held" })
        .where(eq(seats.id, seatId));
    });
    const joining = student.waitlist.join({
      seatId,
      desiredStart: iso(dayAt(5, 9)),
      desiredEnd: iso(dayAt(5, 10)),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await retiring.commit();
    await expectTRPCError(joining, "NOT_FOUND");
    const entries = await api.database.db.select().from(waitlist).where(eq(waitlist.seatId, seatId));
    expect(entries).toHaveLength(0);
  });

  it("race: staff retire the same seat many times at once — one retirement, each booking cancelled and told once", async () => {
    const staff = await api.as(ADMIN);
    const seatId = 36;
    const booked = await (await api.as(4)).reservations.create(slot(seatId, dayAt(8, 9), dayAt(8, 10)));
    const before = (await cancelNotes(api, 4)).length;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => staff.admin.retireSeat({ seatId, reason: `Attempt ${i}` })),
    );
    const done = results.filter((r) => r.status === "fulfilled");
    expect(done).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("CONFLICT");
    }
    expect((await reservationRow(api, booked.id)).status).toBe("CANCELLED");
    const notes = (await cancelNotes(api, 4)).slice(before);
    expect(notes.filter((n) => n.payload.reservationId === booked.id)).toHaveLength(1);
  });

  it("a booking inserted but not committed when staff retire the seat is waited for, then cancelled", async () => {
    const staff = await api.as(ADMIN);
    const seatId = 33;
    let inserted = 0;
    const booking = await heldTransaction(api, async (tx) => {
      const [row] = await tx
        .insert(reservations)
        .values({ userId: 10, seatId, startTime: dayAt(5, 9), endTime: dayAt(5, 10), status: "CONFIRMED" })
        .returning();
      inserted = row?.id ?? 0;
    });
    const retiring = staff.admin.retireSeat({ seatId, reason: "Removed" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await booking.commit();
    expect((await retiring).cancelled).toBe(1);
    expect((await reservationRow(api, inserted)).status).toBe("CANCELLED");
    expect((await cancelNotes(api, 10)).map((n) => n.payload)).toContainEqual(
      expect.objectContaining({ reservationId: inserted }),
    );
  });

  it("race: many bookings of a seat fired while it is retired — each fails cleanly or ends cancelled with a notification", async () => {
    const staff = await api.as(ADMIN);
    const seatId = 34;
    const students = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const callers = await Promise.all(students.map((id) => api.as(id)));
    // Each student tries three slots (some overlap others'): 30 attempts.
    const attempts = callers.flatMap((caller, i) =>
      [0, 1, 2].map((k) => ({
        userId: students[i] as number,
        run: () =>
          caller.reservations.create(slot(seatId, dayAt(6 + k, 8 + (i % 6)), dayAt(6 + k, 9 + (i % 6)))),
      })),
    );
    const bookings = attempts.map(async (a, n) => {
      // Spread over a few ticks, so some land before the retirement and some after.
      await new Promise((resolve) => setTimeout(resolve, n % 5));
      return {
        userId: a.userId,
        outcome: await a.run().then(
          (r) => r,
          (e: unknown) => e,
        ),
      };
    });
    const retired = new Promise((resolve) => setTimeout(resolve, 2)).then(() =>
      staff.admin.retireSeat({ seatId, reason: "Race" }),
    );
    const outcomes = await Promise.all(bookings);
    const result = await retired;

    expect(await activeOn(seatId)).toHaveLength(0);
    let made = 0;
    for (const { userId, outcome } of outcomes) {
      if (outcome instanceof Error) {
        // A clean refusal: retired (NOT_FOUND), taken or over the limit — never a server error.
        expect((outcome as { code?: string }).code).toMatch(/^(NOT_FOUND|CONFLICT|BAD_REQUEST)$/);
        continue;
      }
      made++;
      const { id } = outcome as { id: number };
      expect((await reservationRow(api, id)).status).toBe("CANCELLED");
      expect((await cancelNotes(api, userId)).map((n) => n.payload)).toContainEqual(
        expect.objectContaining({ reservationId: id, reason: expect.stringContaining("Race") }),
      );
    }
    expect(result.cancelled).toBe(made);
    // Afterwards every attempt is refused as retired.
    await expectTRPCError(
      callers[0]?.reservations.create(slot(seatId, dayAt(9, 8), dayAt(9, 9))) ?? Promise.resolve(),
      "NOT_FOUND",
      "retired",
    );
  });
});
