import { type Database, type Reservation, reservations, rowsOf, seats, waitlist } from "@dlsms/db";
import { eq, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { addMinutes, MINUTE_MS } from "../time";
import { pgTime } from "./availability";
import type { Effects, SeatChangeReason } from "./events";
import { createNotification } from "./notifications.service";
import { openDuringSql, tryLockBranchHoursShared } from "./opening-hours";

interface Candidate {
  id: number;
  userId: number;
  desiredStart: Date;
  desiredEnd: Date;
}

const CANDIDATES_PER_FREED_SLOT = 25;

async function openDuring(tx: Database, branchId: number, start: Date, end: Date, zone: string) {
  const [row] = rowsOf<{ open: boolean }>(
    await tx.execute(sql`select ${openDuringSql(sql`${branchId}::int`, start, end, zone)} as "open"`),
  );
  return row?.open === true;
}

/** A reservation that just ended or gave up (part of) its slot. */
type Ended = Pick<Reservation, "seatId" | "userId" | "startTime" | "endTime">;

/**
 * `ended` has just freed its seat — for the rest of its slot, or for [from, to) when given —
 * call this in the SAME transaction as the change that freed it. It records the seat change
 * (`reason`, holder = the student whose reservation freed the seat) for live listeners and read
 * models, and the earliest waiting entry that matches (this seat, or any seat of its branch
 * with the wanted amenities) and whose window overlaps gets an OFFER: a HELD reservation for
 * its window and a notification. First come, first served.
 *
 * "Never two holders" is the database's: the HELD row goes through the same EXCLUDE
 * constraints (ON CONFLICT DO NOTHING), so a waiter whose window is not wholly free, or who
 * holds another overlapping reservation, is skipped for the next one. Candidate entries are
 * locked SKIP LOCKED so two concurrent frees never offer the same entry twice.
 */
export async function seatFreed(
  tx: Database,
  ended: Ended,
  reason: SeatChangeReason,
  rules: BookingRules,
  effects: Effects,
  slot: { from?: Date; to?: Date } = {},
): Promise<{ reservationId: number; userId: number } | null> {
  const freed = {
    seatId: ended.seatId,
    from: slot.from ?? ended.startTime,
    to: slot.to ?? ended.endTime,
  };
  effects.seat(freed.seatId, reason, ended.userId);
  const now = new Date();
  const from = freed.from < now ? now : freed.from;
  if (freed.to.getTime() - from.getTime() < MINUTE_MS) return null;

  const [seat] = await tx
    .select({
      id: seats.id,
      branchId: seats.branchId,
      hasPower: seats.hasPower,
      hasMonitor: seats.hasMonitor,
      status: seats.status,
    })
    .from(seats)
    .where(eq(seats.id, freed.seatId))
    .limit(1);
  if (seat?.status !== "ACTIVE") return null;
  // An offer is a booking made for the waiter: only for a window the branch is open throughout,
  // checked under the branch's shared hours lock as book_seat does (drizzle/0009).
  if (!(await tryLockBranchHoursShared(tx, seat.branchId))) return null;
  const zone = rules.libraryTimezone;

  const result = await tx.execute(sql`
    select w.id, w.user_id as "userId", w.desired_start as "desiredStart", w.desired_end as "desiredEnd"
    from waitlist w
    where w.status = 'WAITING'
      and w.desired_start < ${pgTime(freed.to)} and w.desired_end > ${pgTime(from)}
      and w.desired_end > ${pgTime(addMinutes(now, 1))}
      and (w.seat_id = ${seat.id}
           or (w.branch_id = ${seat.branchId}
               and (w.has_power is null or w.has_power = ${seat.hasPower})
               and (w.has_monitor is null or w.has_monitor = ${seat.hasMonitor})))
    order by w.created_at, w.id
    limit ${CANDIDATES_PER_FREED_SLOT}
    for update of w skip locked`);
  const candidates = rowsOf<Candidate>(result);

  for (const c of candidates) {
    const desiredStart = new Date(c.desiredStart);
    const start = desiredStart < now ? now : desiredStart;
    const end = new Date(c.desiredEnd);
    if (!(await openDuring(tx, seat.branchId, start, end, zone))) continue;
    const expiresAt = addMinutes(now, rules.offerMinutes);
    const [held] = await tx
      .insert(reservations)
      .values({
        userId: c.userId,
        seatId: seat.id,
        startTime: start,
        endTime: end,
        status: "HELD",
        expiresAt,
      })
      .onConflictDoNothing()
      .returning();
    if (!held) continue;
    await tx
      .update(waitlist)
      .set({ status: "OFFERED", offerReservationId: held.id, notifiedAt: now })
      .where(eq(waitlist.id, c.id));
    effects
      .notify(
        await createNotification(tx, c.userId, "OFFER", {
          reservationId: held.id,
          waitlistId: c.id,
          seatId: seat.id,
          startTime: start.toISOString(),
          endTime: end.toISOString(),
          expiresAt: expiresAt.toISOString(),
        }),
      )
      .seat(seat.id, "offered", c.userId);
    return { reservationId: held.id, userId: c.userId };
  }
  return null;
}
