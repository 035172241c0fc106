import { deliver } from "./deliver";
import { createHealth } from "./health";
import { BATCHED, closeRedis, connectRedis } from "./redis-connection";
import type { Bus, BusHandler, BusLogger, Subscription } from "./types";

export interface RedisBusOptions {
  logger?: BusLogger;
}

type Settle = (live: boolean) => void;

/**
 * Pub/sub on Redis: one publisher and ONE subscriber connection per bus. Local handlers are
 * reference-counted per channel: the first SUBSCRIBEs, the last UNSUBSCRIBEs.
 *
 * ioredis' `autoResubscribe` is off on purpose: it restores the channels Redis had confirmed when
 * the socket dropped, which is wrong for channels (un)subscribed during the outage (a lost
 * subscription or a leaked one). Instead every reconnect subscribes exactly the channels that
 * have local handlers now; a fresh connection starts with none, so nothing can leak.
 */
export function createRedisBus(url: string, options: RedisBusOptions = {}): Bus {
  const { logger } = options;
  const pubConn = connectRedis(url, "dlsms-bus-pub", BATCHED);
  const subConn = connectRedis(url, "dlsms-bus-sub", { autoResubscribe: false });
  const { redis: pub } = pubConn;
  const { redis: sub } = subConn;
  const started = () => Promise.all([pubConn.started(), subConn.started()]);
  const channels = new Map<string, Set<BusHandler>>();
  /** `ready` promises of subscriptions made while the subscriber was not connected. */
  let waiting: Settle[] = [];
  /** Channel count from Redis' latest (UN)SUBSCRIBE reply: Redis' own word, for leak tests. */
  let redisCount = 0;
  let closed = false;

  const health = createHealth("bus", logger);
  const bothReady = () => pub.status === "ready" && sub.status === "ready";

  for (const conn of [pub, sub]) {
    conn.on("error", (err) => health.fail(err));
    conn.on("close", () => health.fail(new Error("connection closed")));
    conn.on("ready", () => {
      if (bothReady()) health.ok();
    });
  }
  sub.on("close", () => {
    redisCount = 0;
    settleWaiting(false);
  });
  sub.on("ready", () => void resubscribe());
  sub.on("message", (channel: string, raw: string) => {
    const handlers = channels.get(channel);
    if (!handlers) return; // an UNSUBSCRIBE is in flight
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch (err) {
      logger?.warn({ err, channel }, "bus: dropped a message that is not JSON");
      return;
    }
    deliver(handlers, message, channel, logger);
  });

  function settleWaiting(live: boolean): void {
    const settle = waiting;
    waiting = [];
    for (const s of settle) s(live);
  }

  async function resubscribe(): Promise<void> {
    const names = [...channels.keys()];
    if (names.length === 0) return settleWaiting(true);
    try {
      redisCount = Number(await sub.subscribe(...names));
      settleWaiting(true);
    } catch (err) {
      health.fail(err);
      settleWaiting(false);
    }
  }

  function redisSubscribe(channel: string): Promise<boolean> {
    if (sub.status !== "ready") {
      // Still connecting: the `ready` handler will subscribe it. Down: don't make callers wait.
      if (closed || sub.status === "reconnecting" || sub.status === "end") return Promise.resolve(false);
      return new Promise<boolean>((resolve) => waiting.push(resolve));
    }
    return sub.subscribe(channel).then(
      (count) => {
        redisCount = Number(count);
        return true;
      },
      (err: unknown) => {
        health.fail(err);
        return false;
      },
    );
  }

  function redisUnsubscribe(channel: string): void {
    // Not connected: the next connection simply won't subscribe it.
    if (sub.status !== "ready") return;
    sub.unsubscribe(channel).then(
      (count) => {
        redisCount = Number(count);
      },
      (err: unknown) => health.fail(err),
    );
  }

  return {
    kind: "redis",
    async publish(channel, message) {
      const json = JSON.stringify(message); // outside try: unserialisable input is a caller bug
      try {
        await started();
        await pub.publish(channel, json);
        if (bothReady()) health.ok();
      } catch (err) {
        health.fail(err); // the event is lost; consumers replay from the database
      }
    },
    subscribe(channel, handler): Subscription {
      let handlers = channels.get(channel);
      if (!handlers) {
        handlers = new Set();
        channels.set(channel, handlers);
      }
      // Even for a channel already subscribed, send SUBSCRIBE again (a no-op for Redis): its reply
      // is the only proof that the subscription is live for THIS caller's `ready`.
      const ready = redisSubscribe(channel);
      // Wrap so subscribing the same function twice still yields two independent subscriptions.
      const own: BusHandler = (m) => handler(m);
      handlers.add(own);
      let done = false;
      const unsubscribe = () => {
        if (done) return;
        done = true;
        const set = channels.get(channel);
        if (!set?.delete(own) || set.size > 0) return;
        channels.delete(channel);
        redisUnsubscribe(channel);
      };
      return Object.assign(unsubscribe, { ready });
    },
    listenerCount() {
      let n = 0;
      for (const s of channels.values()) n += s.size;
      return n;
    },
    subscribedChannelCount: () => redisCount,
    async ping() {
      await started();
      if (sub.status !== "ready") return false;
      try {
        await pub.ping();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      channels.clear();
      settleWaiting(false);
      for (const conn of [pub, sub]) conn.removeAllListeners("close");
      await Promise.all([closeRedis(pub), closeRedis(sub)]);
      redisCount = 0;
    },
  };
}
