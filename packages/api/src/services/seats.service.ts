import { branches, type Database, MAX_RESERVATION_HOURS, reservations, rowsOf, seats } from "@dlsms/db";
import type { SeatsListInput } from "@dlsms/validators";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound, RuleViolation } from "../errors";
import { addMinutes, libraryDay, parseLibraryTime } from "../time";
import { activeOverlapping, pgTime, seatFreeDuring } from "./availability";
import { openDuringSql } from "./opening-hours";
import { ACTIVE_SQL } from "./reservation-queries";
import { type BusyInterval, iso, type SeatView } from "./views";

export interface Window {
  from: Date;
  to: Date;
}

const MAX_WINDOW_DAYS = 31;

/** Parses and checks a window from wire strings; default: now → +1 h. */
export function resolveWindow(
  start: string | undefined,
  end: string | undefined,
  rules: BookingRules,
  names: [string, string] = ["startTime", "endTime"],
): Window {
  if (start === undefined || end === undefined) {
    const now = new Date();
    return { from: now, to: addMinutes(now, 60) };
  }
  const from = parseLibraryTime(start, rules.libraryTimezone, names[0]);
  const to = parseLibraryTime(end, rules.libraryTimezone, names[1]);
  if (to <= from) throw new RuleViolation(`${names[1]} must be after ${names[0]}`);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 24 * 60 * 60_000) {
    throw new RuleViolation(`The time window can span at most ${MAX_WINDOW_DAYS} days`);
  }
  return { from, to };
}

/**
 * Seats in their wire shape (SeatView), with availability for `window`. Plain SQL through
 * `db.execute`, so rows go out as they come back: drizzle's per-cell result mapping costs CPU
 * for every cell of every row of a listing (see docs/performance-log.md).
 */
function selectSeats(window: Window, where: SQL | undefined, options: SeatQueryOptions): SQL {
  const availability = options.branch ? busyInBranch(options.branch, window) : undefined;
  // A seat is available only while its branch is open throughout the window (opening hours).
  const available = sql`(open_branch.open and ${availability?.available ?? seatFreeDuring(window.from, window.to)})`;
  // A retired seat is out of the catalogue: no listing or lookup shows it (its row stays for history).
  const filters = [
    sql`${seats.status} <> 'RETIRED'`,
    where,
    options.availableOnly ? available : undefined,
  ].filter((f) => f !== undefined);
  return sql`select ${seats.id} as "id", ${seats.code} as "code", ${branches.name} as "branch",
      ${seats.area} as "area", ${seats.hasPower} as "hasPower", ${seats.hasMonitor} as "hasMonitor",
      ${seats.status} as "status", ${available} as "available"
    from ${seats} inner join ${branches} on ${eq(branches.id, seats.branchId)}
    inner join (select b.id, ${openDuringSql(sql`b.id`, window.from, window.to, options.zone)} as open
      from ${branches} b${options.branch === undefined ? sql`` : sql` where b.name = ${options.branch}`}) open_branch
      on open_branch.id = ${seats.branchId}
    ${availability?.join ?? sql``}
    ${filters.length > 0 ? sql`where ${and(...filters)}` : sql``}
    order by ${seats.id}${options.limit === undefined ? sql`` : sql` limit ${options.limit}`}`;
}

interface SeatQueryOptions {
  /** The library's zone, in which opening hours are wall times. */
  zone: string;
  /** Listing one branch: availability from that branch's reservations in start order. */
  branch?: string;
  availableOnly?: boolean;
  limit?: number;
}

/**
 * The seats of one branch busy during the window, as ONE range scan of the branch's active
 * reservations in start order (index reservations_active_branch_time_idx), instead of one
 * index probe per seat (seatFreeDuring), which costs far more for a whole branch (see
 * docs/performance-log.md). Exact because no reservation lasts longer than MAX_RESERVATION_HOURS (a
 * CHECK constraint): one that overlaps [from, to) started after from minus that bound.
 */
