import { ACTIVE_RESERVATION_STATUSES, type Database, reservations, seats } from "@dlsms/db";
import type { CreateReservationInput } from "@dlsms/validators";
import { and, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, NotFound, RuleViolation } from "../errors";
import { addMinutes, formatForPeople, parseLibraryTime } from "../time";
import { activeOverlapping } from "./availability";
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
