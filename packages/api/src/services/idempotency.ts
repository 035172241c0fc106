import { type Database, idempotencyKeys, reservations } from "@dlsms/db";
import type { CreateReservationInput } from "@dlsms/validators";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { BookingRules } from "../config";
import type { IdempotencyKeyHeader } from "../context";
import {
  Conflict,
  DomainError,
  IdempotencyKeyReused,
  NotFound,
  OutsideOpeningHours,
  RuleViolation,
  SeatTaken,
} from "../errors";
import type { LostRacesAt } from "../read-models/known-losses";
import { parseLibraryTime } from "../time";
import { createReservation } from "./booking.service";
import type { Effects } from "./events";
import { keyStatements } from "./idempotency-statements";
import { type ReservationView, toReservationView } from "./views";

/** How long a key's first answer is kept; an older row is ignored (and pruned). */
export const IDEMPOTENCY_KEY_HOURS = 24;
const KEEP_MS = IDEMPOTENCY_KEY_HOURS * 3_600_000;

/** 1–200 printable ASCII characters (space to tilde). */
const KEY_PATTERN = /^[\x20-\x7e]{1,200}$/;

/** The refusals a booking attempt gives, by the class each is answered with again. */
const REFUSALS = {
  SeatTaken: (message: string, seatCode: string) => new SeatTaken(message, seatCode),
  Conflict: (message: string) => new Conflict(message),
  OutsideOpeningHours: (message: string) => new OutsideOpeningHours(message),
  RuleViolation: (message: string) => new RuleViolation(message),
  NotFound: (message: string) => new NotFound(message),
} satisfies Record<string, (message: string, seatCode: string) => DomainError>;
type RefusalKind = keyof typeof REFUSALS;

/**
 * A key's first answer, as every door renders it: the booking, or the refusal the attempt gave.
 * Not stored (so a retry tries again): invalid input and keys, sign-in failures, and errors of
 * ours (the transaction rolls back with the key's row).
 */
type StoredAnswer =
  | { booked: ReservationView }
  | { refused: { kind: RefusalKind; message: string; seatCode: string } };

/** The key as sent, once it is one: else BAD_REQUEST saying why. */
export function checkedIdempotencyKey(header: IdempotencyKeyHeader): string {
  if (!KEY_PATTERN.test(header.value)) {
    throw new RuleViolation("The Idempotency-Key header must be 1 to 200 printable ASCII characters");
  }
  if (header.bookings > 1) {
    throw new RuleViolation(
      "An Idempotency-Key covers one booking: send each keyed booking in a request of its own",
    );
  }
  return header.value;
}

/**
 * The booking a key was used for, whichever door it came through (REST's snake_case body and
 * tRPC's input name the same booking) and however its times were written.
 */
function requestOf(input: CreateReservationInput, rules: BookingRules): string {
  const zone = rules.libraryTimezone;
  return JSON.stringify({
    seatId: input.seatId,
    startTime: parseLibraryTime(input.startTime, zone, "startTime").toISOString(),
    endTime: parseLibraryTime(input.endTime, zone, "endTime").toISOString(),
  });
}

function refusalOf(error: unknown): StoredAnswer | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const kind: RefusalKind | undefined =
    error instanceof SeatTaken
      ? "SeatTaken"
      : error instanceof Conflict
        ? "Conflict"
        : error instanceof OutsideOpeningHours
          ? "OutsideOpeningHours"
          : error instanceof RuleViolation
            ? "RuleViolation"
            : error instanceof NotFound
              ? "NotFound"
              : undefined;
  if (!kind) return undefined;
  return {
    refused: { kind, message: error.message, seatCode: error instanceof SeatTaken ? error.seatCode : "" },
  };
}

function answered(answer: StoredAnswer): ReservationView {
  if ("booked" in answer) return answer.booked;
  const { kind, message, seatCode } = answer.refused;
  throw REFUSALS[kind](message, seatCode);
}

