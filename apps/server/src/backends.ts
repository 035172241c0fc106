import { type Backends, type BusLogger, createBackends as createBusBackends } from "@dlsms/bus";
import type { Env } from "./env";

export type { Backends };

/**
 * The ONE place the cache and bus are chosen: Redis (ioredis) for both when REDIS_URL is set,
 * else in-process (correct for a single instance only).
 */
export function createBackends(
  env: Pick<Env, "REDIS_URL" | "REDIS_NAMESPACE">,
  logger?: BusLogger,
): Backends {
  return createBusBackends({ redisUrl: env.REDIS_URL, namespace: env.REDIS_NAMESPACE, logger });
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
