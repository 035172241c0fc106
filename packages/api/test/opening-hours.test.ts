import { branches, notifications, reservations, waitlist } from "@dlsms/db";
import { and, eq, inArray } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listSeatsFromCatalogue } from "../src/read-models/branch-catalogue";
import { SEAT_CHANGES_CHANNEL, type SeatChangeMessage } from "../src/services/events";
import { isOpenDuring } from "../src/services/opening-hours-rules";
import { listSeats } from "../src/services/seats.service";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { expectTRPCError } from "./helpers";

const ZONE = "Europe/Berlin";
const ADMIN = 11;
const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, open: "08:00", close: "20:00" }));

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: ZONE } }));
});
afterAll(() => api?.destroy());

/** The next local date (from tomorrow on) that is ISO weekday `weekday`, at hour:minute in ZONE. */
function nextLocal(weekday: number, hour: number, minute = 0): DateTime {
  let d = DateTime.now().setZone(ZONE).startOf("day").plus({ days: 1 });
  while (d.weekday !== weekday) d = d.plus({ days: 1 });
  return d.set({ hour, minute });
}

const window = (seatId: number, start: DateTime, hours: number) => ({
  seatId,
  startTime: start.toUTC().toISO() as string,
  endTime: start.plus({ hours }).toUTC().toISO() as string,
});

let branchNo = 0;
/** A branch of the test's own (the seeded ones stay open around the clock) with `seats` seats. */
async function newBranch(seatCount: number): Promise<{ name: string; seatIds: number[] }> {
  const staff = await api.as(ADMIN);
  branchNo += 1;
  const name = `Hours Test Library ${branchNo}`;
  await staff.admin.createBranch({ name, code: `HT${"ABCDEFGHIJ"[branchNo]}` });
  const seatIds: number[] = [];
  for (let i = 0; i < seatCount; i++) {
    seatIds.push((await staff.admin.createSeat({ branch: name, area: "Reading Room" })).id);
  }
  return { name, seatIds };
}

async function branchRow(name: string) {
  const [row] = await api.database.db.select().from(branches).where(eq(branches.name, name));
  if (!row) throw new Error(`branch ${name} missing`);
  return row;
}

