import { type Database, type Reservation, reservations, seats, users, waitlist } from "@dlsms/db";
import { and, asc, eq, gt, inArray, lt, lte, ne, type SQL } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, NotFound, RuleViolation } from "../errors";
import { formatForPeople, parseLibraryTime } from "../time";
import { actingAs, recordChange } from "./audit";
import type { Effects } from "./events";
import { createNotification } from "./notifications.service";
import { isoOrNull } from "./views";

type SeatStatus = "ACTIVE" | "MAINTENANCE";

/** A booking a maintenance closure would cancel, as staff see it before confirming. */
export interface AffectedBooking {
  id: number;
  studentId: string;
  userName: string;
  status: "HELD" | "CONFIRMED";
  startTime: string;
  endTime: string;
}

export interface MaintenancePreview {
  seatId: number;
  seatCode: string;
  status: SeatStatus;
  /** The closure in force now, if any. */
  maintenanceUntil: string | null;
  maintenanceReason: string | null;
  /** The end of the closure previewed (null: open-ended). */
  until: string | null;
  cancelled: number;
  reservations: AffectedBooking[];
}

export interface SeatStatusChange {
  seatId: number;
  status: SeatStatus;
  cancelled: number;
  until: string | null;
  reason: string | null;
}

/**
 * The bookings a closure over [now, until) cancels: held or confirmed ones that have not ended
 * and start before `until`. Checked-in students are left alone; later bookings are kept.
 */
function affectedBy(seatId: number, now: Date, until: Date | null): SQL | undefined {
  return and(
    eq(reservations.seatId, seatId),
    inArray(reservations.status, ["HELD", "CONFIRMED"]),
    gt(reservations.endTime, now),
    until ? lt(reservations.startTime, until) : undefined,
  );
}

function closureEnd(until: string | undefined, rules: BookingRules, now: Date): Date | null {
  if (until === undefined) return null;
  const end = parseLibraryTime(until, rules.libraryTimezone, "until");
  if (end <= now) throw new RuleViolation("until must be in the future: the closure would already be over");
  return end;
}

/** What closing the seat now (until `until`) would cancel; changes nothing. */
export async function maintenancePreview(
  db: Database,
  input: { seatId: number; until?: string | undefined },
  rules: BookingRules,
): Promise<MaintenancePreview> {
  const now = new Date();
  const until = closureEnd(input.until, rules, now);
  const [seat] = await db.select().from(seats).where(eq(seats.id, input.seatId));
  if (!seat) throw new NotFound(`Seat ${input.seatId} does not exist`);
  if (seat.status === "RETIRED") throw seatRetired(seat.code);
  const rows = await db
    .select({
      id: reservations.id,
      studentId: users.studentId,
      userName: users.name,
      status: reservations.status,
      startTime: reservations.startTime,
      endTime: reservations.endTime,
    })
    .from(reservations)
    .innerJoin(users, eq(users.id, reservations.userId))
    .where(affectedBy(seat.id, now, until))
    .orderBy(asc(reservations.startTime), asc(reservations.id));
  return {
    seatId: seat.id,
    seatCode: seat.code,
    status: seat.status,
    maintenanceUntil: isoOrNull(seat.maintenanceUntil),
    maintenanceReason: seat.maintenanceReason,
    until: isoOrNull(until),
    cancelled: rows.length,
    reservations: rows.map((r) => ({
      ...r,
      // affectedBy selects only these two statuses.
      status: r.status as AffectedBooking["status"],
      startTime: r.startTime.toISOString(),
      endTime: r.endTime.toISOString(),
    })),
  };
}

/**
 * Maintenance: the seat can no longer be booked, and the held or confirmed bookings the closure
 * overlaps are cancelled, each student told why. With `until` the seat reopens by itself then
 * (the sweeper) and bookings from then on are kept. ACTIVE reopens the seat now.
 */
