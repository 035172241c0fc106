import { type Database, rowsOf } from "@dlsms/db";
import type { ReportGroupBy, ReportInput } from "@dlsms/validators";
import { type SQL, sql } from "drizzle-orm";

/**
 * One row of a staff report. What counts (docs/api.md, "Reports"):
 * - `reservations`: reservations that started in the range and were kept — CONFIRMED, CHECKED_IN, AWAY,
 *   COMPLETED or NO_SHOW. Cancelled ones and waitlist offers (HELD, EXPIRED) are not bookings.
 * - `bookedHours`: seat-hours of CONFIRMED, CHECKED_IN, AWAY and COMPLETED reservations (a release
 *   shortens a COMPLETED one to the time used), counted only inside the range and inside their
 *   branch's opening hours. A no-show's seat went back to others, so it books no hours.
 * - `openHours`: capacity, the branch's seats (every status but RETIRED) × its opening hours.
 * - `noShowRate`: noShows over the reservations whose check-in was decided (CHECKED_IN, AWAY,
 *   COMPLETED, NO_SHOW); 0 when none was.
 * A reservation's count goes to the day and hour it started; its hours to the days and hours they fall in.
 */
export interface ReportRow {
  key: string;
  reservations: number;
  bookedHours: number;
  openHours: number;
  utilisation: number;
  noShows: number;
  noShowRate: number;
}

/** Fixed SQL per grouping (never user text): how a fact row's key is spelled. */
const FACT_KEY: Record<ReportGroupBy, string> = {
  branch: "b.name",
  area: "b.name || ' / ' || f.area",
  day: "to_char(f.day, 'YYYY-MM-DD')",
  hour: "f.hour",
};

/** Every key a grouping shows, with zeros where nothing happened, so charts have no gaps. */
const ALL_KEYS: Record<ReportGroupBy, string> = {
  branch: "select b.name as key from branches b",
  area: "select distinct b.name || ' / ' || s.area as key from seats s join branches b on b.id = s.branch_id",
  day: "select to_char(d.day, 'YYYY-MM-DD') as key from days d",
  hour: "select to_char(h, 'FM00') as key from generate_series(0, 23) as h",
};

interface Totals {
  key: string;
  openSeconds: number;
  bookedSeconds: number;
  reservations: number;
  noShows: number;
  due: number;
}

/**
 * Everything is cut into local hours of local days in the library's zone, in SQL, so a 23-hour
 * or 25-hour day (DST) has exactly its real hours and both Postgres and PGlite sum the same
 * exact numerics. Three kinds of fact rows (capacity, booked time, reservation counts) are
 * summed under the requested key.
 */
