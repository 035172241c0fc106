import { type Database, reservations } from "@dlsms/db";
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { addMinutes } from "../time";
import { pgTime } from "./availability";
import type { Effects } from "./events";
import { createNotification } from "./notifications.service";
import { seatFreed } from "./offers";

/** The student hears this long before their break runs out (once per break). */
export const AWAY_REMINDER_MINUTES = 5;

const BATCH = 200;

/**
 * The sweeper's away-break passes (issue 21). A break that ran out ends its reservation at the
 * moment it ran out (COMPLETED, end_time = away_until), the student is told why, and the rest of
 * the slot goes to the waitlist in the same transaction, as a no-show's does. Each change is a
 * conditional UPDATE on status AWAY, so concurrent sweepers, and a student's "I'm back" racing
 * one, change a row once: whoever's UPDATE returned it acts.
 */
export async function endExpiredBreaks(
  db: Database,
  rules: BookingRules,
  now: Date,
  effects: Effects,
): Promise<number> {
  const due = await db
    .select({ id: reservations.id })
    .from(reservations)
    .where(and(eq(reservations.status, "AWAY"), lte(reservations.awayUntil, now)))
    .limit(BATCH);
  let ended = 0;
  for (const { id } of due) {
    await db.transaction(async (tx) => {
      const expired = and(
        eq(reservations.id, id),
        eq(reservations.status, "AWAY"),
        lte(reservations.awayUntil, now),
      );
      const [before] = await tx
        .select({ endTime: reservations.endTime })
        .from(reservations)
        .where(expired)
        .for("update");
      if (!before) return; // another instance (or the student's "I'm back") got there first
      const [row] = await tx
        .update(reservations)
        .set({
          status: "COMPLETED",
          // A break taken while checked in early can end before the start: keep end > start.
          endTime: sql`greatest(${reservations.awayUntil}, ${reservations.startTime} + interval '1 second')`,
        })
        .where(expired)
        .returning();
      if (!row) return;
      ended++;
      // A break cut at the reservation's end lost the student nothing: it simply ended.
      if (row.endTime >= before.endTime) {
        effects.seat(row.seatId, "away_ended", row.userId);
        return;
      }
      effects.notify(
        await createNotification(tx, row.userId, "AWAY_ENDED", {
          reservationId: row.id,
          seatId: row.seatId,
          awayUntil: row.awayUntil?.toISOString() ?? null,
          endTime: row.endTime.toISOString(),
          reason: "Your break ran out before you came back, so the seat was given up",
        }),
      );
      await seatFreed(tx, row, "away_ended", rules, effects, { from: row.endTime, to: before.endTime });
    });
  }
  return ended;
}

/** "5 minutes left": once per break (each new break clears away_reminded_at). */
export async function remindBreaksEnding(db: Database, now: Date, effects: Effects): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .update(reservations)
      .set({ awayRemindedAt: now })
      .where(
        and(
          eq(reservations.status, "AWAY"),
          isNull(reservations.awayRemindedAt),
          lte(reservations.awayUntil, addMinutes(now, AWAY_REMINDER_MINUTES)),
          sql`${reservations.awayUntil} > ${pgTime(now)}`,
        ),
      )
      .returning();
    for (const r of due) {
      effects.notify(
        await createNotification(tx, r.userId, "AWAY_REMINDER", {
          reservationId: r.id,
          seatId: r.seatId,
          awayUntil: r.awayUntil?.toISOString() ?? null,
        }),
      );
    }
    return due.length;
  });
}
