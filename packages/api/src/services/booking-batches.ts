import { type Database, rowsOf } from "@dlsms/db";
import { type SQL, sql } from "drizzle-orm";
import type { ReservationView } from "./views";

/** One booking as the database attempts it (book_seat's arguments). */
export interface BookingAttempt {
  userId: number;
  seatId: number;
  start: Date;
  end: Date;
  now: Date;
  maxUpcoming: number;
  /** The library's zone, in which the branch's opening hours are wall times. */
  zone: string;
}

/** book_seat's row: the reservation's wire columns when inserted (else nulls), and why not. */
export interface AttemptRow extends Omit<ReservationView, "id" | "seriesId"> {
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
  /** The window is not wholly inside the seat's branch's opening hours (drizzle/0009). */
  closed: boolean | null;
}

export interface BatchLimits {
  /** Booking statements in flight at once; more bookings wait and go together in the next. */
  inFlight: number;
  /** The most attempts one statement carries. */
  batch: number;
}

export interface BatchStats {
  /** Statements sent: single attempts and batches. */
  statements: number;
  /** Statements that carried more than one attempt, and how many attempts they carried. */
  batches: number;
  batchedAttempts: number;
  /** Batches that failed as a whole (a lock wait over book_seats' limit, …) and went one by one. */
  fallbacks: number;
}

/**
 * Why: every booking is its own transaction, and its fixed costs — a round trip, a statement, a
 * transaction, a commit's WAL flush — were most of what the database spent on it. Bookings that
 * arrive while `inFlight` statements are already running wait (they would have queued in the
 * pool anyway) and then go together as one `book_seats` statement (drizzle/0006), which attempts
 * each exactly as `book_seat` would, in one transaction. Under light load every booking goes
 * alone, at once; under load the batch grows with the queue, like a commit group.
 *
 * A batch that fails as a whole changed nothing (one transaction, rolled back by the error): its
 * bookings are attempted again one by one, so each gets its own answer or its own error. (A
 * connection lost after the commit is the exception, as for a booking alone: the second attempt
 * then finds the student's own reservation and answers that it overlaps.)
 */
export class BookingStatements {
  readonly stats: BatchStats = { statements: 0, batches: 0, batchedAttempts: 0, fallbacks: 0 };
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly limits: BatchLimits,
  ) {}

  attempt(attempt: BookingAttempt): Promise<AttemptRow> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ attempt, resolve, reject });
      this.schedule();
    });
  }

  /** Sends on the next turn of the event loop, so bookings that arrive together go together. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.limits.inFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.limits.inFlight && this.waiting.length > 0) {
        this.send(this.waiting.splice(0, this.limits.batch));
      }
    });
  }

  private send(group: Waiting[]): void {
    this.inFlight += 1;
    this.stats.statements += 1;
    const sent = group.length === 1 ? this.alone(group) : this.together(group);
    void sent
      // Not expected (both settle every booking themselves), but no booking may wait forever;
      // rejecting one already answered does nothing.
      .catch((error: unknown) => {
        for (const waiting of group) waiting.reject(error);
      })
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
  }

  private async alone(group: Waiting[]): Promise<void> {
    await Promise.all(
      group.map(({ attempt, resolve, reject }) => bookAlone(this.db, attempt).then(resolve, reject)),
    );
  }

  private async together(group: Waiting[]): Promise<void> {
    this.stats.batches += 1;
    this.stats.batchedAttempts += group.length;
    let rows: BatchRow[];
    try {
      rows = await bookTogether(
        this.db,
        group.map((w) => w.attempt),
      );
    } catch {
      // The batch rolled back: each booking gets its own attempt (and error).
      this.stats.fallbacks += 1;
      return this.alone(group);
    }
    const byAttempt = new Map(rows.map((row) => [row.attempt, row]));
    for (const [index, { resolve, reject }] of group.entries()) {
      const row = byAttempt.get(index + 1);
      if (!row) {
        reject(new Error("the batch booking statement returned no row for an attempt"));
        continue;
      }
      const { attempt: _, ...attemptRow } = row;
      resolve(attemptRow);
    }
  }
}

interface Waiting {
  attempt: BookingAttempt;
  resolve: (row: AttemptRow) => void;
  reject: (error: unknown) => void;
}

export interface BatchRow extends AttemptRow {
  /** The attempt's 1-based position in the statement's arrays. */
  attempt: number;
}

const iso = (d: Date) => d.toISOString();

/** `book_seat`: one attempt, its own statement and transaction. */
export async function bookAlone(db: Database, a: BookingAttempt): Promise<AttemptRow> {
  const [row] = rowsOf<AttemptRow>(
    await db.execute(
      sql`select * from book_seat(${a.userId}::int, ${a.seatId}::int, ${iso(a.start)}::timestamptz, ${iso(a.end)}::timestamptz, ${iso(a.now)}::timestamptz, ${a.maxUpcoming}::int, ${a.zone}::text)`,
    ),
  );
  if (!row) throw new Error("the booking statement returned no row");
  return row;
}

/**
 * A Postgres array literal of integers or ISO instants: one parameter per column, whatever the
 * batch's size, so the statement text (and its prepared plan) is the same for every batch.
 */
export function arrayParam(values: (number | string)[], type: "int" | "timestamptz"): SQL {
  const literal = `{${values.map((v) => (typeof v === "number" ? String(v) : `"${v}"`)).join(",")}}`;
  return type === "int" ? sql`${literal}::int[]` : sql`${literal}::timestamptz[]`;
}

/** The batch's one zone: every attempt of a process has its library's zone. */
function zoneOf(attempts: BookingAttempt[]): string {
  const zone = attempts[0]?.zone ?? "UTC";
  if (attempts.some((a) => a.zone !== zone)) throw new Error("a booking batch mixes library time zones");
  return zone;
}

/** `book_seats`: the attempts in one statement; each row names its attempt (1-based). */
export async function bookTogether(db: Database, attempts: BookingAttempt[]): Promise<BatchRow[]> {
  const ints = (pick: (a: BookingAttempt) => number) => arrayParam(attempts.map(pick), "int");
  const times = (pick: (a: BookingAttempt) => Date) =>
    arrayParam(
      attempts.map((a) => iso(pick(a))),
      "timestamptz",
    );
  return rowsOf<BatchRow>(
    await db.execute(
      sql`select * from book_seats(${ints((a) => a.userId)}, ${ints((a) => a.seatId)}, ${times((a) => a.start)}, ${times((a) => a.end)}, ${times((a) => a.now)}, ${ints((a) => a.maxUpcoming)}, ${zoneOf(attempts)}::text)`,
    ),
  );
}

/**
 * Fewer statements in flight than the server's pool has connections (10 by default): reads, the
 * sweeper and other changes keep connections of their own while bookings queue. 32 attempts
 * keep a batch's statement short and its locks brief while still sharing one commit among many
 * bookings; see docs/performance-log.md for how batch sizes compared.
 */
const DEFAULT_BATCH_LIMITS: BatchLimits = { inFlight: 8, batch: 32 };

const statementsByDb = new WeakMap<Database, BookingStatements>();

/** This process's booking statements for `db` (one queue per database handle). */
export function bookingStatements(db: Database): BookingStatements {
  let statements = statementsByDb.get(db);
  if (!statements) {
    statements = new BookingStatements(db, DEFAULT_BATCH_LIMITS);
    statementsByDb.set(db, statements);
  }
  return statements;
}
