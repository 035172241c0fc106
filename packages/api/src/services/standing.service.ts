import { type Database, noShowStrikes, users } from "@dlsms/db";
import type { PardonInput } from "@dlsms/validators";
import { and, count, eq, gt, isNull, max, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound, Suspended } from "../errors";
import { formatForPeople } from "../time";
import { recordChange } from "./audit";
import { getUser } from "./auth.service";
import { pgTime } from "./availability";
import { arrayParam } from "./booking-batches";
import { studentByStudentId } from "./desk.service";
import type { Effects } from "./events";
import { createNotification } from "./notifications.service";
import type { ProfileView } from "./profile.service";
import { TurnStatements } from "./turn-statements";
import { isoOrNull, type UserView } from "./views";

/**
 * No-show strikes and suspension (issue 21). A strike is a NO_SHOW reservation; its instant is
 * the reservation's start (fixed when booked, so a sweeper running late changes nothing).
 * `noShowStrikes` open strikes (not pardoned) whose instants lie within `strikeWindowDays` of each
 * other (a window ending at a strike) suspend booking until that strike's instant plus
 * `suspensionDays`. The suspension is materialised in
 * `users.suspended_until` by the sweeper's transaction that records the strike, so a booking reads
 * one column of the student's row. Cancelling (by the student before the start, or by staff,
 * maintenance or retirement) leaves a reservation CANCELLED: never a strike.
 */

const DAY_MS = 24 * 60 * 60_000;

/** What the student and the desk see: open strikes in the window ending now, and the suspension. */
export interface Standing {
  strikes: number;
  /** ISO instant the suspension ends; null when not suspended (now). */
  suspendedUntil: string | null;
}

export interface StudentStanding extends Standing {
  student: UserView;
  /** The rules the numbers are read against, so a page can say "strike 2 of 3". */
  strikeLimit: number;
  strikeWindowDays: number;
}

/** What recording one strike did, for the NO_SHOW notification and the suspension's. */
export interface StrikeOutcome {
  /** Open strikes within the window ending at this one's instant (this one included). */
  strike: number;
  strikeLimit: number;
  /** Set when this strike suspended the student (or extended the suspension). */
  suspendedUntil: Date | null;
}

/**
 * Locks the student's row before the sweeper touches their reservation: a booking takes the same
 * lock first (book_seat), so the two wait for each other in one order and never deadlock; two
 * sweepers striking one student at once count one after the other and suspend once.
 */
export async function lockStudent(tx: Database, userId: number): Promise<void> {
  await tx.execute(sql`select 1 from users where id = ${userId} for no key update`);
}

