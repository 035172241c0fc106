import { ACTIVE_STATUSES, overlaps, type Reservation } from "../../lib/types";

/**
 * The server says "You already have a reservation for seat ML-03 from … that overlaps this
 * time" when the clash is with the student's own booking (booking.service.ts ownOverlap), and
 * "Seat … is already booked" when someone else holds the seat. Returns the own seat's code.
 */
export function ownConflictSeat(message: string): string | null {
  const match = /^You already have a reservation for seat (\S+) from /.exec(message);
  return match?.[1] ?? null;
}

/** The student's active booking that blocks the window: on the named seat if there is one. */
export function blockingReservation(
  mine: readonly Reservation[] | undefined,
  seatCode: string,
  window: { startTime: string; endTime: string },
): Reservation | undefined {
  const blocking = (mine ?? []).filter(
    (r) =>
      ACTIVE_STATUSES.has(r.status) && overlaps(r.startTime, r.endTime, window.startTime, window.endTime),
  );
  return blocking.find((r) => r.seatCode === seatCode) ?? blocking[0];
}
