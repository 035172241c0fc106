import { type Database, type Reservation, reservations } from "@dlsms/db";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { RuleViolation } from "../errors";
import { formatForPeople } from "../time";
import { actingAs } from "./audit";
import type { Effects } from "./events";
import { seatFreed } from "./offers";
import { checkInWindow, findOwnReservation } from "./reservation-queries";
import { type ReservationView, toReservationView } from "./views";

const statusWords: Record<string, string> = {
  HELD: "a waitlist offer you have not claimed yet",
  CONFIRMED: "confirmed",
  CHECKED_IN: "already checked in",
  AWAY: "checked in, on a break",
  COMPLETED: "completed",
  CANCELLED: "cancelled",
  NO_SHOW: "marked as a no-show",
  EXPIRED: "an offer that expired",
};

/** The student holds the seat in person: checked in, or on a break from it. */
const SEATED: ("CHECKED_IN" | "AWAY")[] = ["CHECKED_IN", "AWAY"];

/** One conditional UPDATE: a concurrent sweeper or second click cannot double-apply it. */
export async function checkIn(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
  effects: Effects,
): Promise<ReservationView> {
  const now = new Date();
  const [row] = await db
    .update(reservations)
    .set({ status: "CHECKED_IN", checkedInAt: now })
    .where(
      and(
        eq(reservations.id, id),
        eq(reservations.userId, userId),
        eq(reservations.status, "CONFIRMED"),
        sql`${now.toISOString()}::timestamptz between ${reservations.startTime} - make_interval(mins => ${rules.checkInEarlyMinutes})
                       and ${reservations.startTime} + make_interval(mins => ${rules.graceMinutes})`,
      ),
    )
    .returning();
  if (row) {
    effects.seat(row.seatId, "checked_in", row.userId);
    return toReservationView(row);
  }

  const current = await findOwnReservation(db, userId, id);
  if (current.status !== "CONFIRMED") {
    throw new RuleViolation(
      `You cannot check in: this reservation is ${statusWords[current.status] ?? current.status}`,
    );
  }
  const { opensAt, closesAt } = checkInWindow(current, rules);
  const zone = rules.libraryTimezone;
  throw new RuleViolation(
    `Check-in is open from ${formatForPeople(opensAt, zone)} to ${formatForPeople(closesAt, zone)}` +
      (now < opensAt ? ": come back a little later" : ": that window has passed"),
  );
}

export async function cancel(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
  effects: Effects,
): Promise<ReservationView> {
  const now = new Date();
  const [row] = await db.transaction((tx) =>
    cancelConfirmed(
      tx,
      and(
        eq(reservations.id, id),
        eq(reservations.userId, userId),
        sql`${now.toISOString()}::timestamptz <= ${reservations.startTime} + make_interval(mins => ${rules.graceMinutes})`,
      ),
      rules,
      effects,
    ),
  );
  if (row) return toReservationView(row);

  const current = await findOwnReservation(db, userId, id);
  if (current.status === "CHECKED_IN" || current.status === "AWAY") {
    throw new RuleViolation("You are checked in: use “I'm leaving” (release) to end this reservation");
  }
  if (current.status === "HELD") {
    throw new RuleViolation("This is a waitlist offer: decline it instead of cancelling");
  }
  if (current.status !== "CONFIRMED") {
    throw new RuleViolation(
      `You cannot cancel: this reservation is ${statusWords[current.status] ?? current.status}`,
    );
  }
  throw new RuleViolation(
    `It is too late to cancel: the check-in window closed at ${formatForPeople(checkInWindow(current, rules).closesAt, rules.libraryTimezone)}`,
  );
}

/**
 * The student's cancel of the CONFIRMED reservations `which` selects (one, or a series' future
 * weeks), in the caller's transaction, in start order: each freed slot goes to the first waiter
 * in that same transaction, or to nobody twice. The audit trigger records each as cancelled.
 */
export async function cancelConfirmed(
  tx: Database,
  which: SQL | undefined,
  rules: BookingRules,
  effects: Effects,
): Promise<Reservation[]> {
  const cancelled = await tx
    .update(reservations)
    .set({ status: "CANCELLED" })
    .where(and(eq(reservations.status, "CONFIRMED"), which))
    .returning();
  cancelled.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  for (const row of cancelled) await seatFreed(tx, row, "cancelled", rules, effects);
  return cancelled;
}

/**
 * "I'm leaving": ends a CHECKED_IN reservation now, freeing the rest of its slot at once. A
 * student on a break (AWAY) may leave for good too, without coming back first.
 */
export async function release(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
  effects: Effects,
): Promise<ReservationView> {
  const row = await db.transaction(async (tx) => {
    const [previous] = await tx
      .select({ endTime: reservations.endTime })
      .from(reservations)
      .where(
        and(eq(reservations.id, id), eq(reservations.userId, userId), inArray(reservations.status, SEATED)),
      )
      .for("update");
    if (!previous) return undefined;
    // The trail tells the student's release from the sweeper's completion.
    await actingAs(tx, { action: "released", actorUserId: userId });
    const [released] = await tx
      .update(reservations)
      .set({
        status: "COMPLETED",
        // Released before its start (checked in early): keep end > start for the CHECK.
        endTime: sql`least(${reservations.endTime}, greatest(now(), ${reservations.startTime} + interval '1 second'))`,
        awayUntil: null,
      })
      .where(and(eq(reservations.id, id), inArray(reservations.status, SEATED)))
      .returning();
    if (released) {
      // Only the rest of the slot, from the release on.
      await seatFreed(tx, released, "released", rules, effects, {
        from: released.endTime,
        to: previous.endTime,
      });
    }
    return released;
  });
  if (row) return toReservationView(row);
  const current = await findOwnReservation(db, userId, id);
  throw new RuleViolation(
    `Only a checked-in reservation can be released; this one is ${statusWords[current.status] ?? current.status}`,
  );
}
