import { ACTIVE_RESERVATION_STATUSES, type Database, reservations, seats, users, waitlist } from "@dlsms/db";
import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import { Conflict, findPgErrorCode, NotFound } from "../errors";
import { actingAs, recordChange } from "./audit";
import { Effects } from "./events";
import { cancelSeatBookings } from "./maintenance.service";
import { createNotification } from "./notifications.service";

/** A booking retiring the seat would cancel, as staff see it before confirming. */
export interface RetiredBooking {
  id: number;
  studentId: string;
  userName: string;
  status: (typeof ACTIVE_RESERVATION_STATUSES)[number];
  startTime: string;
  endTime: string;
}

export interface RetirePreview {
  seatId: number;
  seatCode: string;
  /** Bookings that would be cancelled: every active one that has not ended. */
  cancelled: number;
  reservations: RetiredBooking[];
  /** Waitlist entries for this very seat that would end. */
  waitlistEntries: number;
}

export interface SeatRetirement {
  seatId: number;
  seatCode: string;
  status: "RETIRED";
  retiredAt: string;
  reason: string;
  cancelled: number;
  waitlistEntries: number;
}

/**
 * Retiring cancels every active booking of the seat that has not ended yet, a student checked in
 * now included: the seat is gone. Ended ones are history and stay as they are (the sweeper
 * completes them as usual).
 */
function cancelledByRetiring(seatId: number, now: Date): SQL | undefined {
  return and(
    eq(reservations.seatId, seatId),
    inArray(reservations.status, [...ACTIVE_RESERVATION_STATUSES]),
    gt(reservations.endTime, now),
  );
}

const waitingForSeat = (seatId: number): SQL | undefined =>
  and(eq(waitlist.seatId, seatId), eq(waitlist.status, "WAITING"));

/** What retiring the seat now would cancel; changes nothing. */
export async function retirePreview(db: Database, seatId: number): Promise<RetirePreview> {
  const now = new Date();
  const [seat] = await db
    .select({ id: seats.id, code: seats.code, status: seats.status })
    .from(seats)
    .where(eq(seats.id, seatId));
  if (!seat) throw new NotFound(`Seat ${seatId} does not exist`);
  if (seat.status === "RETIRED") throw alreadyRetired(seat.code);
  const [rows, waiting] = await Promise.all([
    db
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
      .where(cancelledByRetiring(seat.id, now))
      .orderBy(asc(reservations.startTime), asc(reservations.id)),
    db.select({ id: waitlist.id }).from(waitlist).where(waitingForSeat(seat.id)),
  ]);
  return {
    seatId: seat.id,
    seatCode: seat.code,
    cancelled: rows.length,
    reservations: rows.map((r) => ({
      ...r,
      // cancelledByRetiring selects only active statuses.
      status: r.status as RetiredBooking["status"],
      startTime: r.startTime.toISOString(),
      endTime: r.endTime.toISOString(),
    })),
    waitlistEntries: waiting.length,
  };
}

const alreadyRetired = (code: string) => new Conflict(`Seat ${code} has already been retired`);

const PG_DEADLOCK = "40P01";
const ATTEMPTS = 3;

/**
 * Takes the seat out of the catalogue for good: its status becomes RETIRED (the row and its past
 * reservations stay, for history and reports), every booking it still has ahead is cancelled and
 * every student waiting for it is told, with `reason`, through maintenance's cancellation path.
 *
 * No booking can slip in: the seat row is locked FOR UPDATE first, which waits for every
 * transaction that is inserting a reservation for it (they hold a key-share lock on it), so the
 * cancellation below sees their rows; any insert after that is skipped by the database's trigger
 * (drizzle/0011), which waits for this lock and then reads RETIRED.
 */
export async function retireSeat(
  db: Database,
  input: { seatId: number; reason: string; expectedCancellations?: number | undefined },
  effects: Effects,
  staffUserId: number,
): Promise<SeatRetirement> {
  for (let attempt = 1; ; attempt++) {
    // A fresh Effects per attempt: a rolled-back attempt must tell nobody anything.
    const recorded = new Effects();
    try {
      const result = await retireOnce(db, input, recorded, staffUserId);
      // Committed: what it recorded is now the caller's to flush (retireOnce always marks the catalogue).
      effects
        .notify(...recorded.notifications)
        .reservationsOf(...recorded.holders)
        .catalog();
      for (const change of recorded.seatChanges) effects.seat(change.seatId, change.reason, null);
      return result;
    } catch (error) {
      // Holding the seat lock while waiting for a booking's row can close a cycle with a cancel
      // that offers this seat to the waitlist; Postgres breaks it by failing one side. Try again.
      if (attempt < ATTEMPTS && findPgErrorCode(error) === PG_DEADLOCK) continue;
      throw error;
    }
  }
}

async function retireOnce(
  db: Database,
  input: { seatId: number; reason: string; expectedCancellations?: number | undefined },
  effects: Effects,
  staffUserId: number,
): Promise<SeatRetirement> {
  return db.transaction(async (tx) => {
    const [seat] = await tx
      .select({ id: seats.id, code: seats.code, status: seats.status })
      .from(seats)
      .where(eq(seats.id, input.seatId))
      .for("update");
    if (!seat) throw new NotFound(`Seat ${input.seatId} does not exist`);
    if (seat.status === "RETIRED") throw alreadyRetired(seat.code);
    const now = new Date();
    await tx
      .update(seats)
      .set({
        status: "RETIRED",
        retiredAt: now,
        retiredReason: input.reason,
        maintenanceUntil: null,
        maintenanceReason: null,
      })
      .where(eq(seats.id, seat.id));
    // Its listing entry and availability go: listings, lookups and live seat maps must hear of it.
    effects.seat(seat.id, "retired", null).catalog();
    const told = `Seat ${seat.code} has been taken out of service: ${input.reason}`;
    await recordChange(tx, {
      entityType: "seat",
      entityId: seat.id,
      action: "seat_retired",
      actorUserId: staffUserId,
      reason: input.reason,
    });
    // The bookings it cancels are the staff member's doing, with the reason, in their audit trail.
    await actingAs(tx, { action: "staff_cancelled", actorUserId: staffUserId, reason: told });
    const cancelled = await cancelSeatBookings(
      tx,
      seat,
      cancelledByRetiring(seat.id, now),
      { reason: told, retiredReason: input.reason },
      input.expectedCancellations,
      effects,
    );
    const ended = await tx
      .update(waitlist)
      .set({ status: "LEFT" })
      .where(waitingForSeat(seat.id))
      .returning();
    for (const entry of ended) {
      effects.notify(
        await createNotification(tx, entry.userId, "RESERVATION_CANCELLED", {
          waitlistId: entry.id,
          seatId: seat.id,
          startTime: entry.desiredStart.toISOString(),
          endTime: entry.desiredEnd.toISOString(),
          reason: told,
          retiredReason: input.reason,
        }),
      );
    }
    return {
      seatId: seat.id,
      seatCode: seat.code,
      status: "RETIRED" as const,
      retiredAt: now.toISOString(),
      reason: input.reason,
      cancelled: cancelled.length,
      waitlistEntries: ended.length,
    };
  });
}
