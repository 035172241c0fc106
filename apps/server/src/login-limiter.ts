import { createLoginLimiter, type LoginLimiter, type LoginLimits } from "@dlsms/api/server";
import { closeRedis, connectRedis } from "@dlsms/bus";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { Env } from "./env";

export interface SharedLoginLimiter {
  limiter: LoginLimiter;
  /** Resolves once the first connection to Redis succeeded or failed (no offline queue). */
  started(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Login throttling shared by every instance when Redis is configured (rate-limiter-flexible's
 * RateLimiterRedis), so N instances do not grant N× the attempts. While Redis is unreachable
 * each instance falls back to its own in-memory limiter (the library's insuranceLimiter) rather
 * than refusing or waving through every login.
 */
export function createSharedLoginLimiter(
  env: Pick<Env, "REDIS_URL" | "REDIS_NAMESPACE">,
  limits: LoginLimits,
): SharedLoginLimiter {
  if (!env.REDIS_URL) {
    return { limiter: createLoginLimiter(limits), started: async () => {}, close: async () => {} };
  }
  const { redis, started } = connectRedis(env.REDIS_URL, "dlsms-login-limiter");
  redis.on("error", () => {}); // outages are reported by the cache/bus health; the limiter degrades
  // Consume and reward are one Lua script each (INCRBY with its expiry), so the count every
  // instance reads is the count every instance wrote.
  const limiter = createLoginLimiter(
    limits,
    (keyPrefix, points, duration) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${env.REDIS_NAMESPACE}:${keyPrefix}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      }),
  );
  return { limiter, started, close: () => closeRedis(redis) };
}