describe("opening hours", () => {
  it("Mon–Fri 08:00–20:00: 07:00–09:00 and Sunday are refused with the hours; 09:00–11:00 on a weekday books", async () => {
    const { name, seatIds } = await newBranch(2);
    const seat = seatIds[0] as number;
    const staff = await api.as(ADMIN);
    const set = await staff.admin.setOpeningHours({ branch: name, hours: WEEKDAYS });
    expect(set.openingHours).toEqual(WEEKDAYS);
    const student = await api.as(1);
    const monday = nextLocal(1, 7);
    const early = await expectTRPCError(
      student.reservations.create(window(seat, monday, 2)),
      "BAD_REQUEST",
      `${name} is open 08:00–20:00 on Monday`,
    );
    expect(early.cause?.constructor.name).toBe("OutsideOpeningHours");
    await expectTRPCError(
      student.reservations.create(window(seat, nextLocal(7, 10), 2)),
      "BAD_REQUEST",
      `${name} is closed on Sunday`,
    );
    await expectTRPCError(
      student.reservations.create(window(seat, nextLocal(3, 19), 2)),
      "BAD_REQUEST",
      "08:00–20:00 on Wednesday",
    );
    const ok = await student.reservations.create(window(seat, nextLocal(2, 9), 2));
    expect(ok.status).toBe("CONFIRMED");
    // Nothing else was written by the refusals.
    const mine = await api.database.db
      .select()
      .from(reservations)
      .where(inArray(reservations.seatId, seatIds));
    expect(mine.map((r) => r.id)).toEqual([ok.id]);

    const listed = (await student.branches.list()).find((b) => b.name === name);
    expect(listed?.openingHours).toEqual(WEEKDAYS);
    const local = DateTime.now().setZone(ZONE);
    const hour = local.hour + local.minute / 60;
    expect(listed?.openNow).toBe(local.weekday <= 5 && hour >= 8 && hour < 20);
    expect((await student.branches.list()).find((b) => b.name === "Main Library")?.openingHours).toBeNull();
  });

  it("seats.list shows every seat of a closed branch unavailable, from the catalogue and the SQL form alike", async () => {
    const { name, seatIds } = await newBranch(3);
    const staff = await api.as(ADMIN);
    const student = await api.as(2);
    const closedWindow = window(0, nextLocal(1, 7), 2);
    const openWindow = window(0, nextLocal(1, 9), 2);
    const listing = (w: typeof openWindow, branch?: string) =>
      student.seats.list({ branch, startTime: w.startTime, endTime: w.endTime });
    // Listed (and cached) before the hours exist: open around the clock.
    expect((await listing(closedWindow, name)).every((s) => s.available)).toBe(true);
    await staff.admin.setOpeningHours({ branch: name, hours: WEEKDAYS });
    // The very next listing already knows (the catalog version moved).
    expect((await listing(closedWindow, name)).map((s) => s.available)).toEqual([false, false, false]);
    expect((await listing(openWindow, name)).map((s) => s.available)).toEqual([true, true, true]);
    const anyBranch = (await listing(closedWindow)).filter((s) => seatIds.includes(s.id));
    expect(anyBranch.map((s) => s.available)).toEqual([false, false, false]);
    expect((await listing(closedWindow)).some((s) => s.branch === "Main Library" && s.available)).toBe(true);
    const rules = api.deps.config.rules;
    const input = { branch: name, startTime: closedWindow.startTime, endTime: closedWindow.endTime };
    expect(JSON.stringify(await listSeatsFromCatalogue(api.deps, input, rules))).toBe(
      JSON.stringify(await listSeats(api.database.db, input, rules)),
    );
    const availability = await student.seats.availability({
      seatId: seatIds[0] as number,
      from: closedWindow.startTime,
      to: closedWindow.endTime,
    });
    expect(availability.available).toBe(false);
  });

  it("hours and closure changes tell live clients about every seat of the branch", async () => {
    const { name, seatIds } = await newBranch(2);
    const staff = await api.as(ADMIN);
    const seen: number[][] = [];
    const unsubscribe = api.deps.bus.subscribe(SEAT_CHANGES_CHANNEL, (message) => {
      seen.push((message as SeatChangeMessage).changes.map((c) => c.seatId));
    });
    try {
      await staff.admin.setOpeningHours({ branch: name, hours: WEEKDAYS });
      await vi.waitFor(() => expect(seen).toEqual([seatIds]));
      const date = nextLocal(3, 0).toISODate() as string;
      await staff.admin.addClosure({ branch: name, date, reason: "Painting" });
      await vi.waitFor(() => expect(seen).toHaveLength(2));
      await staff.admin.removeClosure({ branch: name, date });
      await vi.waitFor(() => expect(seen).toEqual([seatIds, seatIds, seatIds]));
    } finally {
      unsubscribe();
    }
  });

  it("staff only: students get FORBIDDEN and anonymous callers UNAUTHORIZED, and nothing changes", async () => {
    const { name } = await newBranch(1);
    const student = await api.as(3);
    const date = nextLocal(4, 0).toISODate() as string;
    await expectTRPCError(student.admin.setOpeningHours({ branch: name, hours: WEEKDAYS }), "FORBIDDEN");
    await expectTRPCError(student.admin.addClosure({ branch: name, date, reason: "x" }), "FORBIDDEN");
    await expectTRPCError(student.admin.removeClosure({ branch: name, date }), "FORBIDDEN");
    await expectTRPCError(
      api.anonymous.admin.setOpeningHours({ branch: name, hours: WEEKDAYS }),
      "UNAUTHORIZED",
    );
    expect((await branchRow(name)).hoursSet).toBe(false);
    expect((await student.branches.list()).find((b) => b.name === name)?.closures).toEqual([]);
  });

  it("bad hours and closures are refused with a clear 4xx and change nothing", async () => {
    const { name } = await newBranch(1);
    const staff = await api.as(ADMIN);
    await staff.admin.setOpeningHours({ branch: name, hours: WEEKDAYS });
    const bad: [unknown, string, string][] = [
      [
        [{ day: 0, open: "08:00", close: "20:00" }],
        "BAD_REQUEST",
        "day must be from 1 (Monday) to 7 (Sunday)",
      ],
      [[{ day: 8, open: "08:00", close: "20:00" }], "BAD_REQUEST", "day must be from 1"],
      [[{ day: 1, open: "8:00", close: "20:00" }], "BAD_REQUEST", 'open must be a time "HH:MM"'],
      [[{ day: 1, open: "08:00", close: "24:30" }], "BAD_REQUEST", "close must be a time"],
      [[{ day: 1, open: "24:00", close: "24:00" }], "BAD_REQUEST", "cannot open at 24:00"],
      [
        [{ day: 1, open: "20:00", close: "08:00" }],
        "BAD_REQUEST",
        "closing time 08:00 must be after opening time 20:00",
      ],
      [[{ day: 1, open: "09:00", close: "09:00" }], "BAD_REQUEST", "must be after opening time"],
      [
        [
          { day: 2, open: "08:00", close: "12:00" },
          { day: 2, open: "11:00", close: "14:00" },
        ],
        "BAD_REQUEST",
        "Tuesday: 08:00–12:00 and 11:00–14:00 overlap",
      ],
    ];
    for (const [hours, code, message] of bad) {
      await expectTRPCError(
        staff.admin.setOpeningHours({ branch: name, hours: hours as typeof WEEKDAYS }),
        code as "BAD_REQUEST",
        message,
      );
    }
    await expectTRPCError(
      staff.admin.setOpeningHours({ branch: "No Such Library", hours: WEEKDAYS }),
      "NOT_FOUND",
      'There is no branch called "No Such Library"',
    );
    const future = nextLocal(3, 0).toISODate() as string;
    await expectTRPCError(
      staff.admin.addClosure({ branch: name, date: "2026-02-30", reason: "x" }),
      "BAD_REQUEST",
      "not a real calendar date",
    );
    await expectTRPCError(
      staff.admin.addClosure({ branch: name, date: "2020-01-06", reason: "x" }),
      "BAD_REQUEST",
      "in the past",
    );
    await expectTRPCError(
      staff.admin.addClosure({ branch: name, date: future, reason: " " }),
      "BAD_REQUEST",
      "reason",
    );
    await expectTRPCError(
      staff.admin.removeClosure({ branch: name, date: future }),
      "NOT_FOUND",
      "no closure",
    );
    await staff.admin.addClosure({ branch: name, date: future, reason: "Inventory" });
    await expectTRPCError(
      staff.admin.addClosure({ branch: name, date: future, reason: "Again" }),
      "CONFLICT",
      "already closed",
    );
    // Touching stretches are fine (a lunch break), and the week still reads as set.
    const listed = (await (await api.as(1)).branches.list()).find((b) => b.name === name);
    expect(listed?.openingHours).toEqual(WEEKDAYS);
    expect(listed?.closures).toEqual([{ date: future, reason: "Inventory" }]);
    const split = await staff.admin.setOpeningHours({
      branch: name,
      hours: [
        { day: 1, open: "12:00", close: "24:00" },
        { day: 1, open: "08:00", close: "12:00" },
      ],
    });
    expect(split.openingHours).toEqual([
      { day: 1, open: "08:00", close: "12:00" },
      { day: 1, open: "12:00", close: "24:00" },
    ]);
  });
});

