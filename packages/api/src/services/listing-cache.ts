import type { Cache } from "@dlsms/bus";
import { SEATS_VERSION_KEY } from "./events";

/** Short TTL: bounds how far "free now" can drift as time passes without any change. */
export const LISTING_TTL_SECONDS = 10;

/**
 * Read-through cache for seat and branch listings, keyed under the current seats version.
 * Every committed change bumps the version BEFORE its request answers (Effects.flush), so no
 * reader that starts after a booking was acknowledged can get a listing from before it.
 * A cache outage reads as a miss (the Cache implementations degrade), so this falls back to
 * the database.
 */
export async function cachedListing<T>(cache: Cache, key: string, load: () => Promise<T>): Promise<T> {
  // No version readable means either a fresh system or an unreachable shared cache: bumping it
  // then yields a key nobody has written yet, so during an outage every read goes to the
  // database instead of trusting an entry that an invalidation may not have reached.
  const version = (await cache.get<number>(SEATS_VERSION_KEY)) ?? (await cache.incr(SEATS_VERSION_KEY));
  const versionedKey = `${key}:v${version}`;
  const now = Date.now();
  // Profiling cached seats.list on Redis: fetching and JSON-parsing the ~30 KB listing was the
  // largest cost after serialising the answer. The version read above still goes to the shared
  // cache on every call, so a change anywhere is seen at once; only the listing itself is
  // reused, and never past the expiry the shared entry was written with.
  const memo = localCopies(cache);
  const mine = memo.get(versionedKey);
  if (mine && mine.expiresAt > now) return mine.value as T;
  const hit = await cache.get<Envelope<T>>(versionedKey);
  if (hit !== undefined && typeof hit.expiresAt === "number" && hit.expiresAt > now) {
    remember(memo, versionedKey, hit);
    return hit.value;
  }
  const value = await load();
  const entry: Envelope<T> = { value, expiresAt: now + LISTING_TTL_SECONDS * 1000 };
  await cache.set(versionedKey, entry, LISTING_TTL_SECONDS);
  remember(memo, versionedKey, entry);
  return value;
}

/** What the shared cache holds: the listing and when it stops being fresh (epoch ms). */
interface Envelope<T> {
  value: T;
  expiresAt: number;
}

/** Per-process copies, per cache (two in-process instances in tests keep separate copies). */
const copies = new WeakMap<Cache, Map<string, Envelope<unknown>>>();
const MAX_LOCAL_COPIES = 256;

function localCopies(cache: Cache): Map<string, Envelope<unknown>> {
  let memo = copies.get(cache);
  if (!memo) {
    memo = new Map();
    copies.set(cache, memo);
  }
  return memo;
}

function remember(memo: Map<string, Envelope<unknown>>, key: string, entry: Envelope<unknown>): void {
  memo.delete(key);
  memo.set(key, entry);
  // Varied windows make many one-off keys: drop the oldest so the map stays small.
  if (memo.size > MAX_LOCAL_COPIES) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
}
