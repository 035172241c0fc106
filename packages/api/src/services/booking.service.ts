import { type Database, reservations, seats } from "@dlsms/db";
import type { CreateReservationInput } from "@dlsms/validators";
import { and, eq } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, type DomainError, NotFound, RuleViolation, SeatTaken } from "../errors";
import type { Attempt, LostRacesAt } from "../read-models/known-losses";
import { addMinutes, formatForPeople, parseLibraryTime } from "../time";
import { activeOverlapping } from "./availability";
import { type AttemptRow, bookingStatements } from "./booking-batches";
import type { Effects } from "./events";
import { closedRefusal } from "./opening-hours";
import type { ReservationView } from "./views";

/** The duration rules: end after start, within the configured minimum and maximum. */
export function checkDuration(start: Date, end: Date, rules: BookingRules): void {
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (end <= start) throw new RuleViolation("The end time must be after the start time");
  if (minutes < rules.minDurationMinutes) {
    throw new RuleViolation(`A reservation must last at least ${rules.minDurationMinutes} minutes`);
  }
  if (minutes > rules.maxDurationMinutes) {
    throw new RuleViolation(`A reservation can last at most ${rules.maxDurationMinutes / 60} hours`);
  }
}

/** The booking rules that need no database: each violation says what to change. */
export function checkBookingTimes(start: Date, end: Date, now: Date, rules: BookingRules): void {
  const zone = rules.libraryTimezone;
  checkDuration(start, end, rules);
  if (start < addMinutes(now, -rules.pastToleranceMinutes)) {
    throw new RuleViolation(`The start time ${formatForPeople(start, zone)} is in the past`);
  }
  if (start > addMinutes(now, rules.maxAdvanceDays * 24 * 60)) {
    throw new RuleViolation(`You can book at most ${rules.maxAdvanceDays} days ahead`);
  }
}

/** The request as an attempt, once the rules that need no database pass (else RuleViolation). */
function bookingAttempt(userId: number, input: CreateReservationInput, rules: BookingRules) {
  const zone = rules.libraryTimezone;
  const start = parseLibraryTime(input.startTime, zone, "startTime");
  const end = parseLibraryTime(input.endTime, zone, "endTime");
  const now = new Date();
  checkBookingTimes(start, end, now, rules);
  return { attempt: { userId, seatId: input.seatId, start, end }, now };
}

function knownLossOf(attempt: Attempt, { races, version, fresh }: LostRacesAt): Conflict | undefined {
  if (!fresh) return undefined;
  const code = races.knownLoss(version, attempt);
  return code === undefined ? undefined : seatTaken(code);
}

/**
 * The answer createReservation would give without asking the database, when there is one: the
 * request breaks a rule that needs no database (RuleViolation, thrown) or is a known loss
 * (returned). Undefined means only the database can tell.
 */
export function bookingAnswerWithoutDatabase(
  userId: number,
  input: CreateReservationInput,
  rules: BookingRules,
  lostRaces: LostRacesAt,
): Conflict | undefined {
  return knownLossOf(bookingAttempt(userId, input, rules).attempt, lostRaces);
}

export async function createReservation(
  db: Database,
  userId: number,
  input: CreateReservationInput,
  rules: BookingRules,
  effects: Effects,
  lostRaces?: LostRacesAt,
): Promise<ReservationView> {
  const zone = rules.libraryTimezone;
  const { attempt, now } = bookingAttempt(userId, input, rules);
  const { start, end } = attempt;
  const knownLoss = lostRaces && knownLossOf(attempt, lostRaces);
  if (knownLoss) throw knownLoss;

  // One statement: alone, or with the bookings that arrived together (booking-batches.ts); in
  // either case the student's row lock first, then the attempt (drizzle/0005, 0006 say why).
  const r = await bookingStatements(db).attempt({
    userId,
    seatId: input.seatId,
    start,
    end,
    now,
    maxUpcoming: rules.maxUpcomingReservations,
    zone,
  });
  if (r.id !== null) {
    effects.seat(r.seatId, "booked", r.userId);
    return toView(r, r.id);
  }
  throw await bookingRefusal(db, userId, input.seatId, r, start, end, rules, () =>
    lostRaces?.races.recordSeatTaken(lostRaces.version, attempt, r.seatCode ?? ""),
  );
}

