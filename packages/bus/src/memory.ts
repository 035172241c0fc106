import { LRUCache } from "lru-cache";
import { deliver } from "./deliver";
import type { Bus, BusHandler, BusLogger, Cache, Subscription } from "./types";

/** In-process cache: an LRU with per-entry TTL. Values are stored as JSON text so callers
 * never share (and mutate) the same object. */
export function createMemoryCache(maxEntries = 5_000): Cache {
  const lru = new LRUCache<string, string>({ max: maxEntries });
  const counters = new Map<string, number>();
  const increment = (key: string) => {
    const next = (counters.get(key) ?? 0) + 1;
    counters.set(key, next);
    return next;
  };
  return {
    kind: "memory",
    async get<T>(key: string) {
      // Counters read like Redis INCR'd keys do: `get` sees the number.
      const counter = counters.get(key);
      if (counter !== undefined) return counter as T;
      const raw = lru.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlSeconds) {
      // lru-cache reads ttl 0 as "forever"; clamp so a tiny TTL still expires.
      counters.delete(key); // like Redis SET, a plain value replaces a counter
      lru.set(key, JSON.stringify(value), { ttl: Math.max(1, Math.round(ttlSeconds * 1000)) });
    },
    async del(...keys) {
      for (const k of keys) {
        lru.delete(k);
        counters.delete(k); // like Redis DEL: the next INCR starts again from 1
      }
    },
    incr: async (key) => increment(key),
    version: async (key) => counters.get(key) ?? increment(key),
    ping: async () => true,
    async close() {
      lru.clear();
    },
  };
}

/** In-process bus: handlers per channel, delivered asynchronously like Redis would. */
export function createMemoryBus(options: { logger?: BusLogger } = {}): Bus {
  const channels = new Map<string, Set<BusHandler>>();
  return {
    kind: "memory",
    async publish(channel, message) {
      if (!channels.has(channel)) return;
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      queueMicrotask(() => {
        // Look the set up at delivery time and snapshot it: handlers may unsubscribe mid-loop.
        const handlers = channels.get(channel);
        if (handlers) deliver(handlers, copy, channel, options.logger);
      });
    },
    subscribe(channel, handler): Subscription {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
      }
      // Wrap so subscribing the same function twice yields two independent subscriptions.
      const own: BusHandler = (m) => handler(m);
      set.add(own);
      let done = false;
      const unsubscribe = () => {
        if (done) return;
        done = true;
        const s = channels.get(channel);
        if (!s) return;
        s.delete(own);
        if (s.size === 0) channels.delete(channel);
      };
      return Object.assign(unsubscribe, { ready: Promise.resolve(true) });
    },
    listenerCount() {
      let n = 0;
      for (const s of channels.values()) n += s.size;
      return n;
    },
    subscribedChannelCount: () => channels.size,
    ping: async () => true,
    async close() {
      channels.clear();
    },
  };
}