export function busySeatsOfBranch(branch: string, window: Window): SQL {
  const earliestStart = new Date(window.from.getTime() - MAX_RESERVATION_HOURS * 3_600_000);
  return sql`select distinct r.seat_id from ${reservations} r
    where r.branch_id = (select id from ${branches} where name = ${branch})
      and r.status in (${ACTIVE_SQL})
      and r.start_time > ${pgTime(earliestStart)} and r.start_time < ${pgTime(window.to)}
      and r.end_time > ${pgTime(window.from)}`;
}

function busyInBranch(branch: string, window: Window) {
  return {
    join: sql`left join (${busySeatsOfBranch(branch, window)}) busy on busy.seat_id = ${seats.id}`,
    available: sql`(${seats.status} = 'ACTIVE' and busy.seat_id is null)`,
  };
}

export async function listSeats(
  db: Database,
  input: SeatsListInput,
  rules: BookingRules,
): Promise<SeatView[]> {
  const window = resolveWindow(input.startTime, input.endTime, rules);
  const filters: SQL[] = [];
  if (input.branch) filters.push(eq(branches.name, input.branch));
  if (input.area) filters.push(eq(seats.area, input.area));
  if (input.hasPower !== undefined) filters.push(eq(seats.hasPower, input.hasPower));
  if (input.hasMonitor !== undefined) filters.push(eq(seats.hasMonitor, input.hasMonitor));
  const query = selectSeats(window, and(...filters), {
    zone: rules.libraryTimezone,
    branch: input.branch,
    availableOnly: input.availableOnly,
  });
  return rowsOf<SeatView>(await db.execute(query));
}

export async function findSeat(db: Database, id: number, window: Window, zone: string): Promise<SeatView> {
  const [seat] = rowsOf<SeatView>(
    await db.execute(selectSeats(window, eq(seats.id, id), { zone, limit: 1 })),
  );
  if (!seat) throw new NotFound(`Seat ${id} does not exist`);
  return seat;
}

export async function busyIntervals(
  db: Database,
  seatId: number,
  window: Window,
  viewerId: number,
): Promise<BusyInterval[]> {
  const rows = await db
    .select({
      startTime: reservations.startTime,
      endTime: reservations.endTime,
      userId: reservations.userId,
      status: reservations.status,
      awayUntil: reservations.awayUntil,
    })
    .from(reservations)
    .where(and(eq(reservations.seatId, seatId), activeOverlapping(window.from, window.to)))
    .orderBy(asc(reservations.startTime));
  // Other students' identities are never exposed: only the interval and whether it is yours.
  return rows.map((r) => ({
    startTime: iso(r.startTime),
    endTime: iso(r.endTime),
    mine: r.userId === viewerId,
    ...(r.status === "AWAY" && r.awayUntil ? { awayUntil: iso(r.awayUntil) } : {}),
  }));
}

/** A seat, its availability now → +1 h, and the busy intervals of today (library time). */
export async function getSeat(db: Database, id: number, viewerId: number, rules: BookingRules) {
  const now = new Date();
  const seat = await findSeat(db, id, { from: now, to: addMinutes(now, 60) }, rules.libraryTimezone);
  const day = libraryDay(now, rules.libraryTimezone);
  return {
    ...seat,
    day: { from: iso(day.from), to: iso(day.to) },
    busy: await busyIntervals(db, id, day, viewerId),
  };
}

export async function seatAvailability(
  db: Database,
  input: { seatId: number; from: string; to: string },
  viewerId: number,
  rules: BookingRules,
) {
  const window = resolveWindow(input.from, input.to, rules, ["from", "to"]);
  const seat = await findSeat(db, input.seatId, window, rules.libraryTimezone);
  return {
    seatId: seat.id,
    from: iso(window.from),
    to: iso(window.to),
    available: seat.available,
    busy: await busyIntervals(db, seat.id, window, viewerId),
  };
}
