import { reservations } from "@dlsms/db";
import { inArray } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listSeatsFromCatalogue } from "../src/read-models/branch-catalogue";
import { SEAT_CHANGES_CHANNEL, type SeatChangeMessage } from "../src/services/events";
import { isOpenDuring } from "../src/services/opening-hours-rules";
import { listSeats } from "../src/services/seats.service";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { expectTRPCError } from "./helpers";
import { ADMIN, branchRow, newBranch, nextLocal, WEEKDAYS, window, ZONE } from "./hours-helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: ZONE } }));
});
afterAll(() => api?.destroy());

describe("opening hours", () => {
  it("Mon–Fri 08:00–20:00: 07:00–09:00 and Sunday are refused with the hours; 09:00–11:00 on a weekday books", async () => {
    const { name, seatIds } = await newBranch(api, 2);
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
    const { name, seatIds } = await newBranch(api, 3);
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
    const { name, seatIds } = await newBranch(api, 2);
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
    const { name } = await newBranch(api, 1);
    const student = await api.as(3);
    const date = nextLocal(4, 0).toISODate() as string;
    await expectTRPCError(student.admin.setOpeningHours({ branch: name, hours: WEEKDAYS }), "FORBIDDEN");
    await expectTRPCError(student.admin.addClosure({ branch: name, date, reason: "x" }), "FORBIDDEN");
    await expectTRPCError(student.admin.removeClosure({ branch: name, date }), "FORBIDDEN");
    await expectTRPCError(
      api.anonymous.admin.setOpeningHours({ branch: name, hours: WEEKDAYS }),
      "UNAUTHORIZED",
    );
    expect((await branchRow(api, name)).hoursSet).toBe(false);
    expect((await student.branches.list()).find((b) => b.name === name)?.closures).toEqual([]);
  });

  it("bad hours and closures are refused with a clear 4xx and change nothing", async () => {
    const { name } = await newBranch(api, 1);
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