/** How often a repeat looks for the first request's answer while that request is still running. */
const WAIT_STEP_MS = 15;
/**
 * A claim older than this without an answer belongs to a request that died between claiming the
 * key and storing the answer (a booking takes milliseconds): a repeat then answers for it.
 */
const ABANDONED_MS = 30_000;

/**
 * `reservations.create` with an Idempotency-Key. The key is claimed first, before the booking (a
 * new row, or one past its 24 hours taken over), so of any number of concurrent repeats exactly
 * one books; it books through the same batched statements as every other booking
 * (booking-batches.ts) and then stores its answer (idempotency-statements.ts shares those
 * statements among the keys of one turn). A repeat waits for that answer and replays it;
 * a repeat with another booking is refused with UNPROCESSABLE_CONTENT. Keys are per student and
 * shared by the doors.
 */
export async function createReservationOnce(
  db: Database,
  userId: number,
  header: IdempotencyKeyHeader,
  input: CreateReservationInput,
  rules: BookingRules,
  effects: Effects,
  lostRaces?: LostRacesAt,
): Promise<ReservationView> {
  const key = checkedIdempotencyKey(header);
  const request = requestOf(input, rules);
  const thisKey = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  const keys = keyStatements(db, IDEMPOTENCY_KEY_HOURS);
  if (!(await keys.claim.add({ userId, key, request }))) {
    return answered(await firstAnswer(db, userId, thisKey, request, input, rules));
  }

  let first: StoredAnswer;
  try {
    first = { booked: await createReservation(db, userId, input, rules, effects, lostRaces) };
  } catch (error) {
    const refused = refusalOf(error);
    if (!refused) {
      // Nothing was booked: free the key, so a retry tries again.
      await db.delete(idempotencyKeys).where(thisKey);
      throw error;
    }
    first = refused;
  }
  await keys.answer.add({ userId, key, answer: first });
  return answered(first);
}

/** The answer the key's first request gave (waiting while it runs), for a repeat of it. */
async function firstAnswer(
  db: Database,
  userId: number,
  thisKey: SQL | undefined,
  request: string,
  input: CreateReservationInput,
  rules: BookingRules,
): Promise<StoredAnswer> {
  for (;;) {
    const [held] = await db.select().from(idempotencyKeys).where(thisKey);
    if (!held) throw new Conflict("This Idempotency-Key's first request failed: send the booking again");
    if (held.request !== request) {
      throw new IdempotencyKeyReused(
        "This Idempotency-Key was already used for a different booking: use a new key for a new booking",
      );
    }
    if ("booked" in held.answer || "refused" in held.answer) return held.answer as StoredAnswer;
    if (Date.now() - held.createdAt.getTime() > ABANDONED_MS) {
      return { booked: await abandonedBooking(db, userId, input, rules) };
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

/**
 * A first request that died after claiming its key: the booking it made, if it made one (the
 * student's reservation of exactly that seat and window; the overlap rule allows one at a time);
 * else none was made and the repeat is told to send it again under a new key.
 */
async function abandonedBooking(
  db: Database,
  userId: number,
  input: CreateReservationInput,
  rules: BookingRules,
): Promise<ReservationView> {
  const zone = rules.libraryTimezone;
  const [row] = await db
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.userId, userId),
        eq(reservations.seatId, input.seatId),
        eq(reservations.startTime, parseLibraryTime(input.startTime, zone, "startTime")),
        eq(reservations.endTime, parseLibraryTime(input.endTime, zone, "endTime")),
      ),
    )
    .orderBy(desc(reservations.id))
    .limit(1);
  if (!row) {
    throw new Conflict(
      "This Idempotency-Key's first request did not finish: send the booking again with a new key",
    );
  }
  return toReservationView(row);
}

/** Drops the rows past their 24 hours (the sweeper); a booking ignores them anyway. */
export async function pruneIdempotencyKeys(db: Database, now = new Date()): Promise<number> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - KEEP_MS)))
    .returning({ userId: idempotencyKeys.userId });
  return gone.length;
}