describe("closures", () => {
  it("a closure on a day with 3 bookings cancels them, tells each student why, and refuses that day", async () => {
    const { name, seatIds } = await newBranch(3);
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
    const { name, seatIds } = await newBranch(10);
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
    const { name, seatIds } = await newBranch(1);
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
    const { name, seatIds } = await newBranch(1);
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

describe("daylight saving time", () => {
  /** The next Sunday on which ZONE's clocks move (spring or autumn). */
  function nextDstSunday(): DateTime {
    let d = DateTime.now().setZone(ZONE).startOf("day").plus({ days: 1 });
    while (d.weekday !== 7 || d.offset === d.plus({ days: 1 }).offset) d = d.plus({ days: 1 });
    return d;
  }

  it("hours are wall time on a day of 23 or 25 hours, in the rule and in the database alike", async () => {
    const sunday = nextDstSunday();
    const days = Math.ceil(sunday.diffNow("days").days) + 2;
    const far = await createTestApi(testConfig({ rules: { libraryTimezone: ZONE, maxAdvanceDays: days } }));
    try {
      const staff = await far.as(ADMIN);
      await staff.admin.createBranch({ name: "DST Library", code: "DST" });
      const seat = (await staff.admin.createSeat({ branch: "DST Library", area: "Hall" })).id;
      await staff.admin.setOpeningHours({
        branch: "DST Library",
        hours: [{ day: 7, open: "01:00", close: "05:00" }],
      });
      const open = sunday.set({ hour: 1 });
      const close = sunday.set({ hour: 5 });
      // Four wall-clock hours are 3 or 5 real hours that day: naive minute arithmetic gets it wrong.
      const realHours = close.diff(open, "hours").hours;
      expect(realHours).not.toBe(4);
      const schedule = {
        branchId: 0,
        name: "DST Library",
        hoursSet: true,
        stretches: [{ day: 7, openMinute: 60, closeMinute: 300 }],
        closures: new Map<string, string>(),
      };
      const justInside = { start: close.minus({ minutes: 30 }), end: close };
      const justOutside = { start: close, end: close.plus({ minutes: 30 }) };
      const naiveClose = open.toUTC().plus({ hours: 4 });
      const student = await far.as(1);
      expect(isOpenDuring(schedule, justInside.start.toJSDate(), justInside.end.toJSDate(), ZONE)).toBe(true);
      expect(isOpenDuring(schedule, justOutside.start.toJSDate(), justOutside.end.toJSDate(), ZONE)).toBe(
        false,
      );
      const inside = await student.reservations.create({
        seatId: seat,
        startTime: justInside.start.toUTC().toISO() as string,
        endTime: justInside.end.toUTC().toISO() as string,
      });
      expect(inside.status).toBe("CONFIRMED");
      await expectTRPCError(
        student.reservations.create({
          seatId: seat,
          startTime: justOutside.start.toUTC().toISO() as string,
          endTime: justOutside.end.toUTC().toISO() as string,
        }),
        "BAD_REQUEST",
        "open 01:00–05:00 on Sunday",
      );
      // Where a naive "midnight + 300 minutes" would put the close, the real rule disagrees.
      const aroundNaive = {
        start: naiveClose.minus({ minutes: 15 }).toJSDate(),
        end: naiveClose.plus({ minutes: 15 }).toJSDate(),
      };
      expect(isOpenDuring(schedule, aroundNaive.start, aroundNaive.end, ZONE)).toBe(realHours > 4);
      const listed = await student.seats.list({
        branch: "DST Library",
        startTime: aroundNaive.start.toISOString(),
        endTime: aroundNaive.end.toISOString(),
      });
      expect(listed.map((s) => s.available)).toEqual([realHours > 4]);
    } finally {
      await far.destroy();
    }
  });
});
