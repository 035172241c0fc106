import { ACTIVE_RESERVATION_STATUSES, type Database, type Reservation, reservations, seats } from "@dlsms/db";
import type { CreateReservationInput } from "@dlsms/validators";
import { and, asc, count, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, NotFound, RuleViolation } from "../errors";
import { addMinutes, formatForPeople, parseLibraryTime } from "../time";
import { activeOverlapping } from "./availability";
import type { Effects } from "./events";
import { offerFreedSlot } from "./offers";
import { type ReservationView, toReservationView } from "./views";

const active = [...ACTIVE_RESERVATION_STATUSES];

/** The booking rules that need no database: each violation says what to change. */
export function checkBookingTimes(start: Date, end: Date, now: Date, rules: BookingRules): void {
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  const zone = rules.libraryTimezone;
  if (end <= start) throw new RuleViolation("The end time must be after the start time");
  if (minutes < rules.minDurationMinutes) {
    throw new RuleViolation(`A reservation must last at least ${rules.minDurationMinutes} minutes`);
  }
  if (minutes > rules.maxDurationMinutes) {
    throw new RuleViolation(`A reservation can last at most ${rules.maxDurationMinutes / 60} hours`);
  }
  if (start < addMinutes(now, -rules.pastToleranceMinutes)) {
    throw new RuleViolation(`The start time ${formatForPeople(start, zone)} is in the past`);
  }
  if (start > addMinutes(now, rules.maxAdvanceDays * 24 * 60)) {
    throw new RuleViolation(`You can book at most ${rules.maxAdvanceDays} days ahead`);
  }
}

export async function createReservation(
  db: Database,
  userId: number,
  input: CreateReservationInput,
  rules: BookingRules,
): Promise<ReservationView> {
  const zone = rules.libraryTimezone;
  const start = parseLibraryTime(input.startTime, zone, "startTime");
  const end = parseLibraryTime(input.endTime, zone, "endTime");
  const now = new Date();
  checkBookingTimes(start, end, now, rules);

  const row = await db.transaction(async (tx) => {
    const [seat] = await tx
      .select({ id: seats.id, code: seats.code, status: seats.status })
      .from(seats)
      .where(eq(seats.id, input.seatId))
      .limit(1);
    if (!seat) throw new NotFound(`Seat ${input.seatId} does not exist`);
    if (seat.status !== "ACTIVE") {
      throw new RuleViolation(`Seat ${seat.code} is under maintenance and cannot be booked right now`);
    }

    // Serialise this student's bookings so the upcoming-count rule holds under concurrency.
    await tx.execute(sql`select 1 from users where id = ${userId} for no key update`);
    const [upcoming] = await tx
      .select({ n: count() })
      .from(reservations)
      .where(
        and(
          eq(reservations.userId, userId),
          inArray(reservations.status, active),
          gt(reservations.endTime, now),
        ),
      );
    if ((upcoming?.n ?? 0) >= rules.maxUpcomingReservations) {
      throw new RuleViolation(
        `You already have ${rules.maxUpcomingReservations} upcoming reservations, the most allowed. Cancel one to book another.`,
      );
    }

    // ON CONFLICT DO NOTHING against the EXCLUDE constraints: losers of a race get no row
    // instead of an error (no 23P01, no deadlock-prone aborts), and we explain why below.
    const [inserted] = await tx
      .insert(reservations)
      .values({ userId, seatId: seat.id, startTime: start, endTime: end, status: "CONFIRMED" })
      .onConflictDoNothing()
      .returning();
    if (inserted) return inserted;
    throw await explainConflict(tx, userId, seat.code, start, end, zone);
  });
  return toReservationView(row);
}

async function explainConflict(
  db: Database,
  userId: number,
  seatCode: string,
  start: Date,
  end: Date,
  zone: string,
): Promise<Conflict> {
  const [own] = await db
    .select({ startTime: reservations.startTime, endTime: reservations.endTime, code: seats.code })
    .from(reservations)
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .where(and(eq(reservations.userId, userId), activeOverlapping(start, end)))
    .limit(1);
  if (own) {
    return new Conflict(
      `You already have a reservation for seat ${own.code} from ${formatForPeople(own.startTime, zone)} to ${formatForPeople(own.endTime, zone)} that overlaps this time`,
    );
  }
  return new Conflict(`Seat ${seatCode} is already booked for part of that time. Pick another time or seat.`);
}

export interface MyReservationView extends ReservationView {
  seatCode: string;
  branch: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
  /** The check-in window under the server's configuration, so clients need not guess it. */
  checkInOpensAt: string;
  checkInClosesAt: string;
}

