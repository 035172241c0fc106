import { notifications, reservations, waitlist } from "@dlsms/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { expectTRPCError } from "./helpers";
import { ADMIN, newBranch, nextLocal, window, ZONE } from "./hours-helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: ZONE } }));
});
afterAll(() => api?.destroy());

describe("closures", () => {
  it("a closure on a day with 3 bookings cancels them, tells each student why, and refuses that day", async () => {
    const { name, seatIds } = await newBranch(api, 3);
    const staff = await api.as(ADMIN);
    const thursday = nextLocal(4, 10);
    const booked = [];
    for (const [i, userId] of [4, 5, 6].entries()) {
      const student = await api.as(userId);
      booked.push(
        await student.reservations.create(window(seatIds[i] as number, thursday.plus({ hours: i }), 1)),
      );
    }
    // A booking on another day is kept.
    const friday = await (await api.as(4)).reservations.create(
      window(seatIds[0] as number, nextLocal(5, 10), 1),
    );
    const date = thursday.toISODate() as string;
    const result = await staff.admin.addClosure({ branch: name, date, reason: "Staff training" });
    expect(result).toMatchObject({ branch: name, date, cancelled: 3 });
    const rows = await api.database.db
      .select()
      .from(reservations)
      .where(
        inArray(
          reservations.id,
          booked.map((b) => b.id),
        ),
      );
    expect(rows.map((r) => r.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
    for (const b of booked) {
      const [note] = await api.database.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, b.userId), eq(notifications.type, "RESERVATION_CANCELLED")));
      expect(note?.payload).toMatchObject({ reservationId: b.id, closureReason: "Staff training" });
      expect(String((note?.payload as { reason?: string } | undefined)?.reason)).toContain(
        `${name} is closed on Thursday`,
      );
      expect(String((note?.payload as { reason?: string } | undefined)?.reason)).toContain("Staff training");
    }
    // The audit trail names the staff member and the reason for each cancellation.
    const history = await staff.admin.history({ reservationId: booked[0]?.id as number });
    expect(history.at(-1)).toMatchObject({
      action: "staff_cancelled",
      actor: { role: "admin" },
      reason: expect.stringContaining("Staff training"),
    });
    const [kept] = await api.database.db.select().from(reservations).where(eq(reservations.id, friday.id));
    expect(kept?.status).toBe("CONFIRMED");
    const student = await api.as(7);
    await expectTRPCError(
      student.reservations.create(window(seatIds[1] as number, thursday.set({ hour: 15 }), 1)),
      "BAD_REQUEST",
      `${name} is closed on Thursday`,
    );
    await expectTRPCError(
      student.waitlist.join({
        branch: name,
        desiredStart: thursday.toUTC().toISO() as string,
        desiredEnd: thursday.plus({ hours: 1 }).toUTC().toISO() as string,
      }),
      "BAD_REQUEST",
      "Staff training",
    );
    expect((await student.branches.list()).find((b) => b.name === name)?.closures).toEqual([
      { date, reason: "Staff training" },
    ]);
    // Removing the closure opens the day again.
    await staff.admin.removeClosure({ branch: name, date });
    const again = await student.reservations.create(
      window(seatIds[1] as number, thursday.set({ hour: 15 }), 1),
    );
    expect(again.status).toBe("CONFIRMED");
  });

  it("a closure added while 30 bookings for that day race in leaves none of them active", async () => {
    const { name, seatIds } = await newBranch(api, 10);
    const staff = await api.as(ADMIN);
    // A fresh Friday per database run: the students' earlier bookings are on other days.
    const friday = nextLocal(5, 8);
    const students = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => api.as(id)));
    // Three each: some students already hold bookings, so the limit of 3 upcoming refuses some.
    const attempts = students.flatMap((student, i) =>
      [0, 3, 6].map((h) =>
        student.reservations.create(window(seatIds[i] as number, friday.plus({ hours: h }), 2)),
      ),
    );
    const closing = staff.admin.addClosure({
      branch: name,
      date: friday.toISODate() as string,
      reason: "Flood",
    });
    const outcomes = await Promise.allSettled(attempts);
    const closure = await closing;
    const booked = outcomes.filter((o) => o.status === "fulfilled");
    for (const o of outcomes) {
      if (o.status === "rejected") {
        // Refused for the closure, or for the student's own limit; never a server error.
        expect(String((o.reason as Error).message)).toMatch(
          /closed on Friday \d+ \w+: Flood|upcoming reservations|already have a reservation/,
        );
      }
    }
    const active = await api.database.db
      .select()
      .from(reservations)
      .where(
        and(
          inArray(reservations.seatId, seatIds),
          inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"]),
        ),
      );
    expect(active).toEqual([]);
    // Every booking that got in before the closure was cancelled by it, and only those.
    expect(closure.cancelled).toBe(booked.length);
  });

  it("a waitlist offer is never made for a slot the branch is now closed for", async () => {
    const { name, seatIds } = await newBranch(api, 1);
    const seat = seatIds[0] as number;
    const staff = await api.as(ADMIN);
    const holder = await api.as(8);
    const waiter = await api.as(9);
    const monday = nextLocal(1, 9);
    const held = await holder.reservations.create(window(seat, monday, 2));
    const entry = await waiter.waitlist.join({
      seatId: seat,
      desiredStart: monday.toUTC().toISO() as string,
      desiredEnd: monday.plus({ hours: 2 }).toUTC().toISO() as string,
    });
    // The hours change keeps the booking already made, but the slot is now outside the hours.
    await staff.admin.setOpeningHours({ branch: name, hours: [{ day: 1, open: "12:00", close: "20:00" }] });
    await holder.reservations.cancel({ id: held.id });
    const [after] = await api.database.db.select().from(waitlist).where(eq(waitlist.id, entry.id));
    expect(after?.status).toBe("WAITING");
    const offers = await api.database.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, seat), eq(reservations.status, "HELD")));
    expect(offers).toEqual([]);
  });
});

describe("the sweeper's offers", () => {
  it("a lapsed offer is not passed on to a waiter for a slot the branch is now closed for", async () => {
    const { name, seatIds } = await newBranch(api, 1);
    const seat = seatIds[0] as number;
    const staff = await api.as(ADMIN);
    const [holder, first, second] = await Promise.all([api.as(6), api.as(7), api.as(10)]);
    const tuesday = nextLocal(2, 13);
    const wanted = {
      seatId: seat,
      desiredStart: tuesday.toUTC().toISO() as string,
      desiredEnd: tuesday.plus({ hours: 1 }).toUTC().toISO() as string,
    };
    const held = await holder.reservations.create(window(seat, tuesday, 1));
    await first.waitlist.join(wanted);
    const later = await second.waitlist.join(wanted);
    await holder.reservations.cancel({ id: held.id });
    const [offer] = await api.database.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, seat), eq(reservations.status, "HELD")));
    expect(offer?.userId).toBe(7);
    // The branch now closes at noon on Tuesdays; then the first waiter's offer lapses.
    await staff.admin.setOpeningHours({ branch: name, hours: [{ day: 2, open: "08:00", close: "12:00" }] });
    await api.database.db
      .update(reservations)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(reservations.id, offer?.id ?? 0));
    const sweep = await staff.admin.sweep();
    expect(sweep).toMatchObject({ expiredOffers: 1 });
    const [entry] = await api.database.db.select().from(waitlist).where(eq(waitlist.id, later.id));
    expect(entry?.status).toBe("WAITING");
    const offers = await api.database.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, seat), eq(reservations.status, "HELD")));
    expect(offers).toEqual([]);
  });
});
