import type { Cache } from "@dlsms/bus";
import type { Database } from "@dlsms/db";
import { LRUCache } from "lru-cache";
import type { BookingRules } from "../config";
import { CATALOG_VERSION_KEY, reservationsVersionKey } from "../services/events";
import { type MyReservationView, myReservations } from "../services/reservation-queries";
import {
  type CacheObserver,
  COPY_TTL_MS,
  perCache,
  VersionedCopies,
  versionReader,
} from "./versioned-copies";

/**
 * `reservations.mine`, kept per user in this process as a versioned copy under two versions
 * (docs/read-models.md): the student's reservations version (bumped by every change to one of
 * their reservations, Effects `seat(…, holder)` / `reservationsOf`) and the catalog version
 * (seat codes, areas, amenities and branch names shown in each row; Effects.catalog). Bookings
 * by other students move neither, so a busy library keeps each student's copy until their own
 * reservations change.
 *
 * Time alone changes one answer: with `upcomingOnly` the query keeps rows with `end_time > now`,
 * so a copy serves only before the earliest `endTime` among its rows (rows only ever drop out
 * with time), and a reader that joined a load started before it arrived checks the same bound
 * for its own arrival (VersionedCopies.read). The booking rules the query reads are in the key.
 *
 * The copies never go to the shared cache: they are per user, small and cheap to load, and each
 * instance serves its own readers. Rows and arrays are frozen, shared by every reader.
 */

type Deps = { db: Database; cache: Cache; observer?: CacheObserver | undefined };

/** The caller's reservations as the procedure answers them, from a fresh copy or a new load. */
export async function cachedMyReservations(
  deps: Deps,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<readonly MyReservationView[]> {
  const key = keyOf(userId, upcomingOnly, rules);
  const state = stateOf(deps.cache);
  // The versions first, then the clock: a copy must be loaded after the versions it is stored under.
  const version = await versionsOf(state, userId);
  const counter = state.copies.counter(deps.observer);
  return (
    await state.copies.read(key, version, () => load(deps, userId, upcomingOnly, rules), Date.now(), counter)
  ).rows;
}

/**
 * Copies are held within a byte budget, least recently used out first. A copy holds its rows
 * (about as much heap as their JSON) and its answer bytes, so it counts twice its answer. The
 * budget holds thousands of students even with far more upcoming reservations each than the
 * product's limit allows (sizes in docs/performance-log.md).
 */
export const MY_RESERVATIONS_CACHE_BYTES = 128 * 1024 * 1024;

/** A copy's value. */
interface MyReservations {
  rows: readonly MyReservationView[];
  /** Serves readers arriving before this instant (epoch ms): its age bound or its first row's end. */
  freshUntil: number;
  /** The rows' JSON length: what the copy and its rendered answer cost in memory. */
  jsonBytes: number;
}

/** [the student's reservations version, the catalog version], read after the request arrived. */
async function versionsOf(state: ReturnType<typeof stateOf>, userId: number): Promise<[number, number]> {
  let readReservations = state.reservationVersionReaders.get(userId);
  if (!readReservations) {
    readReservations = versionReader(state.cache, reservationsVersionKey(userId));
    state.reservationVersionReaders.set(userId, readReservations);
  }
  return Promise.all([readReservations(), state.readCatalogVersion()]);
}

const stateOf = perCache((cache) => ({
  cache,
  copies: new VersionedCopies<string, MyReservations>({
    name: "student-reservations",
    maxSize: MY_RESERVATIONS_CACHE_BYTES,
    sizeOf: (copy) => 2 * copy.value.jsonBytes + 256,
    expiresAt: (copy) => copy.freshUntil,
  }),
  /** The catalog version, one shared-cache read for many requests (coalescedRead). */
  readCatalogVersion: versionReader(cache, CATALOG_VERSION_KEY),
  /**
   * Each student's version reader, coalesced the same way: concurrent first reads of a key
   * nobody has written share its one bump instead of each bumping it (and missing each other).
   */
  reservationVersionReaders: new LRUCache<number, () => Promise<number>>({ max: 10_000 }),
}));

/** The rules the query reads (the check-in window); one process normally has one set. */
const keyOf = (userId: number, upcomingOnly: boolean, rules: BookingRules) =>
  `${userId}:${upcomingOnly}:${rules.checkInEarlyMinutes}:${rules.graceMinutes}`;

async function load(
  deps: Deps,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservations> {
  const startedAt = Date.now();
  const loaded = await myReservations(deps.db, userId, upcomingOnly, rules);
  const rows = Object.freeze(Array.from(loaded, (row) => Object.freeze(row)));
  let freshUntil = startedAt + COPY_TTL_MS;
  if (upcomingOnly) {
    // endTime is truncated to the millisecond, so this is at or before the row's real end.
    for (const row of rows) freshUntil = Math.min(freshUntil, Date.parse(row.endTime));
  }
  return { rows, freshUntil, jsonBytes: Buffer.byteLength(JSON.stringify(rows)) };
}
