import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type Bus, createMemoryBus, createRedisBus } from "../src";
import { testEnv } from "./env";
import { collector, spyLogger, uniquePrefix, waitFor } from "./helpers";

/** Two buses standing for two processes; the memory bus can only be one process. */
const implementations: Array<[string, () => [Bus, Bus]]> = [
  [
    "memory",
    () => {
      const bus = createMemoryBus();
      return [bus, bus];
    },
  ],
  ["redis", () => [createRedisBus(testEnv.REDIS_URL), createRedisBus(testEnv.REDIS_URL)]],
];

describe.each(implementations)("%s bus", (kind, make) => {
  const [a, b] = make();
  const p = uniquePrefix("bus");
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("delivers a message published on one instance to a subscriber on the other", async () => {
    const got = collector();
    const off = b.subscribe(`${p}hello`, got.handler);
    expect(await off.ready).toBe(true);
    await a.publish(`${p}hello`, { type: "OFFER", id: 7 });
    await waitFor(() => got.messages.length === 1);
    expect(got.messages).toEqual([{ type: "OFFER", id: 7 }]);
    off();
  });

  it("keeps the order of messages on a channel", async () => {
    const got = collector();
    const off = b.subscribe(`${p}order`, got.handler);
    await off.ready;
    const sent = Array.from({ length: 200 }, (_, i) => i);
    for (const i of sent) void a.publish(`${p}order`, i);
    await waitFor(() => got.messages.length === sent.length);
    expect(got.messages).toEqual(sent);
    off();
  });

  it("stops delivering to an unsubscribed handler, and keeps delivering to the others", async () => {
    const gone = collector();
    const kept = collector();
    const offGone = b.subscribe(`${p}unsub`, gone.handler);
    const offKept = b.subscribe(`${p}unsub`, kept.handler);
    await Promise.all([offGone.ready, offKept.ready]);
    offGone();
    offGone(); // idempotent: must not drop the other handler's reference
    await a.publish(`${p}unsub`, "after");
    await waitFor(() => kept.messages.length === 1);
    expect(gone.messages).toEqual([]);
    offKept();
    expect(b.listenerCount()).toBe(0);
  });

  it("isolates a handler that throws", async () => {
    const got = collector();
    const offBad = b.subscribe(`${p}throw`, () => {
      throw new Error("handler bug");
    });
    const offGood = b.subscribe(`${p}throw`, got.handler);
    await offGood.ready;
    await a.publish(`${p}throw`, 1);
    await a.publish(`${p}throw`, 2);
    await waitFor(() => got.messages.length === 2);
    offBad();
    offGood();
  });

  it("leaves no listener and no channel behind after 200 subscribe/unsubscribe cycles", async () => {
    const c = uniquePrefix("cycles");
    const channel = (i: number) => `${c}${i % 7}`;
    for (let i = 0; i < 200; i++) {
      const first = b.subscribe(channel(i), () => {});
      const second = b.subscribe(channel(i + 3), () => {});
      const third = b.subscribe(channel(i), () => {});
      if (i % 10 === 0) await Promise.all([first.ready, second.ready, third.ready]);
      // assorted unsubscribe orders
      if (i % 2 === 0) {
        first();
        second();
        third();
      } else {
        third();
        first();
        second();
      }
    }
    expect(b.listenerCount()).toBe(0);
    await waitFor(() => b.subscribedChannelCount() === 0);
    if (kind === "redis") {
      const admin = new Redis(testEnv.REDIS_URL);
      try {
        await waitFor(async () => (await admin.pubsub("CHANNELS", `${c}*`)).length === 0);
        const numsub = (await admin.pubsub("NUMSUB", channel(0), channel(1))) as Array<string | number>;
        expect(numsub).toEqual([channel(0), 0, channel(1), 0]);
      } finally {
        admin.disconnect();
      }
    }
    // the bus still works afterwards
    const got = collector();
    const off = b.subscribe(channel(0), got.handler);
    await off.ready;
    await a.publish(channel(0), "still alive");
    await waitFor(() => got.messages.length === 1);
    off();
  });

  it("counts the subscriber connection's channels as Redis reports them", async () => {
    const c = uniquePrefix("count");
    const offs = [
      b.subscribe(`${c}x`, () => {}),
      b.subscribe(`${c}y`, () => {}),
      b.subscribe(`${c}x`, () => {}),
    ];
    await Promise.all(offs.map((o) => o.ready));
    expect(b.subscribedChannelCount()).toBe(2);
    expect(b.listenerCount()).toBe(3);
    for (const off of offs) off();
    await waitFor(() => b.subscribedChannelCount() === 0);
  });

  it("pings", async () => {
    expect(await a.ping()).toBe(true);
  });
});

describe("redis bus logging", () => {
  it("logs a handler that throws, with its channel", async () => {
    const logger = spyLogger();
    const bus = createRedisBus(testEnv.REDIS_URL, { logger });
    const ch = `${uniquePrefix("log")}x`;
    const got = collector();
    const offBad = bus.subscribe(ch, () => {
      throw new Error("bug");
    });
    const offGood = bus.subscribe(ch, got.handler);
    await offGood.ready;
    await bus.publish(ch, "m");
    await waitFor(() => got.messages.length === 1);
    expect(logger.warns).toEqual(["bus handler threw"]);
    offBad();
    offGood();
    await bus.close();
    expect(await bus.ping()).toBe(false);
  });
});