/** In the sweeper's transaction that marked `reservation` NO_SHOW, after `lockStudent`. */
export async function recordStrike(
  tx: Database,
  reservation: { id: number; userId: number; startTime: Date },
  rules: BookingRules,
): Promise<StrikeOutcome> {
  const { userId, startTime } = reservation;
  await tx
    .insert(noShowStrikes)
    .values({ reservationId: reservation.id, userId, struckAt: startTime })
    .onConflictDoNothing();
  // The window ending at this strike; and, should a later strike have been recorded first (two
  // due at once), the window ending at the latest one, which this strike may complete.
  const [here] = await tx
    .select({
      strikes: sql<number>`count(*) filter (where ${noShowStrikes.struckAt} <= ${pgTime(startTime)})::int`,
      last: max(noShowStrikes.struckAt),
    })
    .from(noShowStrikes)
    .where(openStrikesSince(userId, daysBefore(startTime, rules.strikeWindowDays)));
  const strike = Number(here?.strikes ?? 1);
  const outcome: StrikeOutcome = { strike, strikeLimit: rules.noShowStrikes, suspendedUntil: null };
  const last = here?.last ? new Date(here.last) : startTime;
  let lastWindowEnd: Date | undefined = strike >= rules.noShowStrikes ? startTime : undefined;
  if (last > startTime) {
    const [later] = await tx
      .select({ strikes: count() })
      .from(noShowStrikes)
      .where(openStrikesSince(userId, daysBefore(last, rules.strikeWindowDays)));
    if ((later?.strikes ?? 0) >= rules.noShowStrikes) lastWindowEnd = last;
  }
  if (lastWindowEnd === undefined) return outcome;
  const until = new Date(lastWindowEnd.getTime() + rules.suspensionDays * DAY_MS);
  // Only a later end is news: a strike counted again inside a suspension changes nothing.
  const [suspended] = await tx
    .update(users)
    .set({ suspendedUntil: until })
    .where(
      and(
        eq(users.id, userId),
        sql`(${users.suspendedUntil} is null or ${users.suspendedUntil} < ${until.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: users.id });
  if (suspended) outcome.suspendedUntil = until;
  return outcome;
}

/** The student is told at the strike that suspends them, in the same transaction. */
export async function notifySuspension(
  tx: Database,
  userId: number,
  outcome: StrikeOutcome,
  effects: Effects,
): Promise<void> {
  if (!outcome.suspendedUntil) return;
  effects.notify(
    await createNotification(tx, userId, "SUSPENDED", {
      suspendedUntil: outcome.suspendedUntil.toISOString(),
      strikes: outcome.strike,
      strikeLimit: outcome.strikeLimit,
    }),
  );
}

const daysBefore = (instant: Date, days: number) => new Date(instant.getTime() - days * DAY_MS);

function openStrikesSince(userId: number, since: Date) {
  return and(
    eq(noShowStrikes.userId, userId),
    isNull(noShowStrikes.pardonedAt),
    gt(noShowStrikes.struckAt, since),
  );
}

export function suspendedError(until: Date, rules: BookingRules): Suspended {
  return new Suspended(
    `Your booking is suspended until ${formatForPeople(until, rules.libraryTimezone)} because of ${rules.noShowStrikes} missed check-ins (no-shows). Library staff can lift it.`,
    until,
  );
}

/**
 * Refuses a suspended student's booking, waitlist join or walk-up. A primary-key read shared by
 * the bookings of one turn; run it beside the booking's other reads. Staff booking at the desk
 * skip it (they may override).
 */
export async function assertMayBook(
  db: Database,
  userId: number,
  rules: BookingRules,
  now = new Date(),
): Promise<void> {
  const until = await suspensionReads(db).add(userId);
  if (until && until > now) throw suspendedError(until, rules);
}

const suspensionReadsByDb = new WeakMap<Database, TurnStatements<number, Date | null>>();

function suspensionReads(db: Database): TurnStatements<number, Date | null> {
  let reads = suspensionReadsByDb.get(db);
  if (!reads) {
    reads = new TurnStatements(async (ids: number[]) => {
      const rows = await db
        .select({ id: users.id, until: users.suspendedUntil })
        .from(users)
        .where(sql`${users.id} = any(${arrayParam(ids, "int")})`);
      const byId = new Map(rows.map((r) => [r.id, r.until]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    suspensionReadsByDb.set(db, reads);
  }
  return reads;
}

/** `auth.me`'s standing (and the desk's). */
export async function standingOf(
  db: Database,
  userId: number,
  rules: BookingRules,
  now = new Date(),
): Promise<Standing> {
  const since = daysBefore(now, rules.strikeWindowDays);
  const [row] = await db
    .select({
      until: users.suspendedUntil,
      strikes: sql<number>`(select count(*)::int from ${noShowStrikes} where ${openStrikesSince(userId, since)})`,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row) throw new NotFound("Your account no longer exists");
  return {
    strikes: Number(row.strikes),
    suspendedUntil: row.until && row.until > now ? isoOrNull(row.until) : null,
  };
}

/** The desk's view of one student's standing. */
export async function studentStanding(
  db: Database,
  studentId: string,
  rules: BookingRules,
): Promise<StudentStanding> {
  const student = await studentByStudentId(db, studentId, false);
  return {
    student,
    ...(await standingOf(db, student.id, rules)),
    strikeLimit: rules.noShowStrikes,
    strikeWindowDays: rules.strikeWindowDays,
  };
}

/**
 * Staff lift a student's strikes and suspension: every open strike is stamped pardoned and the
 * suspension cleared, with the audit entry (actor, reason, what was lifted) in one transaction.
 */
export async function pardon(
  db: Database,
  staffUserId: number,
  input: PardonInput,
  rules: BookingRules,
): Promise<StudentStanding> {
  return db.transaction(async (tx) => {
    const student = await studentByStudentId(tx, input.studentId, true);
    const before = await standingOf(tx, student.id, rules);
    const now = new Date();
    const pardoned = await tx
      .update(noShowStrikes)
      .set({ pardonedAt: now })
      .where(and(eq(noShowStrikes.userId, student.id), isNull(noShowStrikes.pardonedAt)))
      .returning({ reservationId: noShowStrikes.reservationId });
    await tx.update(users).set({ suspendedUntil: null }).where(eq(users.id, student.id));
    await recordChange(tx, {
      entityType: "user",
      entityId: student.id,
      action: "pardoned",
      actorUserId: staffUserId,
      reason: input.reason,
      details: {
        studentId: student.studentId,
        strikesCleared: pardoned.length,
        suspendedUntil: before.suspendedUntil,
      },
    });
    return {
      student,
      strikes: 0,
      suspendedUntil: null,
      strikeLimit: rules.noShowStrikes,
      strikeWindowDays: rules.strikeWindowDays,
    };
  });
}

/** `auth.me`: the caller and their standing, read side by side. */
export async function currentUser(
  db: Database,
  userId: number,
  rules: BookingRules,
): Promise<ProfileView & { standing: Standing }> {
  const [user, standing] = await Promise.all([getUser(db, userId), standingOf(db, userId, rules)]);
  return { ...user, standing };
}