/**
 * Why book_seat inserted nothing (its row's id is null), as the error to answer: the seat is
 * missing, retired or under maintenance, the branch is closed, the student is at the limit, owns
 * an overlapping booking, or the seat is taken (`onSeatTaken` then runs first).
 */
export async function bookingRefusal(
  db: Database,
  userId: number,
  seatId: number,
  r: AttemptRow,
  start: Date,
  end: Date,
  rules: BookingRules,
  onSeatTaken: () => void = () => undefined,
): Promise<DomainError> {
  const zone = rules.libraryTimezone;
  if (r.seatCode === null) return new NotFound(`Seat ${seatId} does not exist`);
  if (r.seatStatus === "RETIRED") return seatRetired(r.seatCode);
  if (r.seatStatus !== "ACTIVE") {
    return new RuleViolation(`Seat ${r.seatCode} is under maintenance and cannot be booked right now`);
  }
  if (r.closed) return closedRefusal(db, seatId, start, end, rules);
  if (r.upcoming >= rules.maxUpcomingReservations) {
    return new RuleViolation(
      `You already have ${rules.maxUpcomingReservations} upcoming reservations, the most allowed. Cancel one to book another.`,
    );
  }
  if (r.ownStart !== null && r.ownEnd !== null) {
    return ownOverlap(r.ownCode ?? "", new Date(r.ownStart), new Date(r.ownEnd), zone);
  }
  if (r.seatTaken) {
    onSeatTaken();
    return seatTaken(r.seatCode);
  }
  // What blocked the insert committed after the attempt's snapshot: look again.
  return explainConflict(db, userId, r.seatCode, start, end, zone);
}

export function toView(r: AttemptRow, id: number): ReservationView {
  return {
    id,
    seatId: r.seatId,
    userId: r.userId,
    startTime: r.startTime,
    endTime: r.endTime,
    status: r.status,
    checkedInAt: r.checkedInAt,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    seriesId: null,
  };
}

function ownOverlap(code: string, start: Date, end: Date, zone: string): Conflict {
  return new Conflict(
    `You already have a reservation for seat ${code} from ${formatForPeople(start, zone)} to ${formatForPeople(end, zone)} that overlaps this time`,
  );
}

/** The seat was taken out of the catalogue for good: to a booking it no longer exists. */
function seatRetired(seatCode: string): NotFound {
  return new NotFound(`Seat ${seatCode} has been retired and can no longer be booked. Pick another seat.`);
}

function seatTaken(seatCode: string): SeatTaken {
  return new SeatTaken(
    `Seat ${seatCode} is already booked for part of that time. Pick another time or seat.`,
    seatCode,
  );
}

async function explainConflict(
  db: Database,
  userId: number,
  seatCode: string,
  start: Date,
  end: Date,
  zone: string,
): Promise<Conflict | NotFound> {
  // Retired after the attempt's snapshot: the database skipped the row (drizzle/0011).
  const [seat] = await db
    .select({ status: seats.status })
    .from(seats)
    .where(eq(seats.code, seatCode))
    .limit(1);
  if (seat?.status === "RETIRED") return seatRetired(seatCode);
  const [own] = await db
    .select({ startTime: reservations.startTime, endTime: reservations.endTime, code: seats.code })
    .from(reservations)
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .where(and(eq(reservations.userId, userId), activeOverlapping(start, end)))
    .limit(1);
  if (own) return ownOverlap(own.code, own.startTime, own.endTime, zone);
  return seatTaken(seatCode);
}