function withCheckInWindow(r: Reservation, rules: BookingRules) {
  const { opensAt, closesAt } = checkInWindow(r, rules);
  return {
    ...toReservationView(r),
    checkInOpensAt: opensAt.toISOString(),
    checkInClosesAt: closesAt.toISOString(),
  };
}

const withSeat = sql<string>`(select b.name from branches b where b.id = ${seats.branchId})`;

export async function myReservations(
  db: Database,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservationView[]> {
  const now = new Date();
  const where = upcomingOnly
    ? and(
        eq(reservations.userId, userId),
        inArray(reservations.status, active),
        gt(reservations.endTime, now),
      )
    : eq(reservations.userId, userId);
  const rows = await db
    .select({
      r: reservations,
      seatCode: seats.code,
      branch: withSeat,
      area: seats.area,
      hasPower: seats.hasPower,
      hasMonitor: seats.hasMonitor,
    })
    .from(reservations)
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .where(where)
    .orderBy(upcomingOnly ? asc(reservations.startTime) : desc(reservations.startTime))
    .limit(500);
  return rows.map(({ r, ...seat }) => ({ ...withCheckInWindow(r, rules), ...seat }));
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
  const [row] = await db
    .select({
      r: reservations,
      seatCode: seats.code,
      branch: withSeat,
      area: seats.area,
      hasPower: seats.hasPower,
      hasMonitor: seats.hasMonitor,
    })
    .from(reservations)
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .where(and(eq(reservations.id, id), eq(reservations.userId, userId)))
    .limit(1);
  if (!row) throw new NotFound(`Reservation ${id} not found`);
  const { r, ...seat } = row;
  return { ...withCheckInWindow(r, rules), ...seat };
}

export function checkInWindow(r: Pick<Reservation, "startTime">, rules: BookingRules) {
  return {
    opensAt: addMinutes(r.startTime, -rules.checkInEarlyMinutes),
    closesAt: addMinutes(r.startTime, rules.graceMinutes),
  };
}

const statusWords: Record<string, string> = {
  HELD: "a waitlist offer you have not claimed yet",
  CONFIRMED: "confirmed",
  CHECKED_IN: "already checked in",
  COMPLETED: "completed",
  CANCELLED: "cancelled",
  NO_SHOW: "marked as a no-show",
  EXPIRED: "an offer that expired",
};

/** One conditional UPDATE: a concurrent sweeper or second click cannot double-apply it. */
export async function checkIn(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
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
  if (row) return toReservationView(row);

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
  const row = await db.transaction(async (tx) => {
    const [cancelled] = await tx
      .update(reservations)
      .set({ status: "CANCELLED" })
      .where(
        and(
          eq(reservations.id, id),
          eq(reservations.userId, userId),
          eq(reservations.status, "CONFIRMED"),
          sql`${now.toISOString()}::timestamptz <= ${reservations.startTime} + make_interval(mins => ${rules.graceMinutes})`,
        ),
      )
      .returning();
    if (cancelled) {
      effects.seat(cancelled.seatId, "cancelled");
      // Same transaction: the freed slot goes to the first waiter, or to nobody twice.
      await offerFreedSlot(
        tx,
        { seatId: cancelled.seatId, from: cancelled.startTime, to: cancelled.endTime },
        rules,
        effects,
      );
    }
    return cancelled;
  });
  if (row) return toReservationView(row);

  const current = await findOwnReservation(db, userId, id);
  if (current.status === "CHECKED_IN") {
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

/** "I'm leaving": ends a CHECKED_IN reservation now, freeing the rest of its slot at once. */
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
        and(eq(reservations.id, id), eq(reservations.userId, userId), eq(reservations.status, "CHECKED_IN")),
      )
      .for("update");
    if (!previous) return undefined;
    const [released] = await tx
      .update(reservations)
      .set({
        status: "COMPLETED",
        // Released before its start (checked in early): keep end > start for the CHECK.
        endTime: sql`least(${reservations.endTime}, greatest(now(), ${reservations.startTime} + interval '1 second'))`,
      })
      .where(and(eq(reservations.id, id), eq(reservations.status, "CHECKED_IN")))
      .returning();
    if (released) {
      effects.seat(released.seatId, "released");
      await offerFreedSlot(
        tx,
        { seatId: released.seatId, from: released.endTime, to: previous.endTime },
        rules,
        effects,
      );
    }
    return released;
  });
  if (row) return toReservationView(row);
  const current = await findOwnReservation(db, userId, id);
  throw new RuleViolation(
    `Only a checked-in reservation can be released; this one is ${statusWords[current.status] ?? current.status}`,
  );
}
