import type { ReservationStatus } from "@dlsms/db";
import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportRow } from "../src/services/reports.service";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { expectTRPCError, insertReservation } from "./helpers";

/**
 * A fixed data set in a zone with DST: Europe/Berlin springs forward on Sunday 2026-03-29 (a
 * 23-hour day) and falls back on Sunday 2026-10-25 (a 25-hour day). Seeded branches: Main
 * Library 25 seats (Silent Study Zone 1–15, Group Study Zone 16–25), Science Library 12 seats
 * (26–37), Engineering Library 13 seats (38–50).
 */
const ZONE = "Europe/Berlin";
const ADMIN = 11;
const ALICE = 1;

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { libraryTimezone: ZONE } }));
  const db = api.database.db;
  // Main Library: Mon–Fri 08:00–20:00, Sat 10:00–14:00, Sunday closed (no rows).
  // Science Library: hours never set, so open around the clock.
  // Engineering Library: every day 09:00–17:00, closed on Monday 2026-03-30.
  await db.execute(sql`update branches set hours_set = true where id in (1, 3)`);
  await db.execute(sql`insert into branch_opening_hours (branch_id, day, open_minute, close_minute)
    values (1, 1, 480, 1200), (1, 2, 480, 1200), (1, 3, 480, 1200), (1, 4, 480, 1200), (1, 5, 480, 1200),
           (1, 6, 600, 840),
           (3, 1, 540, 1020), (3, 2, 540, 1020), (3, 3, 540, 1020), (3, 4, 540, 1020), (3, 5, 540, 1020),
           (3, 6, 540, 1020), (3, 7, 540, 1020)`);
  await db.execute(
    sql`insert into branch_closures (branch_id, date, reason) values (3, '2026-03-30', 'Power works')`,
  );
  const book = (seatId: number, start: string, end: string, status: ReservationStatus) =>
    insertReservation(api, { userId: ALICE, seatId, start: local(start), end: local(end), status });
  // Main Library
  await book(1, "2026-03-27T10:00", "2026-03-27T12:00", "COMPLETED"); // 2 h
  await book(2, "2026-03-27T07:00", "2026-03-27T09:00", "COMPLETED"); // 1 h inside hours
  await book(3, "2026-03-28T13:00", "2026-03-28T15:00", "NO_SHOW"); // books nothing
  await book(4, "2026-03-29T10:00", "2026-03-29T11:00", "CANCELLED"); // not counted at all
  // Science Library (24 h)
  await book(26, "2026-03-28T23:00", "2026-03-29T04:00", "COMPLETED"); // 4 real hours across the gap
  await book(27, "2026-03-30T09:00", "2026-03-30T10:00", "CONFIRMED"); // 1 h, check-in not decided
  await book(28, "2026-03-27T12:00", "2026-03-27T13:00", "EXPIRED"); // a lapsed offer: not counted
  await book(29, "2026-03-26T23:00", "2026-03-27T01:00", "COMPLETED"); // started before: 1 h inside
  await book(30, "2026-03-30T23:00", "2026-03-31T01:00", "COMPLETED"); // 1 h inside the range
  // Engineering Library
  await book(38, "2026-03-30T10:00", "2026-03-30T12:00", "COMPLETED"); // on the closure day: 0 h
  await book(44, "2026-03-27T16:00", "2026-03-27T18:00", "CHECKED_IN"); // 1 h before closing
  // The fall-back day: 01:30 → 03:30 local is three real hours.
  await book(31, "2026-10-25T01:30+02:00", "2026-10-25T03:30+01:00", "COMPLETED");
});
afterAll(() => api?.destroy());

/** Wall time in the library's zone (or with an explicit offset) → instant. */
function local(text: string): Date {
  const dt = DateTime.fromISO(text, { zone: ZONE });
  if (!dt.isValid) throw new Error(`bad test time ${text}`);
  return dt.toJSDate();
}

const RANGE = { from: "2026-03-27", to: "2026-03-30" } as const;

async function report(
  groupBy: "branch" | "area" | "day" | "hour",
  range: { from: string; to: string } = RANGE,
) {
  return (await api.as(ADMIN)).admin.report({ ...range, groupBy });
}

