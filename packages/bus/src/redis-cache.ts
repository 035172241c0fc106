import { LRUCache } from "lru-cache";
import { createHealth } from "./health";
import { BATCHED, closeRedis, connectRedis } from "./redis-connection";
import type { BusLogger, Cache } from "./types";

export interface RedisCacheOptions {
  logger?: BusLogger;
}

/**
 * Reads (ARGV[1] "read") or bumps ("bump") a version counter. A missing counter is created from
 * Redis's clock in microseconds, so one that Redis lost (a restart without persistence) starts
 * above any value it was ever bumped to, and copies stamped with an old value never match again.
 * Declared as a script that may write (a shebang without `no-writes`): Redis refuses it whenever
 * it refuses writes (out of memory, a read-only replica, a failed save), so nobody reads a
 * version from a Redis that could not have recorded the bump of a change.
 */
const VERSION_SCRIPT = `#!lua
local v = redis.call('GET', KEYS[1])
if not v then
  local t = redis.call('TIME')
  v = t[1] .. string.format('%06d', tonumber(t[2]))
  redis.call('SET', KEYS[1], v)
end
if ARGV[1] == 'bump' then return redis.call('INCR', KEYS[1]) end
return v`;

/** Succeeds only where a write would (see VERSION_SCRIPT): what "up" means for this cache. */
const WRITABLE_SCRIPT = `#!lua
return 1`;

/** How often bumps that did not land are tried again. */
const RETRY_MS = 200;

/**
 * Cache on Redis. While Redis is unreachable every call degrades instead of throwing: `get` is a
 * miss, `set`/`del` are no-ops. Version counters are what processes stamp their in-memory copies
 * with, so they must never repeat a value with another history behind it:
 * - a bump that fails is retried until it lands, and until then this process reads that version
 *   as unknown (a new number below zero, under which nothing was stored);
 * - after any failure this process first BUMPS each counter instead of reading it: another
 *   process's bump may have been lost in the same outage, and its copies (and ours) from before
 *   must not be served once Redis answers again;
 * - version reads and `ping` fail while Redis refuses writes (VERSION_SCRIPT).
 * Keys whose `del` could not reach Redis are replayed when it returns.
 */
export function createRedisCache(url: string, options: RedisCacheOptions = {}): Cache {
  const { redis, started } = connectRedis(url, "dlsms-cache", BATCHED);
  const scripts = redis as typeof redis & {
    dlsmsVersion(key: string, mode: "read" | "bump"): Promise<number | string>;
    dlsmsWritable(): Promise<number>;
  };
  redis.defineCommand("dlsmsVersion", { numberOfKeys: 1, lua: VERSION_SCRIPT });
  redis.defineCommand("dlsmsWritable", { numberOfKeys: 0, lua: WRITABLE_SCRIPT });
  const pendingDel = new Set<string>();
  /** Counters whose bump has not landed yet. */
  const pendingBump = new Set<string>();
  /** Failures seen so far; a counter is read (not bumped) only once bumped since the last one. */
  let failures = 0;
  const bumpedAfter = new LRUCache<string, number>({ max: 10_000 });
  let unknown = 0;
  const unknownVersion = () => --unknown;
  let retry: NodeJS.Timeout | undefined;
  let replaying: Promise<void> | undefined;

  const health = createHealth("cache", options.logger, () => void replay());
  const failed = (err: unknown) => {
    failures++;
    health.fail(err);
  };
  // ioredis emits "error" on every failed reconnect; without a listener it prints each one.
  redis.on("error", failed);
  redis.on("close", () => failed(new Error("connection closed")));
  redis.on("ready", () => health.ok());

  async function bump(key: string): Promise<number> {
    const seen = failures;
    const n = Number(await scripts.dlsmsVersion(key, "bump"));
    bumpedAfter.set(key, seen);
    return n;
  }

  function retryLater(): void {
    if (retry || (pendingBump.size === 0 && pendingDel.size === 0)) return;
    retry = setTimeout(() => {
      retry = undefined;
      void replay();
    }, RETRY_MS);
    retry.unref();
  }

  function replay(): Promise<void> {
    replaying ??= replayOnce().finally(() => {
      replaying = undefined;
      retryLater();
    });
    return replaying;
  }

  async function replayOnce(): Promise<void> {
    const dels = [...pendingDel];
    pendingDel.clear();
    try {
      if (dels.length > 0) await redis.del(...dels);
    } catch (err) {
      for (const k of dels) pendingDel.add(k);
      failed(err);
      return;
    }
    await Promise.all(
      [...pendingBump].map((key) =>
        bump(key).then(
          () => pendingBump.delete(key),
          (err: unknown) => failed(err),
        ),
      ),
    );
  }

  return {
    kind: "redis",
    async get<T>(key: string) {
      let raw: string | null;
      try {
        await started();
        raw = await redis.get(key);
        // No health.ok(): a read that works says nothing of writes (a Redis out of memory).
      } catch (err) {
        failed(err);
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
        failed(err);
      }
    },
    async del(...keys) {
      if (keys.length === 0) return;
      try {
        await started();
        await redis.del(...keys);
        health.ok();
      } catch (err) {
        failed(err);
        for (const k of keys) pendingDel.add(k);
        retryLater();
      }
    },
    async incr(key) {
      try {
        await started();
        const n = await bump(key);
        health.ok();
        return n;
      } catch (err) {
        failed(err);
        pendingBump.add(key);
        retryLater();
        return unknownVersion();
      }
    },
    async version(key) {
      if (pendingBump.has(key)) return unknownVersion();
      try {
        await started();
        const n =
          failures > 0 && bumpedAfter.get(key) !== failures
            ? await bump(key)
            : Number(await scripts.dlsmsVersion(key, "read"));
        health.ok();
        return n;
      } catch (err) {
        failed(err);
        return unknownVersion();
      }
    },
    async ping() {
      try {
        await started();
        await scripts.dlsmsWritable();
        health.ok();
      } catch (err) {
        failed(err);
        return false;
      }
      await replay();
      return pendingBump.size === 0;
    },
    async close() {
      clearTimeout(retry);
      redis.removeAllListeners("close");
      await closeRedis(redis);
    },
  };
}
