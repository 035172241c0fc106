import { type Database, idempotencyKeys } from "@dlsms/db";
import type { CreateReservationInput } from "@dlsms/validators";
import { and, eq, lt, sql } from "drizzle-orm";
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
import { parseLibraryTime } from "../time";
import { createReservation } from "./booking.service";
import type { Effects } from "./events";
import type { ReservationView } from "./views";

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

/**
 * `reservations.create` with an Idempotency-Key: the key's row is inserted first in the booking's
 * transaction, so a concurrent repeat waits on its primary key until this one commits and then
 * reads the stored answer; the booking is attempted (and counted) once. A repeat with another
 * booking is refused with UNPROCESSABLE_CONTENT. Keys are per student and shared by the doors.
 */
export async function createReservationOnce(
  db: Database,
  userId: number,
  header: IdempotencyKeyHeader,
  input: CreateReservationInput,
  rules: BookingRules,
  effects: Effects,
): Promise<ReservationView> {
  const key = checkedIdempotencyKey(header);
  const request = requestOf(input, rules);
  const answer = await db.transaction(async (tx): Promise<StoredAnswer> => {
    const thisKey = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
    // Claims the key: a new row, or one past its 24 hours taken over. A row in use is left as it
    // is (but locked, so it cannot expire under us) and nothing is returned.
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ userId, key, request, answer: {}, createdAt: sql`now()` })
      .onConflictDoUpdate({
        target: [idempotencyKeys.userId, idempotencyKeys.key],
        set: { request, answer: {}, createdAt: sql`now()` },
        setWhere: lt(idempotencyKeys.createdAt, new Date(Date.now() - KEEP_MS)),
      })
      .returning({ userId: idempotencyKeys.userId });
    if (claimed.length === 0) {
      const [held] = await tx.select().from(idempotencyKeys).where(thisKey);
      if (!held) throw new Error("an Idempotency-Key row vanished while locked");
      if (held.request !== request) {
        throw new IdempotencyKeyReused(
          "This Idempotency-Key was already used for a different booking: use a new key for a new booking",
        );
      }
      return held.answer as StoredAnswer;
    }
    let first: StoredAnswer;
    try {
      first = { booked: await createReservation(tx, userId, input, rules, effects) };
    } catch (error) {
      const refused = refusalOf(error);
      if (!refused) throw error;
      first = refused;
    }
    await tx.update(idempotencyKeys).set({ answer: first }).where(thisKey);
    return first;
  });
  return answered(answer);
}

/** Drops the rows past their 24 hours (the sweeper); a booking ignores them anyway. */
export async function pruneIdempotencyKeys(db: Database, now = new Date()): Promise<number> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - KEEP_MS)))
    .returning({ userId: idempotencyKeys.userId });
  return gone.length;
}
