import { type Database, type Reservation, reservations } from "@dlsms/db";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { RuleViolation } from "../errors";
import { formatForPeople } from "../time";
import { pgTime } from "./availability";
import type { Effects } from "./events";
import { findOwnReservation } from "./reservation-queries";
import { isoOrNull, type ReservationView, toReservationView } from "./views";

/** A reservation as the away break shows it: when the break ends, and how many were taken. */
export interface AwayView extends ReservationView {
  awayUntil: string | null;
  awayBreaks: number;
}

export const toAwayView = (r: Reservation): AwayView => ({
  ...toReservationView(r),
  awayUntil: isoOrNull(r.awayUntil),
  awayBreaks: r.awayBreaks,
});

/**
 * "Step away": a CHECKED_IN reservation goes AWAY until now + minutes. The seat stays the
 * student's (AWAY is an active status); if they are not back when the break runs out, the sweeper
 * ends the reservation and offers the seat (away-sweep.ts). A break never outlasts the
 * reservation: it is cut at the reservation's end rather than refused, since the student loses
 * nothing by it. One conditional UPDATE, so simultaneous calls take one break between them.
 */
export async function stepAway(
  db: Database,
  userId: number,
  id: number,
  minutes: number,
  rules: BookingRules,
  effects: Effects,
): Promise<AwayView> {
  if (minutes > rules.awayMaxMinutes) {
    throw new RuleViolation(`A break lasts at most ${rules.awayMaxMinutes} minutes`);
  }
  const now = new Date();
  const [row] = await db
    .update(reservations)
    .set({
      status: "AWAY",
      awayUntil: sql`least(${reservations.endTime}, ${pgTime(now)} + make_interval(mins => ${minutes}))`,
      awayBreaks: sql`${reservations.awayBreaks} + 1`,
      awayRemindedAt: null,
    })
    .where(
      and(
        eq(reservations.id, id),
        eq(reservations.userId, userId),
        eq(reservations.status, "CHECKED_IN"),
        lt(reservations.awayBreaks, rules.awayBreaks),
        gt(reservations.endTime, now),
      ),
    )
    .returning();
  if (row) {
    effects.seat(row.seatId, "away", row.userId);
    return toAwayView(row);
  }

  const current = await findOwnReservation(db, userId, id);
  const zone = rules.libraryTimezone;
  if (current.status === "AWAY" && current.awayUntil) {
    throw new RuleViolation(`You are already away until ${formatForPeople(current.awayUntil, zone)}`);
  }
  if (current.status !== "CHECKED_IN") {
    throw new RuleViolation("Only a checked-in reservation can step away: check in first");
  }
  if (current.awayBreaks >= rules.awayBreaks) {
    throw new RuleViolation(
      rules.awayBreaks === 0
        ? "Breaks are not allowed"
        : `You have taken all ${rules.awayBreaks} breaks this reservation allows`,
    );
  }
  throw new RuleViolation("This reservation has ended");
}

/**
 * "I'm back" (or a scan of the seat): AWAY → CHECKED_IN, only while the break lasts. The sweeper
 * ends a break that ran out with a conditional UPDATE of its own, so exactly one of the two wins.
 */
export async function comeBack(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
  effects: Effects,
): Promise<AwayView> {
  const now = new Date();
  const [row] = await db
    .update(reservations)
    .set({ status: "CHECKED_IN", awayUntil: null, awayRemindedAt: null })
    .where(
      and(
        eq(reservations.id, id),
        eq(reservations.userId, userId),
        eq(reservations.status, "AWAY"),
        gt(reservations.awayUntil, now),
      ),
    )
    .returning();
  if (row) {
    effects.seat(row.seatId, "back", row.userId);
    return toAwayView(row);
  }

  const current = await findOwnReservation(db, userId, id);
  if (current.status === "AWAY" && current.awayUntil) {
    throw new RuleViolation(
      `Your break ran out at ${formatForPeople(current.awayUntil, rules.libraryTimezone)}: the reservation has ended`,
    );
  }
  if (current.status === "COMPLETED" && current.awayUntil) {
    throw new RuleViolation("Your break ran out: the reservation has ended and the seat was given up");
  }
  throw new RuleViolation("This reservation is not on a break");
}
