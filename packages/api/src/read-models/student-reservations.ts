import type { Cache } from "@dlsms/bus";
import type { Database } from "@dlsms/db";
import { LRUCache } from "lru-cache";
import type { BookingRules } from "../config";
import { CATALOG_VERSION_KEY, reservationsVersionKey } from "../services/events";
import { type MyReservationView, myReservations } from "../services/reservation-queries";
import { LISTING_TTL_SECONDS, versionReader } from "./seat-listings";

/**
 * `reservations.mine`, cached per user in this process and validated by two versions in the
 * shared cache: the student's reservations version and the catalog version (see Versions).
 *
 * Why a copy is never stale for a reader (the same argument as seat-listings.ts):
 * - Every committed change to one of a student's reservations bumps that student's version
 *   (Effects: `seat(…, holder)` / `reservationsOf`), and every catalogue edit bumps the catalog
 *   version (`catalog()`), through Effects.flush AFTER it commits and BEFORE its request answers
 *   (the sweeper flushes likewise after its transitions); versions only go up.
 * - A copy is stored under the versions read BEFORE its load started. So any change whose bump
 *   that read saw had committed before the query ran, and is in the copy; any later change
 *   bumps a version past the copy's, and every reader that starts after that change was
 *   acknowledged reads the new version and does not take the copy.
 * - Concurrent misses share one load only when they read the same versions: for each of them,
 *   every change acknowledged before it arrived is in those versions, hence in the load.
 * - Time alone changes one answer: with `upcomingOnly` the query keeps rows with
 *   `end_time > now`, so the answer changes exactly when the earliest `endTime` among its rows
 *   passes (rows only ever drop out with time; nothing comes in). A copy serves only before
 *   that instant, and a reader that joined a load started before it arrived checks the same
 *   bound for its own arrival. All rows otherwise depend on the database and the booking rules
 *   only (the rules are part of the key).
 * - LISTING_TTL_SECONDS bounds any copy's age, as for listings: a last bound should a bump be
 *   lost where this process could not see it fail (Cache.version).
 * Bookings by other students move neither version, so a busy library keeps each student's copy
 * until their own reservations change.
 *
 * The copies are this process's own (per Cache object, like seat listings' state) and never go
 * to the shared cache: they are per user, small and cheap to load, and each instance serves its
 * own readers. Rows and arrays are frozen: they are shared by every reader of the copy, so a
 * caller that mutates them fails loudly instead of corrupting other readers' answers.
 */

export interface MyReservationsCopy {
  /** The student's reservations version and the catalog version, read before the load started. */
  readonly version: Versions;
  /** When the load started (epoch ms, after the version read). */
  readonly startedAt: number;
  /** The copy answers readers arriving before this instant (epoch ms). */
  readonly freshUntil: number;
  readonly rows: readonly MyReservationView[];
  /** The rows' JSON length: what the copy and its rendered answer cost in memory. */
  readonly jsonBytes: number;
}

type Deps = { db: Database; cache: Cache };