function reportQuery(input: ReportInput, zone: string): SQL {
  const factKey = sql.raw(FACT_KEY[input.groupBy]);
  const allKeys = sql.raw(ALL_KEYS[input.groupBy]);
  return sql`
    with params as (
      select ${input.from}::date as first_day, ${input.to}::date as last_day, ${zone}::text as zone
    ),
    days as (
      select p.first_day + i as day,
        (p.first_day + i)::timestamp at time zone p.zone as day_start,
        (p.first_day + i + 1)::timestamp at time zone p.zone as day_end
      from params p cross join generate_series(0, p.last_day - p.first_day) as i
    ),
    bounds as (select min(day_start) as range_start, max(day_end) as range_end from days),
    slices as (
      select d.day, d.day_start + h * interval '1 hour' as slice_start,
        least(d.day_start + (h + 1) * interval '1 hour', d.day_end) as slice_end
      from days d cross join generate_series(0, 24) as h
      where d.day_start + h * interval '1 hour' < d.day_end
    ),
    open_times as (
      select b.id as branch_id, d.day,
        case when b.hours_set
          then (d.day + make_interval(mins => h.open_minute::int)) at time zone p.zone
          else d.day_start end as open_at,
        case when b.hours_set
          then (d.day + make_interval(mins => h.close_minute::int)) at time zone p.zone
          else d.day_end end as close_at
      from params p cross join days d cross join branches b
      left join branch_opening_hours h
        on b.hours_set and h.branch_id = b.id and h.day = extract(isodow from d.day)::int
      where (not b.hours_set or h.branch_id is not null)
        and not exists (select 1 from branch_closures c where c.branch_id = b.id and c.date = d.day)
    ),
    open_slices as (
      select o.branch_id, s.day, to_char(s.slice_start at time zone p.zone, 'HH24') as hour,
        greatest(o.open_at, s.slice_start) as open_from, least(o.close_at, s.slice_end) as open_to
      from open_times o
      join slices s on s.day = o.day and s.slice_start < o.close_at and s.slice_end > o.open_at
      cross join params p
    ),
    capacity as (
      select branch_id, area, count(*) filter (where status <> 'RETIRED') as seats
      from seats group by branch_id, area
    ),
    kept as materialized (
      select s.branch_id, s.area, r.start_time, r.end_time, r.status
      from reservations r
      join seats s on s.id = r.seat_id
      cross join bounds
      where r.status in ('CONFIRMED', 'CHECKED_IN', 'AWAY', 'COMPLETED', 'NO_SHOW')
        and r.start_time < bounds.range_end and r.end_time > bounds.range_start
    ),
    -- Each booking once per local day it touches (at most three: it lasts at most 24 h), so
    -- it meets that day's open slices by equality, not by a scan of every slice.
    booked_days as materialized (
      select k.branch_id, k.area, k.start_time, k.end_time,
        (k.start_time at time zone p.zone)::date + i as day
      from kept k
      cross join params p
      cross join lateral generate_series(
        0, (k.end_time at time zone p.zone)::date - (k.start_time at time zone p.zone)::date
      ) as i
      where k.status <> 'NO_SHOW'
    ),
    facts as (
      select c.branch_id, c.area, os.day, os.hour,
        c.seats * extract(epoch from os.open_to - os.open_from) as open_secs,
        0::numeric as booked_secs, 0 as reservations, 0 as no_shows, 0 as due
      from capacity c join open_slices os on os.branch_id = c.branch_id
      union all
      select bd.branch_id, bd.area, os.day, os.hour, 0,
        extract(epoch from least(bd.end_time, os.open_to) - greatest(bd.start_time, os.open_from)), 0, 0, 0
      from booked_days bd
      join open_slices os on os.branch_id = bd.branch_id and os.day = bd.day
      where os.open_from < bd.end_time and os.open_to > bd.start_time
      union all
      select k.branch_id, k.area, (k.start_time at time zone p.zone)::date,
        to_char(k.start_time at time zone p.zone, 'HH24'), 0, 0, 1,
        (k.status = 'NO_SHOW')::int, (k.status in ('CHECKED_IN', 'AWAY', 'COMPLETED', 'NO_SHOW'))::int
      from kept k
      cross join params p
      cross join bounds
      where k.start_time >= bounds.range_start
    ),
    totals as (
      select ${factKey} as key, sum(f.open_secs) as open_secs, sum(f.booked_secs) as booked_secs,
        sum(f.reservations) as reservations, sum(f.no_shows) as no_shows, sum(f.due) as due
      from facts f join branches b on b.id = f.branch_id
      group by 1
    ),
    keys as (${allKeys})
    select k.key,
      coalesce(t.open_secs, 0)::float8 as "openSeconds",
      coalesce(t.booked_secs, 0)::float8 as "bookedSeconds",
      coalesce(t.reservations, 0)::int as reservations,
      coalesce(t.no_shows, 0)::int as "noShows",
      coalesce(t.due, 0)::int as due
    from keys k left join totals t on t.key = k.key`;
}

const round = (value: number, places: number) => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};

/** A share that is 0, never NaN or Infinity, when there is nothing to divide by. */
const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : 0);

export function toReportRow(t: Totals): ReportRow {
  return {
    key: t.key,
    reservations: t.reservations,
    bookedHours: round(t.bookedSeconds / 3600, 2),
    openHours: round(t.openSeconds / 3600, 2),
    utilisation: ratio(t.bookedSeconds, t.openSeconds),
    noShows: t.noShows,
    noShowRate: ratio(t.noShows, t.due),
  };
}

/** Code-point order: the same on every database and collation (names sort, days and hours read in order). */
const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The report for local dates `from`…`to` (both included) in `zone`, one row per key. */
export async function report(db: Database, input: ReportInput, zone: string): Promise<ReportRow[]> {
  const rows = await db.transaction(async (tx) => {
    // The planner cannot see how few rows generate_series and the CTEs yield, so its cost
    // estimate crosses jit_above_cost and Postgres spends seconds compiling a query that runs
    // in milliseconds (measured: 6 s of JIT for 20 ms of work). PGlite ignores the setting.
    await tx.execute(sql`set local jit = off`);
    return rowsOf<Totals>(await tx.execute(reportQuery(input, zone)));
  });
  return rows.sort(byKey).map(toReportRow);
}