function byKey(rows: ReportRow[]): Record<string, ReportRow> {
  return Object.fromEntries(rows.map((r) => [r.key, r]));
}

const sum = (rows: ReportRow[], field: "reservations" | "bookedHours" | "openHours" | "noShows") =>
  Math.round(rows.reduce((total, r) => total + r[field], 0) * 100) / 100;

describe("admin.report", () => {
  it("by branch: capacity is seats × opening hours (closures, closed days, the 23-hour day)", async () => {
    expect(await report("branch")).toEqual([
      // 13 seats × 8 h × 3 days (closed Monday); 2 started; 1 h booked inside hours.
      {
        key: "Engineering Library",
        reservations: 2,
        bookedHours: 1,
        openHours: 312,
        utilisation: 0.0032,
        noShows: 0,
        noShowRate: 0,
      },
      // 25 seats × (12 + 4 + 0 + 12) h; one no-show of three decided check-ins.
      {
        key: "Main Library",
        reservations: 3,
        bookedHours: 3,
        openHours: 700,
        utilisation: 0.0043,
        noShows: 1,
        noShowRate: 0.3333,
      },
      // 12 seats × (24 + 24 + 23 + 24) h.
      {
        key: "Science Library",
        reservations: 3,
        bookedHours: 7,
        openHours: 1140,
        utilisation: 0.0061,
        noShows: 0,
        noShowRate: 0,
      },
    ]);
  });

  it("by day: every day of the range, the DST day has 23 hours", async () => {
    const rows = await report("day");
    expect(rows.map((r) => r.key)).toEqual(["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]);
    const days = byKey(rows);
    expect(days["2026-03-27"]).toMatchObject({ reservations: 3, bookedHours: 5, openHours: 692, noShows: 0 });
    expect(days["2026-03-28"]).toMatchObject({
      reservations: 2,
      bookedHours: 1,
      openHours: 492,
      noShows: 1,
      noShowRate: 0.5,
    });
    // Main Library closed on Sundays; Science Library's Sunday is 23 h long.
    expect(days["2026-03-29"]).toEqual({
      key: "2026-03-29",
      reservations: 0,
      bookedHours: 3,
      openHours: 12 * 23 + 13 * 8,
      utilisation: round4(3 / 380),
      noShows: 0,
      noShowRate: 0,
    });
    expect(days["2026-03-30"]).toMatchObject({ reservations: 3, bookedHours: 2, openHours: 588 });
  });

  it("by hour of day: keys 00–23 summed over the range; the skipped hour 02 has one day less", async () => {
    const rows = await report("hour");
    expect(rows.map((r) => r.key)).toEqual(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0")));
    const hours = byKey(rows);
    // Science Library 12 seats × 4 days, but 02:00 did not exist on the 29th.
    expect(hours["02"]).toMatchObject({ openHours: 36, bookedHours: 0, reservations: 0 });
    expect(hours["00"]).toMatchObject({ openHours: 48, bookedHours: 2, reservations: 0 });
    // Before any branch with hours opens: only the Science Library; the 07:00 booking counts here.
    expect(hours["07"]).toMatchObject({ openHours: 48, bookedHours: 0, reservations: 1 });
    // 48 (Science) + 25 × 3 (Main: Fri, Sat, Mon) + 13 × 3 (Engineering: Fri–Sun)
    expect(hours["10"]).toEqual({
      key: "10",
      reservations: 2,
      bookedHours: 1,
      openHours: 162,
      utilisation: round4(1 / 162),
      noShows: 0,
      noShowRate: 0,
    });
    expect(hours["23"]).toMatchObject({ openHours: 48, bookedHours: 2, reservations: 2 });
  });

  it("by area: 'Branch / Area', seats of the area × its branch's hours", async () => {
    const areas = byKey(await report("area"));
    expect(Object.keys(areas)).toHaveLength(8);
    expect(areas["Main Library / Silent Study Zone"]).toMatchObject({
      reservations: 3,
      bookedHours: 3,
      openHours: 15 * 28,
      noShows: 1,
    });
    expect(areas["Main Library / Group Study Zone"]).toEqual({
      key: "Main Library / Group Study Zone",
      reservations: 0,
      bookedHours: 0,
      openHours: 10 * 28,
      utilisation: 0,
      noShows: 0,
      noShowRate: 0,
    });
  });

  it("every grouping adds up to the same totals", async () => {
    for (const groupBy of ["branch", "area", "day", "hour"] as const) {
      const rows = await report(groupBy);
      expect({
        groupBy,
        reservations: sum(rows, "reservations"),
        bookedHours: sum(rows, "bookedHours"),
        openHours: sum(rows, "openHours"),
        noShows: sum(rows, "noShows"),
      }).toEqual({ groupBy, reservations: 8, bookedHours: 11, openHours: 2152, noShows: 1 });
    }
  });

  it("the 25-hour day counts its repeated hour twice", async () => {
    const range = { from: "2026-10-25", to: "2026-10-25" };
    const [day] = await report("day", range);
    // Science 12 × 25 h + Engineering 13 × 8 h; Main is closed on Sundays.
    expect(day).toMatchObject({ key: "2026-10-25", openHours: 404, bookedHours: 3, reservations: 1 });
    const hours = byKey(await report("hour", range));
    expect(hours["02"]).toMatchObject({ openHours: 24, bookedHours: 2 });
    expect(hours["01"]).toMatchObject({ openHours: 12, bookedHours: 0.5, reservations: 1 });
    expect(hours["03"]).toMatchObject({ openHours: 12, bookedHours: 0.5 });
  });

  it("no open hours gives utilisation 0, not NaN", async () => {
    const rows = byKey(await report("branch", { from: "2026-03-29", to: "2026-03-29" }));
    expect(rows["Main Library"]).toEqual({
      key: "Main Library",
      reservations: 0,
      bookedHours: 0,
      openHours: 0,
      utilisation: 0,
      noShows: 0,
      noShowRate: 0,
    });
  });

  it("a retired seat leaves capacity but its past bookings stay in the report", async () => {
    const db = api.database.db;
    // Retired directly: admin.retireSeat would also cancel bookings, which is not under test here.
    await db.execute(sql`update seats set status = 'RETIRED', retired_at = now() where id = 1`);
    try {
      const rows = byKey(await report("branch"));
      // 24 seats × 28 h; seat 1's two hours on Friday still count.
      expect(rows["Main Library"]).toMatchObject({ reservations: 3, bookedHours: 3, openHours: 24 * 28 });
      const areas = byKey(await report("area"));
      expect(areas["Main Library / Silent Study Zone"]).toMatchObject({ openHours: 14 * 28, bookedHours: 3 });
    } finally {
      await db.execute(sql`update seats set status = 'ACTIVE', retired_at = null where id = 1`);
    }
  });

  it("refuses bad ranges and groupings with BAD_REQUEST, and anyone but staff", async () => {
    const staff = await api.as(ADMIN);
    await expectTRPCError(
      staff.admin.report({ from: "2026-03-02", to: "2026-03-01", groupBy: "day" }),
      "BAD_REQUEST",
      "to must be on or after from",
    );
    await expectTRPCError(
      staff.admin.report({ from: "2025-01-01", to: "2026-01-02", groupBy: "day" }),
      "BAD_REQUEST",
      "at most 366 days",
    );
    await expectTRPCError(
      staff.admin.report({ from: "2026-02-30", to: "2026-03-01", groupBy: "day" }),
      "BAD_REQUEST",
      "not a real date",
    );
    await expectTRPCError(
      staff.admin.report({ from: "2026-03-01", to: "2026-03-01", groupBy: "week" as "day" }),
      "BAD_REQUEST",
      "groupBy must be one of",
    );
    await expectTRPCError(
      staff.admin.report({ from: "1 March", to: "2026-03-01", groupBy: "day" }),
      "BAD_REQUEST",
      "from must be a date like",
    );
    // A leap year's 366 days is allowed.
    expect(await staff.admin.report({ from: "2028-01-01", to: "2028-12-31", groupBy: "day" })).toHaveLength(
      366,
    );
    await expectTRPCError((await api.as(ALICE)).admin.report({ ...RANGE, groupBy: "day" }), "FORBIDDEN");
    await expectTRPCError(api.anonymous.admin.report({ ...RANGE, groupBy: "day" }), "UNAUTHORIZED");
  });
});

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