/** The caller's reservations as the procedure answers them, from a fresh copy or a new load. */
export async function cachedMyReservations(
  deps: Deps,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<readonly MyReservationView[]> {
  return (await myReservationsCopy(deps, userId, upcomingOnly, rules)).rows;
}

/**
 * Copies are held within a byte budget, least recently used out first. A copy holds its rows
 * (about as much heap as their JSON) and its answer bytes, so it counts twice its answer. The
 * budget holds thousands of students even with far more upcoming reservations each than the
 * product's limit allows (sizes in docs/performance-log.md).
 */
export const MY_RESERVATIONS_CACHE_BYTES = 128 * 1024 * 1024;

interface CacheState {
  copies: LRUCache<string, MyReservationsCopy>;
  /** Loads in progress by versioned key. */
  loading: Map<string, Promise<MyReservationsCopy>>;
  /** The catalog version, one shared-cache read for many requests (seat listings' coalescedRead). */
  readCatalogVersion: () => Promise<number>;
  /**
   * Each student's version reader, coalesced the same way: concurrent first reads of a key
   * nobody has written share its one bump instead of each bumping it (and missing each other).
   */
  reservationVersionReaders: LRUCache<number, () => Promise<number>>;
}

/**
 * What a copy depends on: the student's own reservations (bumped by every change to one of them,
 * Effects.reservationsOf / seat(…, holder)) and the catalog (seat codes, areas, amenities,
 * branch names shown in each row; bumped by catalogue edits, Effects.catalog). Bookings by
 * other students move neither, so they leave this student's copy in place.
 */
interface Versions {
  reservations: number;
  catalog: number;
}

const sameVersions = (a: Versions, b: Versions) =>
  a.reservations === b.reservations && a.catalog === b.catalog;
/** `a` strictly newer than `b` (versions only grow). */
const newer = (a: Versions, b: Versions) =>
  a.reservations >= b.reservations && a.catalog >= b.catalog && !sameVersions(a, b);

/**
 * Both versions as the shared cache holds them now, read after the request arrived. While the
 * cache cannot vouch for one (Cache.version), every read gets a version nobody has loaded under
 * and goes to the database.
 */
async function versionsOf(cache: Cache, state: CacheState, userId: number): Promise<Versions> {
  let readReservations = state.reservationVersionReaders.get(userId);
  if (!readReservations) {
    const key = reservationsVersionKey(userId);
    readReservations = versionReader(cache, key);
    state.reservationVersionReaders.set(userId, readReservations);
  }
  const [reservations, catalog] = await Promise.all([readReservations(), state.readCatalogVersion()]);
  return { reservations, catalog };
}

const states = new WeakMap<Cache, CacheState>();

function stateOf(cache: Cache): CacheState {
  let state = states.get(cache);
  if (!state) {
    state = {
      copies: new LRUCache({
        maxSize: MY_RESERVATIONS_CACHE_BYTES,
        sizeCalculation: (copy) => 2 * copy.jsonBytes + 256,
      }),
      loading: new Map(),
      reservationVersionReaders: new LRUCache({ max: 10_000 }),
      readCatalogVersion: versionReader(cache, CATALOG_VERSION_KEY),
    };
    states.set(cache, state);
  }
  return state;
}

/** The rules the query reads (the check-in window); one process normally has one set. */
const keyOf = (userId: number, upcomingOnly: boolean, rules: BookingRules) =>
  `${userId}:${upcomingOnly}:${rules.checkInEarlyMinutes}:${rules.graceMinutes}`;

async function myReservationsCopy(
  deps: Deps,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservationsCopy> {
  const key = keyOf(userId, upcomingOnly, rules);
  const state = stateOf(deps.cache);
  // The version first, then the clock: a copy must be loaded after the version it is stored under.
  const version = await versionsOf(deps.cache, state, userId);
  const arrivedAt = Date.now();
  for (;;) {
    const held = state.copies.get(key);
    if (held && sameVersions(held.version, version) && arrivedAt < held.freshUntil) return held;
    const copy = await sharedLoad(deps, state, key, version, userId, upcomingOnly, rules);
    // A load that started before this reader arrived may hold a row that has ended since; a load
    // that started after it is what an uncached read would have got. A retry finds no load
    // started before this reader arrived (this one has finished), so it ends on its next turn.
    if (copy.startedAt >= arrivedAt || arrivedAt < copy.freshUntil) return copy;
  }
}

function sharedLoad(
  deps: Deps,
  state: CacheState,
  key: string,
  version: Versions,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservationsCopy> {
  const versionedKey = `${key}:v${version.catalog}.${version.reservations}`;
  const pending = state.loading.get(versionedKey);
  if (pending) return pending;
  const loading = load(deps, version, userId, upcomingOnly, rules)
    .then((copy) => {
      const held = state.copies.get(key);
      if (!held || !newer(held.version, copy.version)) state.copies.set(key, copy);
      return copy;
    })
    .finally(() => state.loading.delete(versionedKey));
  state.loading.set(versionedKey, loading);
  return loading;
}

async function load(
  deps: Deps,
  version: Versions,
  userId: number,
  upcomingOnly: boolean,
  rules: BookingRules,
): Promise<MyReservationsCopy> {
  const startedAt = Date.now();
  const loaded = await myReservations(deps.db, userId, upcomingOnly, rules);
  const rows = Object.freeze(Array.from(loaded, (row) => Object.freeze(row)));
  let freshUntil = startedAt + LISTING_TTL_SECONDS * 1000;
  if (upcomingOnly) {
    // endTime is truncated to the millisecond, so this is at or before the row's real end.
    for (const row of rows) freshUntil = Math.min(freshUntil, Date.parse(row.endTime));
  }
  return {
    version,
    startedAt,
    freshUntil,
    rows,
    jsonBytes: Buffer.byteLength(JSON.stringify(rows)),
  };
}
