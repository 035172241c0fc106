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
  const version = (await cache.get<number>(SEATS_VERSION_KEY)) ?? 0;
  const versionedKey = `${key}:v${version}`;
  const hit = await cache.get<T>(versionedKey);
  if (hit !== undefined) return hit;
  const value = await load();
  await cache.set(versionedKey, value, LISTING_TTL_SECONDS);
  return value;
}
