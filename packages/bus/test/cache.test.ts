import { afterAll, describe, expect, it } from "vitest";
import { type Cache, createMemoryCache, createRedisCache } from "../src";
import { testEnv } from "./env";
import { uniquePrefix, waitFor } from "./helpers";

const implementations: Array<[string, () => Cache]> = [
  ["memory", () => createMemoryCache()],
  ["redis", () => createRedisCache(testEnv.REDIS_URL)],
];

describe.each(implementations)("%s cache", (_name, make) => {
  const cache = make();
  const p = uniquePrefix("cache");
  afterAll(async () => {
    await cache.del(`${p}counter`, `${p}obj`, `${p}a`, `${p}b`, `${p}c`);
    await cache.close();
  });

  it("round-trips JSON values and misses unknown keys", async () => {
    const value = { seats: [{ id: "s1", free: true }], at: "2025-01-01T00:00:00.000Z", n: 3 };
    await cache.set(`${p}obj`, value, 60);
    expect(await cache.get(`${p}obj`)).toEqual(value);
    expect(await cache.get(`${p}missing`)).toBeUndefined();
  });

  it("hands out copies, so a caller's mutation does not leak into the cache", async () => {
    await cache.set(`${p}obj`, { n: 1 }, 60);
    const first = await cache.get<{ n: number }>(`${p}obj`);
    if (first) first.n = 99;
    expect(await cache.get(`${p}obj`)).toEqual({ n: 1 });
  });

  it("expires entries after their TTL", async () => {
    await cache.set(`${p}ttl`, "soon gone", 0.2);
    expect(await cache.get(`${p}ttl`)).toBe("soon gone");
    await waitFor(async () => (await cache.get(`${p}ttl`)) === undefined, 3_000);
  });

  it("deletes several keys at once, and tolerates none", async () => {
    await cache.set(`${p}a`, 1, 60);
    await cache.set(`${p}b`, 2, 60);
    await cache.set(`${p}c`, 3, 60);
    await cache.del(`${p}a`, `${p}b`);
    await cache.del();
    expect(await cache.get(`${p}a`)).toBeUndefined();
    expect(await cache.get(`${p}b`)).toBeUndefined();
    expect(await cache.get(`${p}c`)).toBe(3);
  });

  it("increments counters atomically", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.incr(`${p}counter`)));
    const first = Math.min(...results);
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => first + i));
  });

  it("reads a counter with get and version, creating a missing one", async () => {
    const created = await cache.version(`${p}c2`);
    expect(created).toBeGreaterThan(0);
    expect(await cache.version(`${p}c2`)).toBe(created);
    expect(await cache.incr(`${p}c2`)).toBe(created + 1);
    expect(await cache.get(`${p}c2`)).toBe(created + 1);
    expect(await cache.version(`${p}c2`)).toBe(created + 1);
    await cache.del(`${p}c2`);
    expect(await cache.get(`${p}c2`)).toBeUndefined();
    await cache.del(`${p}c2`);
  });

  it("pings", async () => {
    expect(await cache.ping()).toBe(true);
  });
});
