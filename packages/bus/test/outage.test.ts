import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackends, createRedisBus, createRedisCache } from "../src";
import { startThrowawayRedis, type ThrowawayRedis } from "../src/testing";
import { collector, spyLogger, uniquePrefix, waitFor } from "./helpers";

/** Redis killed mid-test and restarted on the same port: callers degrade, then recover alone. */
describe("Redis outage", () => {
  let server: ThrowawayRedis;
  beforeAll(async () => {
    server = await startThrowawayRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("degrades cache and bus while Redis is down and recovers when it returns", async () => {
    const p = uniquePrefix("outage");
    const cacheLog = spyLogger();
    const busLog = spyLogger();
    const cache = createRedisCache(server.url, { logger: cacheLog });
    const a = createRedisBus(server.url, { logger: busLog });
    const b = createRedisBus(server.url);
    try {
      // up: everything works
      const kept = collector();
      const offKept = b.subscribe(`${p}kept`, kept.handler);
      const offDropped = b.subscribe(`${p}dropped`, () => {});
      expect(await offKept.ready).toBe(true);
      await offDropped.ready;
      await a.publish(`${p}kept`, "before");
      await waitFor(() => kept.messages.length === 1);
      await cache.set(`${p}k`, { v: 1 }, 60);
      expect(await cache.get(`${p}k`)).toEqual({ v: 1 });
      const before = await cache.incr(`${p}version`);

      await server.stop();
      await waitFor(async () => !(await cache.ping()) && !(await a.ping()) && !(await b.ping()));

      // down: nothing throws, reads miss, versions are unknown: below zero and never repeated,
      // so nothing stored under one is ever taken for current
      expect(await cache.get(`${p}k`)).toBeUndefined();
      await expect(cache.set(`${p}k`, { v: 2 }, 60)).resolves.toBeUndefined();
      await expect(cache.del(`${p}k`)).resolves.toBeUndefined();
      const during = [
        await cache.incr(`${p}version`),
        await cache.version(`${p}version`),
        await cache.version(`${p}version`),
      ];
      expect(during.every((n) => n < 0)).toBe(true);
      expect(new Set(during).size).toBe(during.length);
      await expect(a.publish(`${p}kept`, "lost")).resolves.toBeUndefined();
      // (un)subscribing during the outage must be honoured once Redis returns
      const late = collector();
      const offLate = b.subscribe(`${p}late`, late.handler);
      expect(await offLate.ready).toBe(false);
      offDropped();
      expect(b.listenerCount()).toBe(2);
      // one warning per outage, however many calls failed
      expect(cacheLog.warns).toHaveLength(1);
      expect(busLog.warns).toHaveLength(1);

      await server.start();

      // back: live events flow again without anyone re-subscribing
      await waitFor(async () => {
        await a.publish(`${p}kept`, "after");
        await a.publish(`${p}late`, "after");
        return kept.messages.includes("after") && late.messages.includes("after");
      }, 10_000);
      expect(kept.messages).not.toContain("lost");
      await waitFor(async () => {
        await cache.set(`${p}k`, { v: 3 }, 60);
        return (await cache.get<{ v: number }>(`${p}k`))?.v === 3;
      }, 10_000);
      expect(await cache.ping()).toBe(true);
      // the bump made during the outage landed, on a Redis that came back empty
      expect(await cache.version(`${p}version`)).toBeGreaterThan(before);
      await waitFor(async () => (await a.ping()) && (await b.ping()));
      expect(cacheLog.infos.length).toBeGreaterThanOrEqual(1);
      expect(cacheLog.warns).toHaveLength(1);

      // the channel dropped during the outage is not subscribed on the new server; the others are
      const admin = new Redis(server.url);
      try {
        expect((await admin.pubsub("CHANNELS", `${p}*`)).sort()).toEqual([`${p}kept`, `${p}late`]);
      } finally {
        admin.disconnect();
      }
      expect(b.subscribedChannelCount()).toBe(2);
      offKept();
      offLate();
      await waitFor(() => b.subscribedChannelCount() === 0);
    } finally {
      await Promise.all([cache.close(), a.close(), b.close()]);
    }
  });

  it("does not lose an invalidation issued while Redis hangs", async () => {
    const p = uniquePrefix("paused");
    const cache = createRedisCache(server.url);
    try {
      await cache.set(`${p}list`, ["seat-1 free"], 600);
      const v1 = await cache.incr(`${p}version`);
      // SIGSTOP keeps the data but answers nothing: calls time out instead of failing at once
      server.pause();
      await cache.del(`${p}list`);
      await cache.incr(`${p}version`);
      server.resume();
      // the stale entry is gone and the version moved past what it was before the outage
      await waitFor(async () => (await cache.get(`${p}list`)) === undefined && (await cache.ping()));
      const admin = new Redis(server.url);
      try {
        await waitFor(async () => Number(await admin.get(`${p}version`)) > v1);
      } finally {
        admin.disconnect();
      }
    } finally {
      await cache.close();
    }
  });

  it("starts degraded when Redis is down at boot, and connects when it comes up", async () => {
    const p = uniquePrefix("boot");
    await server.stop();
    const log = spyLogger();
    const { cache, bus } = createBackends({ redisUrl: server.url, logger: log });
    try {
      expect(await cache.get(`${p}k`)).toBeUndefined();
      await bus.publish(`${p}ch`, "lost");
      const got = collector();
      const off = bus.subscribe(`${p}ch`, got.handler);
      expect(await off.ready).toBe(false);
      expect(await bus.ping()).toBe(false);
      await server.start();
      await waitFor(async () => {
        await bus.publish(`${p}ch`, "live");
        return got.messages.includes("live");
      }, 10_000);
      await waitFor(() => cache.ping());
      expect(log.warns).toHaveLength(2); // one per component
      off();
    } finally {
      await Promise.all([cache.close(), bus.close()]);
    }
  });
});
