import { Redis, type RedisOptions } from "ioredis";

/**
 * Options shared by every connection: calls must fail fast while Redis is down (the callers
 * degrade) instead of queueing or hanging, and reconnection must keep trying forever, quickly
 * enough that a restarted Redis is picked up within about a second.
 */
const FAIL_FAST: RedisOptions = {
  // No offline queue: a command issued while disconnected rejects at once.
  enableOfflineQueue: false,
  // 0: commands in flight when the socket drops are rejected, never replayed later out of order.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  // A socket that is open but unresponsive (paused server) must not stall requests.
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 50, 1_000),
};

/**
 * For connections that carry many small commands from concurrent requests (cache reads, version
 * bumps, publishes): the commands issued in one event-loop turn leave in one write, because one
 * socket write per command is the largest single cost under load (see docs/performance-log.md).
 * Not for the subscriber connection, which only (un)subscribes.
 */
export const BATCHED: RedisOptions = { enableAutoPipelining: true };

export interface Connection {
  redis: Redis;
  /**
   * Resolves once the FIRST connection attempt has an outcome (ready, or failed). Without it the
   * calls made right after start-up would fail fast (no offline queue) and report an outage that
   * never happened; after it, a down Redis fails calls at once.
   */
  started(): Promise<void>;
}

export function connectRedis(url: string, connectionName: string, extra: RedisOptions = {}): Connection {
  const redis = new Redis(url, { ...FAIL_FAST, connectionName, ...extra });
  let settled = false;
  const first = new Promise<void>((resolve) => {
    const done = () => {
      settled = true;
      for (const event of ["ready", "close", "end"]) redis.off(event, done);
      resolve();
    };
    for (const event of ["ready", "close", "end"]) redis.once(event, done);
  });
  return { redis, started: () => (settled ? Promise.resolve() : first) };
}

/** Quits politely when possible; a dead connection is just dropped (and stops reconnecting). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  try {
    if (redis.status === "ready") {
      await redis.quit();
      return;
    }
  } catch {
    // fall through to disconnect
  }
  redis.disconnect();
}
