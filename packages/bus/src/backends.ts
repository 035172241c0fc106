import { createMemoryBus, createMemoryCache } from "./memory";
import { namespacedBus, namespacedCache } from "./namespaced";
import { createRedisBus } from "./redis-bus";
import { createRedisCache } from "./redis-cache";
import type { Bus, BusLogger, Cache } from "./types";

export interface Backends {
  cache: Cache;
  bus: Bus;
  close(): Promise<void>;
}

/** Redis for both when a URL is given, else the in-process implementations (one process only). */
export function createBackends(options: {
  redisUrl?: string | undefined;
  /** Prefix for every Redis key and channel (deployments or test runs sharing one Redis). */
  namespace?: string | undefined;
  logger?: BusLogger;
}): Backends {
  const { redisUrl, logger, namespace } = options;
  const rawCache = redisUrl ? createRedisCache(redisUrl, { logger }) : createMemoryCache();
  const rawBus = redisUrl ? createRedisBus(redisUrl, { logger }) : createMemoryBus({ logger });
  const cache = redisUrl && namespace ? namespacedCache(rawCache, namespace) : rawCache;
  const bus = redisUrl && namespace ? namespacedBus(rawBus, namespace) : rawBus;
  return {
    cache,
    bus,
    async close() {
      await Promise.all([cache.close(), bus.close()]);
    },
  };
}
