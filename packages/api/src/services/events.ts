import type { Bus, Cache } from "@dlsms/bus";

/** Bus channel carrying seat availability changes (consumed by `seats.onChange`). */
export const SEAT_CHANGES_CHANNEL = "seat-changes";
/** Cache key whose value versions every cached seat/branch listing. */
export const SEATS_VERSION_KEY = "seats:version";

export interface SeatChange {
  seatId: number;
  reason:
    | "booked"
    | "cancelled"
    | "released"
    | "checked_in"
    | "no_show"
    | "completed"
    | "offered"
    | "expired"
    | "claimed"
    | "declined"
    | "maintenance";
}

/**
 * Call after a transaction that changed seat availability has COMMITTED: invalidates cached
 * listings (by bumping the version key) and tells live subscribers. Never throws: the change
 * is already durable, and a cache or bus outage must not turn it into an error.
 */
export async function announceSeatChanges(
  deps: { cache: Cache; bus: Bus },
  changes: SeatChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await Promise.allSettled([
    deps.cache.incr(SEATS_VERSION_KEY),
    deps.bus.publish(SEAT_CHANGES_CHANNEL, { changes, at: new Date().toISOString() }),
  ]);
}
