import { branches, type Database, reservations, seats, users, waitlist } from "@dlsms/db";
import { and, asc, desc, eq, gt, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound, RuleViolation } from "../errors";
import { parseLibraryTime } from "../time";
import { actingAs } from "./audit";
import type { Effects } from "./events";
import { createNotification } from "./notifications.service";
import { seatFreed } from "./offers";
import { type ReservationView, toReservationView } from "./views";

export interface StaffReservationView extends ReservationView {
  studentId: string;
  userName: string;
  seatCode: string;
  branch: string;
}

export async function listAllReservations(
  db: Database,
  input: {
    status?: ReservationView["status"];
    seatId?: number;
    studentId?: string;
    from?: string;
    to?: string;
    limit: number;
    offset: number;
  },
  rules: BookingRules,
): Promise<{ reservations: StaffReservationView[]; total: number }> {
  const filters: SQL[] = [];
  if (input.status) filters.push(eq(reservations.status, input.status));
  if (input.seatId) filters.push(eq(reservations.seatId, input.seatId));
  if (input.studentId) filters.push(eq(users.studentId, input.studentId));
  if (input.from)
    filters.push(gt(reservations.endTime, parseLibraryTime(input.from, rules.libraryTimezone, "from")));
  if (input.to)
    filters.push(lt(reservations.startTime, parseLibraryTime(input.to, rules.libraryTimezone, "to")));
  const where = and(...filters);
  const rows = await db
    .select({
      r: reservations,
      studentId: users.studentId,
      userName: users.name,
      seatCode: seats.code,
      branch: branches.name,
    })
    .from(reservations)
    .innerJoin(users, eq(users.id, reservations.userId))
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .innerJoin(branches, eq(branches.id, seats.branchId))
    .where(where)
    .orderBy(desc(reservations.startTime), desc(reservations.id))
    .limit(input.limit)
    .offset(input.offset);
  const [total] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(reservations)
    .innerJoin(users, eq(users.id, reservations.userId))
    .where(where);
  return {
    reservations: rows.map(({ r, ...rest }) => ({ ...toReservationView(r), ...rest })),
    total: total?.n ?? 0,
  };
}

/**
 * Staff cancel: a HELD or CONFIRMED reservation of anyone, at any time. The student is told why
 * (RESERVATION_CANCELLED) and the freed slot goes to the waitlist, in one transaction.
 */
export async function staffCancel(
  db: Database,
  id: number,
  reason: string | undefined,
  rules: BookingRules,
  effects: Effects,
  /** The staff member cancelling: the audit trail's staff_cancelled names them. */
  staffUserId: number,
): Promise<ReservationView> {
  const row = await db.transaction(async (tx) => {
    await actingAs(tx, { action: "staff_cancelled", actorUserId: staffUserId, reason });
    const [cancelled] = await tx
      .update(reservations)
      .set({ status: "CANCELLED", expiresAt: null })
      .where(and(eq(reservations.id, id), inArray(reservations.status, ["HELD", "CONFIRMED"])))
      .returning();
    if (!cancelled) return undefined;
    await tx
      .update(waitlist)
      .set({ status: "LEFT" })
      .where(and(eq(waitlist.offerReservationId, id), eq(waitlist.status, "OFFERED")));
    effects.notify(
      await createNotification(tx, cancelled.userId, "RESERVATION_CANCELLED", {
        reservationId: cancelled.id,
        seatId: cancelled.seatId,
        startTime: cancelled.startTime.toISOString(),
        endTime: cancelled.endTime.toISOString(),
        reason: reason ?? "Cancelled by library staff",
      }),
    );
    await seatFreed(tx, cancelled, "cancelled", rules, effects);
    return cancelled;
  });
  if (row) return toReservationView(row);
  const [existing] = await db
    .select({ status: reservations.status })
    .from(reservations)
    .where(eq(reservations.id, id));
  if (!existing) throw new NotFound(`Reservation ${id} not found`);
  throw new RuleViolation(
    `Only held or confirmed reservations can be cancelled; this one is ${existing.status}`,
  );
}

/**
 * The original's NotifyUsers, done properly: tells the earliest not-yet-notified waiter for
 * this seat (or, failing that, for its branch) that the seat is available.
 */
export async function notifyWaitlist(
  db: Database,
  seatId: number,
  message: string | undefined,
  effects: Effects,
) {
  return db.transaction(async (tx) => {
    const [seat] = await tx
      .select({ id: seats.id, branchId: seats.branchId })
      .from(seats)
      .where(eq(seats.id, seatId));
    if (!seat) throw new NotFound(`Seat ${seatId} does not exist`);
    const pick = (target: SQL) =>
      tx
        .select({ id: waitlist.id, userId: waitlist.userId, studentId: users.studentId })
        .from(waitlist)
        .innerJoin(users, eq(users.id, waitlist.userId))
        .where(
          and(
            target,
            eq(waitlist.status, "WAITING"),
            isNull(waitlist.notifiedAt),
            gt(waitlist.desiredEnd, new Date()),
          ),
        )
        .orderBy(asc(waitlist.createdAt), asc(waitlist.id))
        .limit(1)
        .for("update", { of: waitlist, skipLocked: true });
    const [entry] = (await pick(eq(waitlist.seatId, seat.id))).concat(
      await pick(eq(waitlist.branchId, seat.branchId)),
    );
    const text = message ?? "A seat has become available";
    if (!entry)
      return {
        notified: false as const,
        userId: 0,
        studentId: "",
        message: "No students are waiting for this seat",
      };
    await tx.update(waitlist).set({ notifiedAt: new Date() }).where(eq(waitlist.id, entry.id));
    effects.notify(
      await createNotification(tx, entry.userId, "SEAT_AVAILABLE", {
        seatId,
        waitlistId: entry.id,
        message: text,
      }),
    );
    return { notified: true as const, userId: entry.userId, studentId: entry.studentId, message: text };
  });
}
