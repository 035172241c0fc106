import { type Database, seats, users } from "@dlsms/db";
import type { BookForInput } from "@dlsms/validators";
import { and, asc, eq, ilike, or, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { DomainError, NotFound } from "../errors";
import { listAllReservations, type StaffReservationView } from "./admin.service";
import { actingAs } from "./audit";
import { createReservation } from "./booking.service";
import type { Effects } from "./events";
import { createNotification } from "./notifications.service";
import type { ReservationView, UserView } from "./views";

/** The staff desk: find a student, see their bookings, book for them. */

/** A student by the id on their card; `lock` holds their row for the caller's transaction. */
export async function studentByStudentId(db: Database, studentId: string, lock = false) {
  const query = db
    .select({ id: users.id, studentId: users.studentId, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.studentId, studentId), eq(users.role, "student")))
    .limit(1);
  const [student] = lock ? await query.for("no key update") : await query;
  if (!student) throw new NotFound(`There is no student with student id ${studentId}`);
  return student;
}

/**
 * Books for a student as they would book themselves (every rule, their limits, the same one
 * statement), in a transaction that first records the staff member as the actor: the audit
 * trigger writes `booked_for` with them, and the student is told in the same transaction.
 */
export async function bookFor(
  db: Database,
  staffUserId: number,
  input: BookForInput,
  rules: BookingRules,
  effects: Effects,
): Promise<ReservationView> {
  const student = await studentByStudentId(db, input.studentId);
  const { studentId: _, ...booking } = input;
  const reservation = await db
    .transaction(async (tx) => {
      await actingAs(tx, { action: "booked_for", actorUserId: staffUserId });
      const booked = await createReservation(tx, student.id, booking, rules, effects);
      const [seat] = await tx.select({ code: seats.code }).from(seats).where(eq(seats.id, booked.seatId));
      effects.notify(
        await createNotification(tx, student.id, "RESERVATION_BOOKED", {
          reservationId: booked.id,
          seatId: booked.seatId,
          seatCode: seat?.code ?? null,
          startTime: booked.startTime,
          endTime: booked.endTime,
        }),
      );
      return booked;
    })
    .catch((error: unknown) => {
      // The rules speak to the student ("You already have…"): say whose booking it was.
      if (error instanceof DomainError) {
        throw new DomainError(error.code, `${student.name} (${student.studentId}): ${error.message}`);
      }
      throw error;
    });
  return reservation;
}

export interface StudentSummary extends UserView {
  /** Held, confirmed or checked-in reservations that have not ended. */
  upcoming: number;
}

/** LIKE pattern characters typed by staff match themselves. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Students whose student id starts with, or whose name contains, `query` (any case). */
export async function searchStudents(
  db: Database,
  input: { query: string; limit: number; offset: number },
): Promise<{ students: StudentSummary[]; total: number }> {
  const q = likeEscaped(input.query);
  const where = and(
    eq(users.role, "student"),
    q ? or(ilike(users.studentId, `${q}%`), ilike(users.name, `%${q}%`)) : undefined,
  );
  const rows = await db
    .select({
      id: users.id,
      studentId: users.studentId,
      name: users.name,
      role: users.role,
      upcoming: sql<number>`(select count(*)::int from reservations r where r.user_id = ${users.id}
        and r.status in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY') and r.end_time > now())`,
    })
    .from(users)
    .where(where)
    .orderBy(asc(users.studentId))
    .limit(input.limit)
    .offset(input.offset);
  const [total] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  return { students: rows, total: total?.n ?? 0 };
}

/** One student and their reservations, newest first, as staff see them. */
export async function studentReservations(
  db: Database,
  input: { studentId: string; limit: number; offset: number },
  rules: BookingRules,
): Promise<{ student: UserView; reservations: StaffReservationView[]; total: number }> {
  const student = await studentByStudentId(db, input.studentId);
  const list = await listAllReservations(
    db,
    { studentId: student.studentId, limit: input.limit, offset: input.offset },
    rules,
  );
  return { student, ...list };
}
