/**
 * Typed domain errors thrown by services. One tRPC middleware (see trpc.ts) maps them, and the
 * database's 23P01 / 23505 / 23514 / 23503, to TRPCError codes; the REST and gRPC doors map the
 * same codes to their own.
 */
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "UNPROCESSABLE_CONTENT";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    // An expected outcome (a lost race, a broken rule), not a bug: no call stack, which costs
    // CPU where most calls lose, as in a rush for one seat (docs/performance-log.md).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "DomainError";
    this.stack = `${this.name}: ${message}`;
  }
}

/** A booking or lifecycle rule was broken: the student can fix the request. */
export class RuleViolation extends DomainError {
  constructor(message: string) {
    super("BAD_REQUEST", message);
  }
}
/**
 * The window is not wholly inside its branch's opening hours (or falls on a closure): the message
 * states that day's hours or the closure's reason. gRPC answers it FAILED_PRECONDITION.
 */
export class OutsideOpeningHours extends RuleViolation {}
export class NotFound extends DomainError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}
export class Conflict extends DomainError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}
/** A free seat offered instead of a taken one (SeatTaken.suggestions). */
export interface SeatSuggestion {
  seatId: number;
  code: string;
  branch: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
}
/**
 * Someone else holds the seat for (part of) the window. The booking procedure fills in free
 * seats for the same window (read-models/seat-suggestions.ts) before the doors answer.
 */
export class SeatTaken extends Conflict {
  suggestions: readonly SeatSuggestion[] | undefined;
  constructor(
    message: string,
    readonly seatCode: string,
  ) {
    super(message);
  }
}
/** An Idempotency-Key used again for a different request (services/idempotency.ts): 422. */
export class IdempotencyKeyReused extends DomainError {
  constructor(message: string) {
    super("UNPROCESSABLE_CONTENT", message);
  }
}
export class Unauthorized extends DomainError {
  constructor(message = "Please log in") {
    super("UNAUTHORIZED", message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = "You are not allowed to do that") {
    super("FORBIDDEN", message);
  }
}
/**
 * The student's booking is suspended (no-show strikes) until `until`: FORBIDDEN on every door,
 * the message naming the day it ends (YYYY-MM-DD) and the time in the library's zone.
 */
export class Suspended extends Forbidden {
  constructor(
    message: string,
    readonly until: Date,
  ) {
    super(message);
  }
}
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("TOO_MANY_REQUESTS", message);
  }
}

export const PG_EXCLUSION_VIOLATION = "23P01";
export const PG_UNIQUE_VIOLATION = "23505";
export const PG_CHECK_VIOLATION = "23514";
export const PG_FOREIGN_KEY_VIOLATION = "23503";

interface PgError {
  code: string;
  /** postgres.js calls it `constraint_name`, PGlite (pg-protocol) `constraint`. */
  constraint?: string;
}

/** drizzle wraps driver errors (DrizzleQueryError): walk `.cause` to find the SQLSTATE. */
function findPgError(error: unknown): PgError | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    if (typeof current === "object" && current !== null) {
      const found = current as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
      if (typeof found.code === "string" && /^[0-9A-Z]{5}$/.test(found.code)) {
        const constraint = found.constraint_name ?? found.constraint;
        return { code: found.code, constraint: typeof constraint === "string" ? constraint : undefined };
      }
      current = (current as { cause?: unknown }).cause;
    } else {
      break;
    }
  }
  return undefined;
}

export function findPgErrorCode(error: unknown): string | undefined {
  return findPgError(error)?.code;
}

/**
 * A foreign key on `user_id` refused a write: the caller's token is still valid, but the account
 * it names was deleted since. Only logging in again (as someone who exists) can help.
 */
const USER_FOREIGN_KEY = /_user_id_/;

/** Maps anything a service can throw to a domain error, or undefined for a real bug. */
export function toDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  const pg = findPgError(error);
  if (pg?.code === PG_EXCLUSION_VIOLATION) {
    return new Conflict("That seat or time is already taken: the reservation overlaps another one");
  }
  if (pg?.code === PG_UNIQUE_VIOLATION) return new Conflict("That already exists");
  if (pg?.code === PG_CHECK_VIOLATION) return new RuleViolation("The end time must be after the start time");
  if (pg?.code === PG_FOREIGN_KEY_VIOLATION && USER_FOREIGN_KEY.test(pg.constraint ?? "")) {
    return new Unauthorized("Your account no longer exists. Please log in again.");
  }
  return undefined;
}
