import { ACTIVE_RESERVATION_STATUSES, type Database, type Reservation, reservations, seats } from "@dlsms/db";
import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound } from "../errors";
import { addMinutes } from "../time";
import { type ReservationView, toReservationView } from "./views";

const active = [...ACTIVE_RESERVATION_STATUSES];

export interface MyReservationView extends ReservationView {
  seatCode: string;
  branch: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
  /** The check-in window under the server's configuration, so clients need not guess it. */
  checkInOpensAt: string;
  checkInClosesAt: string;
}

function withCheckInWindow(r: Reservation, rules: BookingRules) {
  const { opensAt, closesAt } = checkInWindow(r, rules);
  return {
    ...toReservationView(r),
    checkInOpensAt: opensAt.toISOString(),
    checkInClosesAt: closesAt.toISOString(),
  };
}

const withSeat = sql<string>`(select b.name from branches b where b.id = ${seats.branchId})`;

export async function myReservations(
  db: Database,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservationView[]> {
  const now = new Date();
  const where = upcomingOnly
    ? and(
        eq(reservations.userId, userId),
        inArray(reservations.status, active),
        gt(reservations.endTime, now),
      )
    : eq(reservations.userId, userId);
  const rows = await db
    .select({
      r: reservations,
      seatCode: seats.code,
      branch: withSeat,
      area: seats.area,
      hasPower: seats.hasPower,
      hasMonitor: seats.hasMonitor,
    })
    .from(reservations)
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .where(where)
    .orderBy(upcomingOnly ? asc(reservations.startTime) : desc(reservations.startTime))
    .limit(500);
  return rows.map(({ r, ...seat }) => ({ ...withCheckInWindow(r, rules), ...seat }));
}

/** The caller's own reservation; someone else's is indistinguishable from a missing one. */
export async function findOwnReservation(db: Database, userId: number, id: number): Promise<Reservation> {
  const [row] = await db
    .select()
    .from(reservations)
    .where(and(eq(reservations.id, id), eq(reservations.userId, userId)))
    .limit(1);
  if (!row) throw new NotFound(`Reservation ${id} not found`);
  return row;
}

export async function getReservation(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
): Promise<MyReservationView> {
  const [row] = await db
    .select({
      r: reservations,
      seatCode: seats.code,
      branch: withSeat,
      area: seats.area,
      hasPower: seats.hasPower,
      hasMonitor: seats.hasMonitor,
    })
    .from(reservations)
    .innerJoin(seats, eq(seats.id, reservations.seatId))
    .where(and(eq(reservations.id, id), eq(reservations.userId, userId)))
    .limit(1);
  if (!row) throw new NotFound(`Reservation ${id} not found`);
  const { r, ...seat } = row;
  return { ...withCheckInWindow(r, rules), ...seat };
}

export function checkInWindow(r: Pick<Reservation, "startTime">, rules: BookingRules) {
  return {
    opensAt: addMinutes(r.startTime, -rules.checkInEarlyMinutes),
    closesAt: addMinutes(r.startTime, rules.graceMinutes),
  };
}
