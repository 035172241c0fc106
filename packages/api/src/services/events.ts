import type { Bus, Cache } from "@dlsms/bus";
import type { NotificationView } from "./views";

/** Bus channel carrying seat availability changes (consumed by `seats.onChange`). */
export const SEAT_CHANGES_CHANNEL = "seat-changes";
/** Per-user bus channel carrying that user's notifications (consumed by `notifications.onEvent`). */
export const notificationChannel = (userId: number) => `notifications:${userId}`;
/** Cache key whose value versions every cached seat/branch listing. */
export const SEATS_VERSION_KEY = "seats:version";
/** Cache key versioning one student's reservations (their cached `reservations.mine`). */
export const reservationsVersionKey = (userId: number) => `reservations:user:${userId}:version`;
/** Cache key versioning what a reservation view shows of seats and branches (code, area, …). */
export const CATALOG_VERSION_KEY = "catalog:version";

export type SeatChangeReason =
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
  | "maintenance"
  | "retired"
  | "away"
  | "back"
  | "away_ended";

export interface SeatChange {
  seatId: number;
  reason: SeatChangeReason;
}

export interface SeatChangeMessage {
  changes: SeatChange[];
  at: string;
}

/**
 * What a change must tell the world once its transaction has COMMITTED. Services record into
 * it inside the transaction; the caller flushes after commit (a rolled-back transaction
 * throws, so nothing is flushed). Notifications are already rows: the bus only makes them
 * live, and a lost message is replayed from the table.
 */
export class Effects {
  readonly notifications: NotificationView[] = [];
  readonly seatChanges: SeatChange[] = [];
  /** Students whose reservations changed: their cached `reservations.mine` is stale. */
  readonly holders = new Set<number>();
  /** Set when cached listings are stale without any one seat changing (e.g. a new branch). */
  private listingsChanged = false;
  private catalogChanged = false;

  invalidateListings(): this {
    this.listingsChanged = true;
    return this;
  }

  /** Seats or branches were created or edited: listings and every reservation view are stale. */
  catalog(): this {
    this.catalogChanged = true;
    return this.invalidateListings();
  }

  /** These students' reservations changed (without a seat's availability necessarily changing). */
  reservationsOf(...userIds: number[]): this {
    for (const id of userIds) this.holders.add(id);
    return this;
  }

  notify(...rows: NotificationView[]): this {
    this.notifications.push(...rows);
    return this;
  }

  /**
   * A seat's availability changed; `holder` is the student whose reservation changed with it
   * (null only when no reservation did, e.g. a seat put under maintenance).
   */
  seat(seatId: number, reason: SeatChangeReason, holder: number | null): this {
    this.seatChanges.push({ seatId, reason });
    if (holder !== null) this.holders.add(holder);
    return this;
  }

  get isEmpty() {
    return (
      this.notifications.length === 0 &&
      this.seatChanges.length === 0 &&
      this.holders.size === 0 &&
      !this.listingsChanged
    );
  }

  /** Never throws: the change is durable already; a cache or bus outage must not fail it. */
  async flush(deps: { cache: Cache; bus: Bus }): Promise<void> {
    if (this.isEmpty) return;
    // The catalog version moves before the seats version does: a catalogue copy confirmed after a
    // read of the seats version is then fresh for every reader of that version (docs/read-models.md).
    if (this.catalogChanged) await deps.cache.incr(CATALOG_VERSION_KEY).catch(() => undefined);
    const work: Promise<unknown>[] = this.notifications.map((n) =>
      deps.bus.publish(notificationChannel(n.userId), n),
    );
    if (this.seatChanges.length > 0 || this.listingsChanged) work.push(deps.cache.incr(SEATS_VERSION_KEY));
    for (const userId of this.holders) work.push(deps.cache.incr(reservationsVersionKey(userId)));
    if (this.seatChanges.length > 0) {
      const message: SeatChangeMessage = { changes: this.seatChanges, at: new Date().toISOString() };
      work.push(deps.bus.publish(SEAT_CHANGES_CHANNEL, message));
    }
    await Promise.allSettled(work);
  }
}

/** Runs a change with a fresh Effects and flushes it once the change has returned (committed). */
export async function withEffects<T>(
  deps: { cache: Cache; bus: Bus },
  change: (effects: Effects) => Promise<T>,
): Promise<T> {
  const effects = new Effects();
  const result = await change(effects);
  await effects.flush(deps);
  return result;
}
