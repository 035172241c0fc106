import { LRUCache } from "lru-cache";
import type { Bus, BusHandler, Cache } from "./types";

/** In-process cache: an LRU with per-entry TTL. Values are stored as JSON text so callers
 * never share (and mutate) the same object. */
export function createMemoryCache(maxEntries = 5_000): Cache {
  const lru = new LRUCache<string, string>({ max: maxEntries });
  const counters = new Map<string, number>();
  return {
    kind: "memory",
    async get<T>(key: string) {
      const raw = lru.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, JSON.stringify(value), { ttl: ttlSeconds * 1000 });
    },
    async del(...keys) {
      for (const k of keys) lru.delete(k);
    },
    async incr(key) {
      const next = (counters.get(key) ?? 0) + 1;
      counters.set(key, next);
      return next;
    },
    ping: async () => true,
    async close() {
      lru.clear();
    },
  };
}

/** In-process bus: handlers per channel, delivered asynchronously like Redis would. */
export function createMemoryBus(): Bus {
  const channels = new Map<string, Set<BusHandler>>();
  return {
    kind: "memory",
    async publish(channel, message) {
      const handlers = channels.get(channel);
      if (!handlers) return;
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      queueMicrotask(() => {
        for (const h of handlers) h(copy);
      });
    },
    subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
      }
      set.add(handler);
      return () => {
        const s = channels.get(channel);
        if (!s) return;
        s.delete(handler);
        if (s.size === 0) channels.delete(channel);
      };
    },
    listenerCount() {
      let n = 0;
      for (const s of channels.values()) n += s.size;
      return n;
    },
    ping: async () => true,
    async close() {
      channels.clear();
    },
  };
}