export async function setSeatStatus(
  db: Database,
  input: {
    seatId: number;
    status: SeatStatus;
    reason?: string | undefined;
    until?: string | undefined;
    expectedCancellations?: number | undefined;
  },
  rules: BookingRules,
  effects: Effects,
  /** The staff member: named in the audit trail, for the seat and for each booking cancelled. */
  staffUserId: number,
): Promise<SeatStatusChange> {
  const now = new Date();
  const closing = input.status === "MAINTENANCE";
  const until = closing ? closureEnd(input.until, rules, now) : null;
  const reason = closing ? (input.reason ?? null) : null;
  return db.transaction(async (tx) => {
    const [seat] = await tx
      .update(seats)
      .set({ status: input.status, maintenanceUntil: until, maintenanceReason: reason })
      // A retired seat stays retired: neither closing nor reopening brings it back.
      .where(and(eq(seats.id, input.seatId), ne(seats.status, "RETIRED")))
      .returning({ id: seats.id, code: seats.code });
    if (!seat) throw new NotFound(`Seat ${input.seatId} does not exist or has been retired`);
    const result = { seatId: seat.id, status: input.status, until: isoOrNull(until), reason };
    // The status is part of the seat catalogue listings are made from (branch-catalogue.ts).
    effects.seat(seat.id, "maintenance", null).catalog();
    await recordChange(tx, {
      entityType: "seat",
      entityId: seat.id,
      action: closing ? "maintenance_started" : "reopened",
      actorUserId: staffUserId,
      reason,
      details: { status: input.status, until: isoOrNull(until) },
    });
    if (!closing) return { ...result, cancelled: 0 };
    const told = `Seat ${seat.code} is closed for maintenance${
      until ? ` until ${formatForPeople(until, rules.libraryTimezone)}` : ""
    }${reason ? `: ${reason}` : ""}`;
    await actingAs(tx, { action: "staff_cancelled", actorUserId: staffUserId, reason: told });
    const cancelled = await cancelSeatBookings(
      tx,
      { id: seat.id, code: seat.code },
      affectedBy(seat.id, now, until),
      { reason: told, maintenanceReason: reason, maintenanceUntil: isoOrNull(until) },
      input.expectedCancellations,
      effects,
    );
    return { ...result, cancelled: cancelled.length };
  });
}

/**
 * Inside the caller's transaction: cancels the seat's bookings that `where` selects, ends the
 * waitlist offers among them, and sends each student a RESERVATION_CANCELLED notification with
 * `notice` (its `reason` is the sentence they read). With `expected` (the preview's count) a
 * different number of bookings throws CONFLICT, which rolls the caller's whole change back.
 * Shared by maintenance closures and retiring a seat (retire.service.ts).
 */
export async function cancelSeatBookings(
  tx: Database,
  seat: { id: number; code: string },
  where: SQL | undefined,
  notice: { reason: string } & Record<string, unknown>,
  expected: number | undefined,
  effects: Effects,
): Promise<Reservation[]> {
  const cancelled = await tx
    .update(reservations)
    .set({ status: "CANCELLED", expiresAt: null })
    .where(where)
    .returning();
  if (expected !== undefined && expected !== cancelled.length) {
    // Throwing rolls the whole change back: staff confirmed a different set of bookings.
    throw new Conflict(
      `The bookings on seat ${seat.code} changed since the preview: ${cancelled.length} would be cancelled, not ${expected}. Review them and confirm again.`,
    );
  }
  if (cancelled.length === 0) return cancelled;
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
  for (const r of cancelled) {
    effects.reservationsOf(r.userId).notify(
      await createNotification(tx, r.userId, "RESERVATION_CANCELLED", {
        reservationId: r.id,
        seatId: seat.id,
        startTime: r.startTime.toISOString(),
        endTime: r.endTime.toISOString(),
        ...notice,
      }),
    );
  }
  return cancelled;
}

/** Staff asked to change a seat that is out of the catalogue for good. */
export const seatRetired = (code: string) => new NotFound(`Seat ${code} has been retired`);

/** Sweeper step: seats whose maintenance has ended are bookable again. Returns how many. */
export async function reopenEndedMaintenance(db: Database, now: Date, effects: Effects): Promise<number> {
  const reopened = await db.transaction(async (tx) => {
    const rows = await tx
      .update(seats)
      .set({ status: "ACTIVE", maintenanceUntil: null, maintenanceReason: null })
      .where(and(eq(seats.status, "MAINTENANCE"), lte(seats.maintenanceUntil, now)))
      .returning({ id: seats.id });
    for (const { id } of rows) {
      await recordChange(tx, { entityType: "seat", entityId: id, action: "reopened", actorUserId: null });
    }
    return rows;
  });
  for (const { id } of reopened) effects.seat(id, "maintenance", null).catalog();
  return reopened.length;
}
