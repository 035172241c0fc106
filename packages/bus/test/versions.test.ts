import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../src";
import { startThrowawayRedis, type ThrowawayRedis } from "../src/testing";
import { uniquePrefix, waitFor } from "./helpers";

/**
 * Version counters stamp copies that processes keep in memory, so a counter that went back (a
 * Redis restarted empty) or a bump that did not land (a Redis refusing writes) would let a
 * process serve a copy from before a change.
 */
describe("version counters on a Redis that restarts or refuses writes", () => {
  let server: ThrowawayRedis;
  beforeAll(async () => {
    server = await startThrowawayRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("never go backwards across a restart that lost every key", async () => {
    const p = uniquePrefix("restart");
    const cache = createRedisCache(server.url);
    try {
      let before = 0;
      for (let i = 0; i < 5; i++) before = await cache.incr(`${p}version`);
      await server.stop();
      await server.start();
      expect(await server.call("EXISTS", `${p}version`)).toBe(0);
      await waitFor(() => cache.ping(), 10_000);
      const after = await cache.incr(`${p}version`);
      expect(after).toBeGreaterThan(before);
      expect(await cache.incr(`${p}version`)).toBe(after + 1);
    } finally {
      await cache.close();
    }
  });

  it("retries a bump refused by a Redis out of memory, and reads that version as unknown meanwhile", async () => {
    const p = uniquePrefix("refused");
    const cache = createRedisCache(server.url);
    try {
      const before = await cache.incr(`${p}version`);
      await server.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      await server.call("CONFIG", "SET", "maxmemory", "1");
      try {
        expect(await cache.incr(`${p}version`)).toBeLessThan(0);
        const unknown = [await cache.version(`${p}version`), await cache.version(`${p}version`)];
        expect(unknown.every((n) => n < 0) && unknown[0] !== unknown[1]).toBe(true);
      } finally {
        await server.call("CONFIG", "SET", "maxmemory", "0");
      }
      // Nobody calls the cache: the bump lands by itself.
      await waitFor(async () => Number(await server.call("GET", `${p}version`)) > before);
      expect(await cache.version(`${p}version`)).toBeGreaterThan(before);
    } finally {
      await cache.close();
    }
  });

  it("moves a version past its value before a failure, even if the bump lost in it never lands", async () => {
    const p = uniquePrefix("lost");
    const reader = createRedisCache(server.url);
    const writer = createRedisCache(server.url);
    try {
      const seen = await reader.version(`${p}version`);
      await server.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      await server.call("CONFIG", "SET", "maxmemory", "1");
      try {
        expect(await writer.incr(`${p}version`)).toBeLessThan(0);
        await writer.close(); // its retry never comes (a crash, or a process cut off from Redis)
        expect(await reader.version(`${p}version`)).toBeLessThan(0);
      } finally {
        await server.call("CONFIG", "SET", "maxmemory", "0");
      }
      // The reader saw the failure: a copy it stamped with `seen` may predate the lost bump.
      const after = await reader.version(`${p}version`);
      expect(after).toBeGreaterThan(seen);
      expect(await reader.version(`${p}version`)).toBe(after);
    } finally {
      await Promise.all([reader.close(), writer.close()]);
    }
  });

  it("is not reported up while Redis refuses writes", async () => {
    const cache = createRedisCache(server.url);
    try {
      expect(await cache.ping()).toBe(true);
      await server.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      await server.call("CONFIG", "SET", "maxmemory", "1");
      try {
        expect(await cache.ping()).toBe(false);
      } finally {
        await server.call("CONFIG", "SET", "maxmemory", "0");
      }
      await waitFor(() => cache.ping());
    } finally {
      await cache.close();
    }
  });
});
