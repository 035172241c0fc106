import { ACTIVE_RESERVATION_STATUSES, type Database, reservations, seats } from "@dlsms/db";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, NotFound } from "../errors";
import { addMinutes } from "../time";
import { comeBack } from "./away.service";
import { createReservation } from "./booking.service";
import type { Effects } from "./events";
import { checkIn } from "./lifecycle.service";
import { assertOpen, loadSchedules } from "./opening-hours";
import { closesWithin } from "./opening-hours-rules";
import { checkInWindow } from "./reservation-queries";
import { assertMayBook } from "./standing.service";
import { iso, type ReservationView, toReservationView } from "./views";

export type ScanOutcome = "checked_in" | "booked" | "taken";

export interface ScanResult {
  outcome: ScanOutcome;
  /** The seat scanned, so a page opened from its code can name it and offer its waitlist. */
  seat: { id: number; code: string };
  reservation?: ReservationView;
  /** When "taken": when the seat is next free (the end of the bookings holding it), or null. */
  freeFrom?: string | null;
}

/**
 * A student scanned the QR code on a seat: check in to their booking of it, or take the free
 * seat from now (a walk-up booking, checked in at once, every booking rule applying), or learn
 * when it is next free. The database's exclusion constraint decides between simultaneous scans.
 */
export async function scanSeat(
  db: Database,
  userId: number,
  seatCode: string,
  rules: BookingRules,
  effects: Effects,
): Promise<ScanResult> {
  const now = new Date();
  const [seat] = await db
    .select({
      id: seats.id,
      code: seats.code,
      branchId: seats.branchId,
      status: seats.status,
      maintenanceUntil: seats.maintenanceUntil,
    })
    .from(seats)
    .where(eq(seats.code, seatCode));
  if (!seat || seat.status === "RETIRED") throw new NotFound(`There is no seat ${seatCode}`);
  const label = { id: seat.id, code: seat.code };

  const holding = await holdingFrom(db, seat.id, now);

  const own = holding.find((r) => r.userId === userId && inCheckInWindow(r, now, rules));
  if (own?.status === "CHECKED_IN")
    return { outcome: "checked_in", seat: label, reservation: toReservationView(own) };
  // Back from a break: scanning one's own seat ends it, as "I'm back" does.
  if (own?.status === "AWAY")
    return {
      outcome: "checked_in",
      seat: label,
      reservation: await comeBack(db, userId, own.id, rules, effects),
    };
  if (own?.status === "CONFIRMED")
    return {
      outcome: "checked_in",
      seat: label,
      reservation: await checkIn(db, userId, own.id, rules, effects),
    };

  const taken = (): ScanResult => ({
    outcome: "taken",
    seat: label,
    freeFrom: freeAfter(holding, seatFreeFrom(seat, now)),
  });
  if (seat.status !== "ACTIVE") return taken();
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const next = holding.find((r) => r.endTime > start)?.startTime;
  if (next !== undefined && next <= now) return taken();
  const longest = addMinutes(start, rules.walkupMinutes);
  let end = next !== undefined && next < longest ? next : longest;
  // Never past the branch's closing time; closed now is refused with its hours, like every booking.
  const [schedule] = await loadSchedules(db, { ids: [seat.branchId] }, now);
  if (schedule) {
    assertOpen(schedule, start, addMinutes(start, 1), rules);
    const closing = closesWithin(schedule, start, end, rules.libraryTimezone);
    if (closing !== undefined) end = closing;
  }
  // Free, but not for long enough to book: next free after the bookings that follow.
  if (end.getTime() - start.getTime() < rules.minDurationMinutes * 60_000)
    return { outcome: "taken", seat: label, freeFrom: freeAfter(holding, end) };

  // Taking the seat is a booking: refused while suspended (checking in to one's own is not).
  await assertMayBook(db, userId, rules, now);
  let booked: ReservationView;
  try {
    booked = await createReservation(
      db,
      userId,
      { seatId: seat.id, startTime: start.toISOString(), endTime: end.toISOString() },
      rules,
      effects,
    );
  } catch (error) {
    // Someone else's booking won the seat (another scan, a booking): say when it is free again.
    if (error instanceof Conflict) {
      const after = await holdingFrom(db, seat.id, now);
      if (after[0] !== undefined && after[0].startTime < end)
        return { outcome: "taken", seat: label, freeFrom: freeAfter(after, now) };
    }
    throw error;
  }
  return {
    outcome: "booked",
    seat: label,
    reservation: await checkIn(db, userId, booked.id, rules, effects),
  };
}

function inCheckInWindow(
  r: { startTime: Date; endTime: Date; status: string },
  now: Date,
  rules: BookingRules,
): boolean {
  const { opensAt, closesAt } = checkInWindow(r, rules);
  // Already seated (checked in early, perhaps): until the booking ends.
  if (r.status === "CHECKED_IN" || r.status === "AWAY") return opensAt <= now && now < r.endTime;
  return opensAt <= now && now <= closesAt;
}

/** A seat under maintenance is free again when its closure ends (if it has an end). */
function seatFreeFrom(seat: { status: string; maintenanceUntil: Date | null }, now: Date): Date | null {
  if (seat.status === "ACTIVE") return now;
  return seat.maintenanceUntil && seat.maintenanceUntil > now ? seat.maintenanceUntil : null;
}

/** The first moment from `from` on that no booking (in start order) holds the seat. */
function freeAfter(holding: { startTime: Date; endTime: Date }[], from: Date | null): string | null {
  if (from === null) return null;
  let cursor = from;
  for (const r of holding) {
    if (r.startTime > cursor) break;
    if (r.endTime > cursor) cursor = r.endTime;
  }
  return iso(cursor);
}

/** The seat's bookings that still hold it after `from`, in start order. */
function holdingFrom(db: Database, seatId: number, from: Date) {
  return db
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.seatId, seatId),
        inArray(reservations.status, [...ACTIVE_RESERVATION_STATUSES]),
        gt(reservations.endTime, from),
      ),
    )
    .orderBy(asc(reservations.startTime))
    .limit(50);
}
