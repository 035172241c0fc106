import { type Bus, type Cache, createMemoryBus, createMemoryCache } from "@dlsms/bus";
import type { Env } from "./env";

export interface Backends {
  cache: Cache;
  bus: Bus;
}

/**
 * The ONE place the cache and bus are chosen. Redis (REDIS_URL) implementations land in
 * packages/bus later; switching to them is a change here and nowhere else.
 */
export function createBackends(_env: Pick<Env, "REDIS_URL">): Backends {
  return { cache: createMemoryCache(), bus: createMemoryBus() };
}

/** Safe to log: drops any password in a redis:// or postgres:// URL. */
export function redactLocation(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}
