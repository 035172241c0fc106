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
