import { type Database, reservations } from "@dlsms/db";
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { pgTime } from "./availability";
import { endExpiredBreaks, remindBreaksEnding } from "./away-sweep";
import { Effects } from "./events";
import { pruneIdempotencyKeys } from "./idempotency";
import { reopenEndedMaintenance } from "./maintenance.service";
import { createNotification } from "./notifications.service";
import { seatFreed } from "./offers";
import { lockStudent, notifySuspension, recordStrike } from "./standing.service";
import { endOffer } from "./waitlist.service";

export interface SweepResult {
  noShows: number;
  completed: number;
  expiredOffers: number;
  reminders: number;
  /** Seats whose maintenance closure ended, bookable again. */
  reopenedSeats: number;
  /** Reservations ended because their away break ran out (the seat offered to the waitlist). */
  breaksEnded: number;
  /** "Your break ends in 5 minutes" reminders sent. */
  breakReminders: number;
  /** Idempotency keys past their 24 hours, deleted. */
  prunedIdempotencyKeys: number;
}

const BATCH = 200;

/**
 * One pass of the lifecycle sweeper. Every transition is a conditional UPDATE … RETURNING on
 * the row's current status, so any number of server instances can sweep at once: each row
 * changes once, and only the instance whose UPDATE returned it notifies and offers.
 * Returns the Effects to flush (after commit) and the counts.
 */
export async function runSweep(
  db: Database,
  rules: BookingRules,
  now = new Date(),
): Promise<{ result: SweepResult; effects: Effects }> {
  const effects = new Effects();
  const result: SweepResult = {
    noShows: 0,
    completed: 0,
    expiredOffers: 0,
    reminders: 0,
    reopenedSeats: 0,
    breaksEnded: 0,
    breakReminders: 0,
    prunedIdempotencyKeys: 0,
  };

  // CONFIRMED and not checked in once start + grace has passed → NO_SHOW; the rest of the slot
  // goes to the waitlist in the same transaction.
  const dueNoShows = await db
    .select({ id: reservations.id, userId: reservations.userId })
    .from(reservations)
    .where(
      and(
        eq(reservations.status, "CONFIRMED"),
        sql`${reservations.startTime} + make_interval(mins => ${rules.graceMinutes}) < ${pgTime(now)}`,
      ),
    )
    .limit(BATCH);
  for (const { id, userId } of dueNoShows) {
    await db.transaction(async (tx) => {
      await lockStudent(tx, userId); // before the reservation: the order bookings lock in
      const [row] = await tx
        .update(reservations)
        .set({ status: "NO_SHOW" })
        .where(
          and(
            eq(reservations.id, id),
            eq(reservations.status, "CONFIRMED"),
            sql`${reservations.startTime} + make_interval(mins => ${rules.graceMinutes}) < ${pgTime(now)}`,
          ),
        )
        .returning();
      if (!row) return; // another instance (or a check-in) got there first
      result.noShows++;
      // Each NO_SHOW is a strike, counted in this transaction: once, whichever instance marked it.
      const strike = await recordStrike(tx, row, rules);
      effects.notify(
        await createNotification(tx, row.userId, "NO_SHOW", {
          reservationId: row.id,
          seatId: row.seatId,
          startTime: row.startTime.toISOString(),
          endTime: row.endTime.toISOString(),
          strike: strike.strike,
          strikeLimit: strike.strikeLimit,
        }),
      );
      await notifySuspension(tx, row.userId, strike, effects);
      await seatFreed(tx, row, "no_show", rules, effects, { from: now });
    });
  }

  // CHECKED_IN past its end → COMPLETED. Time freed nothing: no offers.
  const completed = await db
    .update(reservations)
    .set({ status: "COMPLETED" })
    .where(and(eq(reservations.status, "CHECKED_IN"), lte(reservations.endTime, now)))
    .returning({ id: reservations.id, seatId: reservations.seatId, userId: reservations.userId });
  result.completed = completed.length;
  for (const row of completed) effects.seat(row.seatId, "completed", row.userId);

  // HELD offers past expiry → EXPIRED, and the offer moves on to the next waiter.
  const lapsed = await db
    .select({ id: reservations.id, userId: reservations.userId, seatId: reservations.seatId })
    .from(reservations)
    .where(and(eq(reservations.status, "HELD"), lte(reservations.expiresAt, now)))
    .limit(BATCH);
  for (const offer of lapsed) {
    await db.transaction(async (tx) => {
      const ended = await endOffer(tx, offer.id, "EXPIRED", rules, effects, now);
      if (!ended) return;
      result.expiredOffers++;
      effects.notify(
        await createNotification(tx, ended.userId, "OFFER_EXPIRED", {
          reservationId: ended.id,
          seatId: ended.seatId,
        }),
      );
    });
  }

  // A reminder shortly before start, once per reservation.
  await db.transaction(async (tx) => {
    const due = await tx
      .update(reservations)
      .set({ remindedAt: now })
      .where(
        and(
          eq(reservations.status, "CONFIRMED"),
          isNull(reservations.remindedAt),
          sql`${reservations.startTime} - make_interval(mins => ${rules.reminderMinutes}) <= ${pgTime(now)}`,
          sql`${reservations.startTime} + make_interval(mins => ${rules.graceMinutes}) >= ${pgTime(now)}`,
        ),
      )
      .returning();
    for (const r of due) {
      result.reminders++;
      effects.notify(
        await createNotification(tx, r.userId, "CHECK_IN_REMINDER", {
          reservationId: r.id,
          seatId: r.seatId,
          startTime: r.startTime.toISOString(),
          checkInClosesAt: new Date(r.startTime.getTime() + rules.graceMinutes * 60_000).toISOString(),
        }),
      );
    }
  });

  result.reopenedSeats = await reopenEndedMaintenance(db, now, effects);
  result.breaksEnded = await endExpiredBreaks(db, rules, now, effects);
  result.breakReminders = await remindBreaksEnding(db, now, effects);
  result.prunedIdempotencyKeys = await pruneIdempotencyKeys(db, now);

  return { result, effects };
}
