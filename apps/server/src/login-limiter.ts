import { createLoginLimiter, type LoginLimiter } from "@dlsms/api";
import { closeRedis, connectRedis } from "@dlsms/bus";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { Env } from "./env";

export interface SharedLoginLimiter {
  limiter: LoginLimiter;
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
  limits: { failuresPerMinute: number; attemptsPerIpPerMinute: number },
): SharedLoginLimiter {
  if (!env.REDIS_URL) return { limiter: createLoginLimiter(limits), close: async () => {} };
  const { redis } = connectRedis(env.REDIS_URL, "dlsms-login-limiter");
  redis.on("error", () => {}); // outages are reported by the cache/bus health; the limiter degrades
  const limiter = createLoginLimiter({
    ...limits,
    make: (keyPrefix, points) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${env.REDIS_NAMESPACE}:${keyPrefix}`,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
      }),
  });
  return { limiter, close: () => closeRedis(redis) };
}
