import { ACTIVE_RESERVATION_STATUSES, reservations, seats } from "@dlsms/db";
import { and, gt, inArray, lt, type SQL, sql } from "drizzle-orm";

/** Reservations that hold their seat during [from, to): active and overlapping (half-open). */
export function activeOverlapping(from: Date, to: Date): SQL {
  return and(
    inArray(reservations.status, [...ACTIVE_RESERVATION_STATUSES]),
    lt(reservations.startTime, to),
    gt(reservations.endTime, from),
  ) as SQL;
}

/**
 * `seats.available` for a window: the seat is bookable (ACTIVE) and no active reservation
 * overlaps. Written as a correlated NOT EXISTS with plain range predicates so the partial
 * btree index (seat_id, start_time, end_time) answers it.
 */
export function seatFreeDuring(from: Date, to: Date): SQL<boolean> {
  return sql<boolean>`(${seats.status} = 'ACTIVE' and not exists (
    select 1 from ${reservations}
    where ${reservations.seatId} = ${seats.id} and ${activeOverlapping(from, to)}
  ))`;
}

/**
 * A JS instant as a SQL timestamptz value. Raw `sql` templates must not bind Date objects:
 * postgres.js (as drizzle configures it) only serialises strings for timestamp parameters.
 */
export const pgTime = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;
