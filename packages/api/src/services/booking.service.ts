import { type Database, reservations, seats, transactionInOneTrip } from "@dlsms/db";
import type { CreateReservationInput } from "@dlsms/validators";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, NotFound, RuleViolation } from "../errors";
import { addMinutes, formatForPeople, parseLibraryTime } from "../time";
import { activeOverlapping, pgTime } from "./availability";
import type { Attempt, LostRacesAt } from "./lost-races";
import { ACTIVE_SQL, col, iso } from "./reservation-queries";
import type { ReservationView } from "./views";

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

/** The request as an attempt, once the rules that need no database pass (else RuleViolation). */
function bookingAttempt(userId: number, input: CreateReservationInput, rules: BookingRules) {
  const zone = rules.libraryTimezone;
  const start = parseLibraryTime(input.startTime, zone, "startTime");
  const end = parseLibraryTime(input.endTime, zone, "endTime");
  const now = new Date();
  checkBookingTimes(start, end, now, rules);
  return { attempt: { userId, seatId: input.seatId, start, end }, now };
}

function knownLossOf(attempt: Attempt, { races, version }: LostRacesAt): Conflict | undefined {
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
  lostRaces?: LostRacesAt,
): Promise<ReservationView> {
  const zone = rules.libraryTimezone;
  const { attempt, now } = bookingAttempt(userId, input, rules);
  const { start, end } = attempt;
  const knownLoss = lostRaces && knownLossOf(attempt, lostRaces);
  if (knownLoss) throw knownLoss;

  // The lock and the attempt in one transaction sent as one write (transactionInOneTrip): one
  // round trip where there were three (BEGIN, the work, COMMIT). The first statement waits for
  // this student's row lock, which serialises their bookings. Postgres executes a connection's
  // statements one after the other, so the second starts, and takes its READ COMMITTED
  // snapshot, only once the lock is held: its count sees every booking committed by an earlier
  // holder. Counting in the locking statement itself would NOT be safe (its snapshot predates
  // the wait), so the statement order is the guarantee: keep the lock first.
  const [, attempted] = await transactionInOneTrip(db, [
    sql`select 1 from users where id = ${userId} for no key update`,
    attemptBooking(userId, input.seatId, start, end, now, rules),
  ]);
  const r = attempted?.[0] as AttemptRow | undefined;
  if (!r) throw new Error("the booking statement returned no row");
  if (r.id !== null) return toView(r, r.id);
  if (r.seatCode === null) throw new NotFound(`Seat ${input.seatId} does not exist`);
  if (r.seatStatus !== "ACTIVE") {
    throw new RuleViolation(`Seat ${r.seatCode} is under maintenance and cannot be booked right now`);
  }
  if (r.upcoming >= rules.maxUpcomingReservations) {
    throw new RuleViolation(
      `You already have ${rules.maxUpcomingReservations} upcoming reservations, the most allowed. Cancel one to book another.`,
    );
  }
  if (r.ownStart !== null && r.ownEnd !== null) {
    throw ownOverlap(r.ownCode ?? "", new Date(r.ownStart), new Date(r.ownEnd), zone);
  }
  if (r.seatTaken) {
    lostRaces?.races.recordSeatTaken(lostRaces.version, attempt, r.seatCode);
    throw seatTaken(r.seatCode);
  }
  // What blocked the insert committed after the attempt's snapshot: look again.
  throw await explainConflict(db, userId, r.seatCode, start, end, zone);
}

/** One row: the reservation's wire columns when inserted (else nulls), and why not. */
interface AttemptRow extends Omit<ReservationView, "id"> {
  id: number | null;
  seatCode: string | null;
  seatStatus: string | null;
  upcoming: number;
  /** The student's own active reservation overlapping the request, if one is visible. */
  ownStart: string | null;
  ownEnd: string | null;
  ownCode: string | null;
  /** An active reservation visibly holds the seat during the request. */
  seatTaken: boolean | null;
}

function toView(r: AttemptRow, id: number): ReservationView {
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
  };
}

/**
 * The seat lookup, the upcoming count and the insert in one statement: the row is inserted
 * only if the seat exists and is ACTIVE and the student is under the limit, and
 * `ON CONFLICT DO NOTHING` against the EXCLUDE constraints makes a lost race an empty result
 * rather than a 23P01 error (no aborts, no deadlocks). When nothing was inserted, the
 * explanation is computed in the same statement (CASE evaluates those subqueries only then),
 * so a loser needs no further round trip unless the blocker committed after our snapshot.
 */
function attemptBooking(
  userId: number,
  seatId: number,
  start: Date,
  end: Date,
  now: Date,
  rules: BookingRules,
): SQL {
  const from = pgTime(start);
  const to = pgTime(end);
  const overlapping = sql`r.status in (${ACTIVE_SQL}) and r.start_time < ${to} and r.end_time > ${from}`;
  return sql`with seat as (select id, code, status from seats where id = ${seatId}::int),
    upcoming as (
      select count(*)::int as n from reservations r
      where r.user_id = ${userId}::int and r.status in (${ACTIVE_SQL}) and r.end_time > ${pgTime(now)}
    ),
    ins as (
      insert into reservations (user_id, seat_id, start_time, end_time, status)
      select ${userId}::int, seat.id, ${from}, ${to}, 'CONFIRMED' from seat, upcoming
      where seat.status = 'ACTIVE' and upcoming.n < ${rules.maxUpcomingReservations}::int
      on conflict do nothing
      returning id, seat_id, user_id, start_time, end_time, status, checked_in_at, expires_at, created_at
    ),
    own as (
      select r.start_time, r.end_time, s.code from reservations r join seats s on s.id = r.seat_id
      where r.user_id = ${userId}::int and ${overlapping} limit 1
    )
    select ins.id, ins.seat_id as "seatId", ins.user_id as "userId",
      ${iso(col("ins.start_time"))} as "startTime", ${iso(col("ins.end_time"))} as "endTime", ins.status,
      ${iso(col("ins.checked_in_at"))} as "checkedInAt", ${iso(col("ins.expires_at"))} as "expiresAt",
      ${iso(col("ins.created_at"))} as "createdAt",
      seat.code as "seatCode", seat.status as "seatStatus", upcoming.n as upcoming,
      case when ins.id is null then ${iso(sql`(select start_time from own)`)} end as "ownStart",
      case when ins.id is null then ${iso(sql`(select end_time from own)`)} end as "ownEnd",
      case when ins.id is null then (select code from own) end as "ownCode",
      case when ins.id is null then exists (
        select 1 from reservations r where r.seat_id = ${seatId}::int and ${overlapping}
      ) end as "seatTaken"
    from upcoming left join seat on true left join ins on true`;
}

function ownOverlap(code: string, start: Date, end: Date, zone: string): Conflict {
  return new Conflict(
    `You already have a reservation for seat ${code} from ${formatForPeople(start, zone)} to ${formatForPeople(end, zone)} that overlaps this time`,
  );
}

function seatTaken(seatCode: string): Conflict {
  return new Conflict(`Seat ${seatCode} is already booked for part of that time. Pick another time or seat.`);
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
  if (own) return ownOverlap(own.code, own.startTime, own.endTime, zone);
  return seatTaken(seatCode);
}
