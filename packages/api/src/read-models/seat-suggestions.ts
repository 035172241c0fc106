import type { Cache } from "@dlsms/bus";
import type { Database } from "@dlsms/db";
import type { ApiConfig } from "../config";
import { type SeatSuggestion, SeatTaken } from "../errors";
import { CATALOG_VERSION_KEY } from "../services/events";
import type { SeatView } from "../services/views";
import { listingReads, readListing } from "./listing-reads";
import { readSeat } from "./seat-details";
import { currentVersion } from "./seat-listings";
import { type CacheObserver, perCache, VersionedCopies, versionReader } from "./versioned-copies";

/** The most free seats a "seat taken" answer offers. */
export const MAX_SUGGESTIONS = 5;

type Deps = {
  db: Database;
  cache: Cache;
  config: Pick<ApiConfig, "rules">;
  observer?: CacheObserver | undefined;
};

interface Booking {
  seatId: number;
  startTime: string;
  endTime: string;
}

/**
 * Runs a booking; when someone else holds the seat, its refusal carries free seats for the same
 * window (SeatTaken.suggestions), which every door shows. Only a lost booking pays for them.
 */
export async function withSuggestions<T>(
  deps: Deps,
  viewerId: number,
  booking: Booking,
  book: () => Promise<T>,
): Promise<T> {
  try {
    return await book();
  } catch (error) {
    if (error instanceof SeatTaken && error.suggestions === undefined) {
      // The refusal is the answer: a failure to find alternatives must not replace it.
      error.suggestions = await cachedSuggestions(deps, viewerId, booking).catch(() => []);
    }
    throw error;
  }
}

const stateOf = perCache((cache) => ({
  copies: new VersionedCopies<string, SeatSuggestion[]>({ name: "seat-suggestions", max: 2_000 }),
  readCatalogVersion: versionReader(cache, CATALOG_VERSION_KEY),
}));

/**
 * The suggestions for a seat and window, as a versioned copy under [seats version, catalog
 * version] like the listings they come from (docs/read-models.md): the many students who lose
 * one popular seat at once share one computation until the next change. They do not depend on
 * who asks (a listing's availability is everyone's).
 */
async function cachedSuggestions(deps: Deps, viewerId: number, booking: Booking): Promise<SeatSuggestion[]> {
  const state = stateOf(deps.cache);
  // The versions first, then the clock (VersionedCopies.read).
  const version = await Promise.all([currentVersion(deps.cache), state.readCatalogVersion()]);
  const key = `${booking.seatId}|${booking.startTime}|${booking.endTime}`;
  return state.copies.read(
    key,
    version,
    () => suggestFreeSeats(deps, viewerId, booking),
    Date.now(),
    state.copies.counter(deps.observer),
  );
}

/**
 * Up to MAX_SUGGESTIONS seats free for the booking's window, from the same listings `seats.list`
 * answers (so never a busy, maintenance, retired or closed-then seat): the asked seat's area
 * first, then the rest of its branch, then other branches; within each, seats with the asked
 * seat's power and monitor first, then the nearest by number.
 */
export async function suggestFreeSeats(
  deps: Deps,
  viewerId: number,
  booking: Booking,
): Promise<SeatSuggestion[]> {
  const asked = await readSeat(deps, booking.seatId, viewerId, deps.config.rules);
  const window = { startTime: booking.startTime, endTime: booking.endTime };
  const freeIn = async (branch: string) =>
    (await readListing(deps, listingReads.seats(deps, { branch, ...window }))).filter(
      (seat) => seat.available && seat.id !== asked.id,
    );
  const missing = (seat: SeatView) =>
    Number(asked.hasPower && !seat.hasPower) + Number(asked.hasMonitor && !seat.hasMonitor);
  const distance = (seat: SeatView) => Math.abs(seat.id - asked.id);
  const area = (seat: SeatView) => (seat.area === asked.area ? 0 : 1);

  const home = (await freeIn(asked.branch)).sort(
    (a, b) => area(a) - area(b) || missing(a) - missing(b) || distance(a) - distance(b) || a.id - b.id,
  );
  let chosen = home.slice(0, MAX_SUGGESTIONS);
  if (chosen.length < MAX_SUGGESTIONS) {
    // Other branches in name order (branches.list's), as the finder lists them.
    const branches = (await readListing(deps, listingReads.branches(deps)))
      .map((b) => b.name)
      .filter((name) => name !== asked.branch);
    const elsewhere = (await Promise.all(branches.map(freeIn))).flat();
    // Stable: within the same amenities, branch order then seat order stay as listed.
    elsewhere.sort((a, b) => missing(a) - missing(b));
    chosen = chosen.concat(elsewhere.slice(0, MAX_SUGGESTIONS - chosen.length));
  }
  return chosen.map(({ id, code, branch, area, hasPower, hasMonitor }) => ({
    seatId: id,
    code,
    branch,
    area,
    hasPower,
    hasMonitor,
  }));
}
