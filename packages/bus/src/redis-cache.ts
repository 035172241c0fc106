import { createHealth } from "./health";
import { BATCHED, closeRedis, connectRedis } from "./redis-connection";
import type { BusLogger, Cache } from "./types";

export interface RedisCacheOptions {
  logger?: BusLogger;
}

/**
 * Cache on Redis. While Redis is unreachable every call degrades instead of throwing: `get` is a
 * miss, `set`/`del` are no-ops, `incr` falls back to a local counter so version keys still move.
 * Keys whose `del`/`incr` could not reach Redis are replayed when it returns, so an entry cached
 * before the outage cannot outlive an invalidation that happened during it.
 */
export function createRedisCache(url: string, options: RedisCacheOptions = {}): Cache {
  const { redis, started } = connectRedis(url, "dlsms-cache", BATCHED);
  const pendingDel = new Set<string>();
  const pendingIncr = new Set<string>();
  /** Last value seen (or handed out) per counter, so the fallback keeps counting upwards. */
  const lastCount = new Map<string, number>();

  const health = createHealth("cache", options.logger, () => void replay());
  // ioredis emits "error" on every failed reconnect; without a listener it prints each one.
  redis.on("error", (err) => health.fail(err));
  redis.on("close", () => health.fail(new Error("connection closed")));
  redis.on("ready", () => health.ok());

  async function replay(): Promise<void> {
    const dels = [...pendingDel];
    const incrs = [...pendingIncr];
    pendingDel.clear();
    pendingIncr.clear();
    try {
      if (dels.length > 0) await redis.del(...dels);
      for (const key of incrs) lastCount.set(key, await redis.incr(key));
    } catch (err) {
      for (const k of dels) pendingDel.add(k);
      for (const k of incrs) pendingIncr.add(k);
      health.fail(err);
    }
  }

  return {
    kind: "redis",
    async get<T>(key: string) {
      let raw: string | null;
      try {
        await started();
        raw = await redis.get(key);
        health.ok();
      } catch (err) {
        health.fail(err);
        return undefined;
      }
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined; // not written by us: treat as a miss
      }
    },
    async set(key, value, ttlSeconds) {
      const json = JSON.stringify(value); // outside try: unserialisable input is a caller bug
      try {
        // PX (milliseconds) so fractional TTLs behave like the in-memory cache.
        await started();
        await redis.set(key, json, "PX", Math.max(1, Math.round(ttlSeconds * 1000)));
        health.ok();
      } catch (err) {
        health.fail(err);
      }
    },
    async del(...keys) {
      if (keys.length === 0) return;
      try {
        await started();
        await redis.del(...keys);
        health.ok();
      } catch (err) {
        health.fail(err);
        for (const k of keys) pendingDel.add(k);
      }
    },
    async incr(key) {
      try {
        await started();
        const n = await redis.incr(key);
        health.ok();
        lastCount.set(key, n);
        return n;
      } catch (err) {
        health.fail(err);
        pendingIncr.add(key);
        const n = (lastCount.get(key) ?? 0) + 1;
        lastCount.set(key, n);
        return n;
      }
    },
    async ping() {
      try {
        await started();
        await redis.ping();
        health.ok();
        return true;
      } catch (err) {
        health.fail(err);
        return false;
      }
    },
    async close() {
      redis.removeAllListeners("close");
      await closeRedis(redis);
    },
  };
}
