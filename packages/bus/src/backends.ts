import { createMemoryBus, createMemoryCache } from "./memory";
import { createRedisBus } from "./redis-bus";
import { createRedisCache } from "./redis-cache";
import type { Bus, BusLogger, Cache } from "./types";

export interface Backends {
  cache: Cache;
  bus: Bus;
  close(): Promise<void>;
}

/** Redis for both when a URL is given, else the in-process implementations (one process only). */
export function createBackends(options: { redisUrl?: string | undefined; logger?: BusLogger }): Backends {
  const { redisUrl, logger } = options;
  const cache = redisUrl ? createRedisCache(redisUrl, { logger }) : createMemoryCache();
  const bus = redisUrl ? createRedisBus(redisUrl, { logger }) : createMemoryBus({ logger });
  return {
    cache,
    bus,
    async close() {
      await Promise.all([cache.close(), bus.close()]);
    },
  };
}
