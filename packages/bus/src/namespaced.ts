import type { Bus, Cache } from "./types";

/**
 * Prefixes every key and channel, so several deployments (or parallel test databases) can share
 * one Redis without hearing each other's events or reading each other's cache entries.
 */
export function namespacedCache(cache: Cache, namespace: string): Cache {
  const k = (key: string) => `${namespace}:${key}`;
  return {
    kind: cache.kind,
    get: (key) => cache.get(k(key)),
    set: (key, value, ttl) => cache.set(k(key), value, ttl),
    del: (...keys) => cache.del(...keys.map(k)),
    incr: (key) => cache.incr(k(key)),
    version: (key) => cache.version(k(key)),
    ping: () => cache.ping(),
    close: () => cache.close(),
  };
}

export function namespacedBus(bus: Bus, namespace: string): Bus {
  const c = (channel: string) => `${namespace}:${channel}`;
  return {
    kind: bus.kind,
    publish: (channel, message) => bus.publish(c(channel), message),
    subscribe: (channel, handler) => bus.subscribe(c(channel), handler),
    listenerCount: () => bus.listenerCount(),
    subscribedChannelCount: () => bus.subscribedChannelCount(),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
}
