import { branches, type Database, reservations, seats } from "@dlsms/db";
import type { SeatsListInput } from "@dlsms/validators";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound, RuleViolation } from "../errors";
import { addMinutes, libraryDay, parseLibraryTime } from "../time";
import { activeOverlapping, seatFreeDuring } from "./availability";
import { rowsOf } from "./offers";
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
 * `db.execute`, so rows go out as they come back: on uncached seat discovery (250 rows per
 * branch) drizzle's per-cell result mapping was ~13 % of the server's CPU (--cpu-prof).
 */
function selectSeats(window: Window, where: SQL | undefined, limit?: number): SQL {
  return sql`select ${seats.id} as "id", ${seats.code} as "code", ${branches.name} as "branch",
      ${seats.area} as "area", ${seats.hasPower} as "hasPower", ${seats.hasMonitor} as "hasMonitor",
      ${seats.status} as "status", ${seatFreeDuring(window.from, window.to)} as "available"
    from ${seats} inner join ${branches} on ${eq(branches.id, seats.branchId)}
    ${where ? sql`where ${where}` : sql``}
    order by ${seats.id}${limit === undefined ? sql`` : sql` limit ${limit}`}`;
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
  if (input.availableOnly) filters.push(seatFreeDuring(window.from, window.to));
  return rowsOf<SeatView>(await db.execute(selectSeats(window, and(...filters))));
}

export async function findSeat(db: Database, id: number, window: Window): Promise<SeatView> {
  const [seat] = rowsOf<SeatView>(await db.execute(selectSeats(window, eq(seats.id, id), 1)));
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
    })
    .from(reservations)
    .where(and(eq(reservations.seatId, seatId), activeOverlapping(window.from, window.to)))
    .orderBy(asc(reservations.startTime));
  // Other students' identities are never exposed: only the interval and whether it is yours.
  return rows.map((r) => ({
    startTime: iso(r.startTime),
    endTime: iso(r.endTime),
    mine: r.userId === viewerId,
  }));
}

/** A seat, its availability now → +1 h, and the busy intervals of today (library time). */
export async function getSeat(db: Database, id: number, viewerId: number, rules: BookingRules) {
  const now = new Date();
  const seat = await findSeat(db, id, { from: now, to: addMinutes(now, 60) });
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
  const seat = await findSeat(db, input.seatId, window);
  return {
    seatId: seat.id,
    from: iso(window.from),
    to: iso(window.to),
    available: seat.available,
    busy: await busyIntervals(db, seat.id, window, viewerId),
  };
}
