import {
  ACTIVE_RESERVATION_STATUSES,
  type Database,
  type Reservation,
  reservations,
  rowsOf,
} from "@dlsms/db";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound } from "../errors";
import { addMinutes } from "../time";
import { pgTime } from "./availability";
import type { ReservationView } from "./views";

/** The active statuses as SQL literals (constants, not user input): 'HELD', 'CONFIRMED', … */
export const ACTIVE_SQL = sql.raw(ACTIVE_RESERVATION_STATUSES.map((s) => `'${s}'`).join(", "));

export interface MyReservationView extends ReservationView {
  seatCode: string;
  branch: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
  /** The check-in window under the server's configuration, so clients need not guess it. */
  checkInOpensAt: string;
  checkInClosesAt: string;
  /** Why the library cancelled it (staff or maintenance), from the student's notification. */
  cancelReason: string | null;
  /** While AWAY: when the break runs out (then the sweeper ends the reservation). */
  awayUntil: string | null;
  /** Away breaks taken so far (at most AWAY_BREAKS). */
  awayBreaks: number;
}

/**
 * A timestamptz as the API's ISO 8601 UTC string, milliseconds truncated exactly as
 * Date#toISOString truncates the driver's microseconds. Formatting in SQL spares the server a
 * Date parse and a toISOString per timestamp per row: on `reservations.mine` that work, and
 * drizzle's per-column result mapping, cost more server CPU than the query itself.
 */
export const iso = (expr: SQL): SQL =>
  sql`to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const col = (name: string): SQL => sql.raw(name);

/**
 * The reason is only kept in the RESERVATION_CANCELLED notification the library sent; it is looked
 * up for cancelled rows alone (CASE skips the subquery otherwise), over the user's notification index.
 */
const cancelReason = sql`case when r.status = 'CANCELLED' then (select n.payload->>'reason'
    from notifications n where n.user_id = r.user_id and n.type = 'RESERVATION_CANCELLED'
    and n.payload->>'reservationId' = r.id::text order by n.id desc limit 1) end`;

/**
 * The select list and joins of a MyReservationView, named and typed as the wire shape, so rows
 * go out as they come back. The check-in window is checkInWindow's minute arithmetic (exact on
 * timestamptz), and the branch name comes from a join, not a correlated subquery per row.
 */
function selectMyReservations(rules: BookingRules): SQL {
  return sql`select r.id, r.seat_id as "seatId", r.user_id as "userId",
    ${iso(col("r.start_time"))} as "startTime", ${iso(col("r.end_time"))} as "endTime", r.status,
    ${iso(col("r.checked_in_at"))} as "checkedInAt", ${iso(col("r.expires_at"))} as "expiresAt",
    ${iso(col("r.created_at"))} as "createdAt", r.series_id as "seriesId",
    ${iso(sql`r.start_time - ${rules.checkInEarlyMinutes}::int * interval '1 minute'`)} as "checkInOpensAt",
    ${iso(sql`r.start_time + ${rules.graceMinutes}::int * interval '1 minute'`)} as "checkInClosesAt",
    s.code as "seatCode", b.name as branch, s.area, s.has_power as "hasPower", s.has_monitor as "hasMonitor",
    ${cancelReason} as "cancelReason",
    case when r.status = 'AWAY' then ${iso(col("r.away_until"))} end as "awayUntil", r.away_breaks as "awayBreaks"
    from reservations r join seats s on s.id = r.seat_id join branches b on b.id = s.branch_id`;
}

export async function myReservations(
  db: Database,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservationView[]> {
  // The status list is literal SQL, written like the partial indexes' predicate, so that a
  // prepared (generic) plan can still prove the predicate and use them.
  const query = upcomingOnly
    ? sql`${selectMyReservations(rules)}
        where r.user_id = ${userId} and r.status in (${ACTIVE_SQL}) and r.end_time > ${pgTime(new Date())}
        order by r.start_time asc limit 500`
    : sql`${selectMyReservations(rules)} where r.user_id = ${userId} order by r.start_time desc limit 500`;
  return rowsOf<MyReservationView>(await db.execute(query));
}

/** The caller's own reservation; someone else's is indistinguishable from a missing one. */
export async function findOwnReservation(db: Database, userId: number, id: number): Promise<Reservation> {
  const [row] = await db
    .select()
    .from(reservations)
    .where(and(eq(reservations.id, id), eq(reservations.userId, userId)))
    .limit(1);
  if (!row) throw new NotFound(`Reservation ${id} not found`);
  return row;
}

export async function getReservation(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
): Promise<MyReservationView> {
  const [row] = rowsOf<MyReservationView>(
    await db.execute(sql`${selectMyReservations(rules)} where r.id = ${id} and r.user_id = ${userId}`),
  );
  if (!row) throw new NotFound(`Reservation ${id} not found`);
  return row;
}

/** selectMyReservations computes the same window in SQL: change both together. */
export function checkInWindow(r: Pick<Reservation, "startTime">, rules: BookingRules) {
  return {
    opensAt: addMinutes(r.startTime, -rules.checkInEarlyMinutes),
    closesAt: addMinutes(r.startTime, rules.graceMinutes),
  };
}
