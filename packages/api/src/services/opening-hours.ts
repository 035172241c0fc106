import {
  ACTIVE_RESERVATION_STATUSES,
  branchClosures,
  branches,
  branchOpeningHours,
  type Database,
  reservations,
  rowsOf,
  seats,
  waitlist,
} from "@dlsms/db";
import type { AddClosureInput, RemoveClosureInput, SetOpeningHoursInput } from "@dlsms/validators";
import { and, asc, eq, gt, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import type { BookingRules } from "../config";
import { Conflict, NotFound, OutsideOpeningHours, RuleViolation } from "../errors";
import { actingAs, recordChange } from "./audit";
import { pgTime } from "./availability";
import type { Effects } from "./events";
import { createNotification } from "./notifications.service";
import {
  type BranchSchedule,
  checkWeek,
  closedMessage,
  isOpenDuring,
  type OpeningStretch,
  type Stretch,
  toOpeningStretch,
} from "./opening-hours-rules";

/** Closures further back than a listing window can reach are not loaded with a schedule. */
const CLOSURE_LOOKBACK_DAYS = 32;

/**
 * Schedules (week and recent and coming closures) of the branches given, or of every branch.
 * Three small queries whatever the number of branches.
 */
export async function loadSchedules(
  db: Database,
  where: { ids?: number[]; name?: string } = {},
  now = new Date(),
): Promise<BranchSchedule[]> {
  const rows = await db
    .select({ id: branches.id, name: branches.name, hoursSet: branches.hoursSet })
    .from(branches)
    .where(
      where.ids
        ? inArray(branches.id, where.ids)
        : where.name !== undefined
          ? eq(branches.name, where.name)
          : undefined,
    )
    .orderBy(asc(branches.name));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const from = new Date(now.getTime() - CLOSURE_LOOKBACK_DAYS * 86_400_000).toISOString().slice(0, 10);
  const [hours, closures] = await Promise.all([
    db
      .select()
      .from(branchOpeningHours)
      .where(inArray(branchOpeningHours.branchId, ids))
      .orderBy(asc(branchOpeningHours.day), asc(branchOpeningHours.openMinute)),
    db
      .select()
      .from(branchClosures)
      .where(and(inArray(branchClosures.branchId, ids), gte(branchClosures.date, from)))
      .orderBy(asc(branchClosures.date)),
  ]);
  return rows.map((b) => ({
    branchId: b.id,
    name: b.name,
    hoursSet: b.hoursSet,
    stretches: hours
      .filter((h) => h.branchId === b.id)
      .map((h) => ({ day: h.day, openMinute: h.openMinute, closeMinute: h.closeMinute })),
    closures: new Map(closures.filter((c) => c.branchId === b.id).map((c) => [c.date, c.reason])),
  }));
}

/** The week as set (null: hours never set, open around the clock) and the closures from today on. */
export function scheduleView(schedule: BranchSchedule, rules: BookingRules, now = new Date()) {
  const today = DateTime.fromJSDate(now, { zone: rules.libraryTimezone }).toISODate() ?? "";
  return {
    openingHours: schedule.hoursSet ? schedule.stretches.map(toOpeningStretch) : null,
    closures: [...schedule.closures]
      .filter(([date]) => date >= today)
      .map(([date, reason]) => ({ date, reason })),
  };
}

async function scheduleNamed(db: Database, name: string): Promise<BranchSchedule> {
  const [schedule] = await loadSchedules(db, { name });
  if (!schedule) throw new NotFound(`There is no branch called "${name}"`);
  return schedule;
}

/** Refuses a window the branch is not open throughout, with that day's hours or closure. */
export function assertOpen(schedule: BranchSchedule, start: Date, end: Date, rules: BookingRules): void {
  if (!isOpenDuring(schedule, start, end, rules.libraryTimezone)) {
    throw new OutsideOpeningHours(closedMessage(schedule, start, end, rules.libraryTimezone));
  }
}

/** The refusal for a booking the database found outside its seat's branch hours (book_seat's `closed`). */
export async function closedRefusal(
  db: Database,
  seatId: number,
  start: Date,
  end: Date,
  rules: BookingRules,
): Promise<OutsideOpeningHours> {
  const [seat] = await db.select({ branchId: seats.branchId }).from(seats).where(eq(seats.id, seatId));
  const [schedule] = seat ? await loadSchedules(db, { ids: [seat.branchId] }) : [];
  // The hours may have changed again since the booking statement; say what holds now.
  const message =
    schedule && !isOpenDuring(schedule, start, end, rules.libraryTimezone)
      ? closedMessage(schedule, start, end, rules.libraryTimezone)
      : "The branch was closed for that time when you booked (its hours have just changed). Try again.";
  return new OutsideOpeningHours(message);
}

/** For a waitlist entry: its seat's or its branch's schedule must be open during the window. */
export async function assertOpenForWaitlist(
  db: Database,
  target: { seatId: number | null; branchId: number | null },
  start: Date,
  end: Date,
  rules: BookingRules,
): Promise<void> {
  let branchId = target.branchId;
  if (target.seatId !== null) {
    const [seat] = await db
      .select({ branchId: seats.branchId })
      .from(seats)
      .where(eq(seats.id, target.seatId));
    branchId = seat?.branchId ?? null;
  }
  if (branchId === null) return;
  const [schedule] = await loadSchedules(db, { ids: [branchId] });
  if (schedule) assertOpen(schedule, start, end, rules);
}

/**
 * Holds the branch's hours lock exclusively until the transaction ends: bookings in flight on the
 * branch finish first, later ones wait and then see this change (drizzle/0009 says why).
 */
async function lockBranchHours(tx: Database, branchId: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(9, ${branchId}::int)`);
}

/**
 * Holds the branch's hours lock shared, as a booking does, before a transaction inserts a
 * reservation row another way (a waitlist offer). Only tries: the offer's transaction may hold
 * reservation rows a closure waiting for this lock is about to cancel, and waiting would deadlock.
 * False: hours or closures of the branch are changing right now, so no offer is made.
 */
export async function tryLockBranchHoursShared(tx: Database, branchId: number): Promise<boolean> {
  const [row] = rowsOf<{ locked: boolean }>(
    await tx.execute(sql`select pg_try_advisory_xact_lock_shared(9, ${branchId}::int) as "locked"`),
  );
  return row?.locked === true;
}

/**
 * Every seat of the branch changed bookability with its hours: listings are stale (the catalog
 * version), and live clients are told per seat so an open finder refetches. "maintenance" is the
 * reason catalogue edits already use for a seat whose bookability changed without a reservation.
 */
async function announceBranch(db: Database, branchId: number, effects: Effects): Promise<void> {
  const rows = await db.select({ id: seats.id }).from(seats).where(eq(seats.branchId, branchId));
  for (const { id } of rows) effects.seat(id, "maintenance", null);
  effects.catalog();
}

export interface OpeningHoursView {
  branch: string;
  openingHours: OpeningStretch[];
}

/**
 * Replaces the branch's week. A day not listed is closed from now on; bookings already made are
 * kept (staff close a day for good with addClosure, which cancels them).
 */
export async function setOpeningHours(
  db: Database,
  input: SetOpeningHoursInput,
  effects: Effects,
  /** The staff member, named in the audit trail. */
  staffUserId: number,
): Promise<OpeningHoursView> {
  const week = checkWeek(input.hours);
  const branch = await scheduleNamed(db, input.branch);
  await db.transaction(async (tx) => {
    await lockBranchHours(tx, branch.branchId);
    await tx.delete(branchOpeningHours).where(eq(branchOpeningHours.branchId, branch.branchId));
    if (week.length > 0) {
      await tx
        .insert(branchOpeningHours)
        .values(week.map((s: Stretch) => ({ branchId: branch.branchId, ...s })));
    }
    await tx.update(branches).set({ hoursSet: true }).where(eq(branches.id, branch.branchId));
    await recordChange(tx, {
      entityType: "branch",
      entityId: branch.branchId,
      action: "hours_set",
      actorUserId: staffUserId,
      details: { openingHours: week.map(toOpeningStretch) },
    });
  });
  // Listings of the branch (its seats' availability, branches.list) depend on its hours.
  await announceBranch(db, branch.branchId, effects);
  return { branch: branch.name, openingHours: week.map(toOpeningStretch) };
}

/** The local day [from, to) of a "YYYY-MM-DD" date in the library's zone. */
function localDay(date: string, zone: string): { from: Date; to: Date; today: string } {
  const start = DateTime.fromISO(date, { zone }).startOf("day");
  if (!start.isValid) throw new RuleViolation(`date is not a real calendar date: "${date}"`);
  return {
    from: start.toJSDate(),
    to: start.plus({ days: 1 }).toJSDate(),
    today: DateTime.now().setZone(zone).toISODate() ?? "",
  };
}

export interface ClosureResult {
  branch: string;
  date: string;
  reason: string;
  /** Active reservations of that day cancelled, each student told the reason. */
  cancelled: number;
}

/**
 * Closes the branch for a whole local day: every active reservation overlapping that day is
 * cancelled in the same transaction, each student notified with the reason, and bookings for that
 * day are refused from the commit on (race-free: the exclusive hours lock, drizzle/0009).
 */
export async function addClosure(
  db: Database,
  input: AddClosureInput,
  rules: BookingRules,
  effects: Effects,
  /** The staff member: named in the audit trail, for the closure and each booking cancelled. */
  staffUserId: number,
): Promise<ClosureResult> {
  const zone = rules.libraryTimezone;
  const day = localDay(input.date, zone);
  if (input.date < day.today)
    throw new RuleViolation(`${input.date} is in the past: close today or a later day`);
  const branch = await scheduleNamed(db, input.branch);
  return db.transaction(async (tx) => {
    await lockBranchHours(tx, branch.branchId);
    const [added] = await tx
      .insert(branchClosures)
      .values({ branchId: branch.branchId, date: input.date, reason: input.reason })
      .onConflictDoNothing()
      .returning();
    if (!added) {
      throw new Conflict(
        `${branch.name} is already closed on ${input.date}. Remove that closure to change it.`,
      );
    }
    await announceBranch(tx, branch.branchId, effects);
    await recordChange(tx, {
      entityType: "branch",
      entityId: branch.branchId,
      action: "closure_added",
      actorUserId: staffUserId,
      reason: input.reason,
      details: { date: input.date },
    });
    const dayText = DateTime.fromJSDate(day.from, { zone }).setLocale("en-GB").toFormat("cccc d LLLL");
    const told = `${branch.name} is closed on ${dayText}: ${input.reason}`;
    // The audit trail records each cancellation as the staff member's, with the reason told.
    await actingAs(tx, { action: "staff_cancelled", actorUserId: staffUserId, reason: told });
    const cancelled = await tx
      .update(reservations)
      .set({ status: "CANCELLED", expiresAt: null })
      .where(
        and(
          eq(reservations.branchId, branch.branchId),
          inArray(reservations.status, [...ACTIVE_RESERVATION_STATUSES]),
          lt(reservations.startTime, day.to),
          gt(reservations.endTime, day.from),
        ),
      )
      .returning();
    if (cancelled.length > 0) {
      // A cancelled offer ends its waitlist entry, as a staff cancel does.
      await tx
        .update(waitlist)
        .set({ status: "LEFT" })
        .where(
          and(
            inArray(
              waitlist.offerReservationId,
              cancelled.map((r) => r.id),
            ),
            eq(waitlist.status, "OFFERED"),
          ),
        );
    }
    for (const r of cancelled) {
      effects.seat(r.seatId, "cancelled", r.userId).notify(
        await createNotification(tx, r.userId, "RESERVATION_CANCELLED", {
          reservationId: r.id,
          seatId: r.seatId,
          startTime: r.startTime.toISOString(),
          endTime: r.endTime.toISOString(),
          reason: told,
          closureReason: input.reason,
          closedDate: input.date,
        }),
      );
    }
    return { branch: branch.name, date: input.date, reason: input.reason, cancelled: cancelled.length };
  });
}

/** Opens a closed day again (reservations it cancelled stay cancelled). */
export async function removeClosure(
  db: Database,
  input: RemoveClosureInput,
  effects: Effects,
  /** The staff member, named in the audit trail. */
  staffUserId: number,
): Promise<{ branch: string; date: string; removed: true }> {
  const branch = await scheduleNamed(db, input.branch);
  await db.transaction(async (tx) => {
    await lockBranchHours(tx, branch.branchId);
    const removed = await tx
      .delete(branchClosures)
      .where(and(eq(branchClosures.branchId, branch.branchId), eq(branchClosures.date, input.date)))
      .returning();
    if (removed.length === 0) throw new NotFound(`${branch.name} has no closure on ${input.date}`);
    await recordChange(tx, {
      entityType: "branch",
      entityId: branch.branchId,
      action: "closure_removed",
      actorUserId: staffUserId,
      details: { date: input.date },
    });
  });
  await announceBranch(db, branch.branchId, effects);
  return { branch: branch.name, date: input.date, removed: true };
}

/** The pieces of SQL other services need to apply the rule in their own statements. */
export const openDuringSql = (branchId: SQL, from: Date, to: Date, zone: string): SQL =>
  sql`branch_open_during(${branchId}, ${pgTime(from)}, ${pgTime(to)}, ${zone})`;
