import { startThrowawayRedis, type ThrowawayRedis } from "@dlsms/bus/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type Cluster, eventually, type Instance, login, startCluster } from "./cluster";
import { addMinutes, tomorrowAt } from "./helpers";

// Issue 17 item 5: copies kept in process memory are stamped with version counters held in Redis;
// neither a Redis restarted empty nor a Redis refusing writes may let any instance serve one
// that predates an acknowledged booking.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function twoInstancesOn(redis: ThrowawayRedis): Promise<[Instance, Instance]> {
  const c: Cluster = await startCluster(2, { REDIS_URL: redis.url });
  cleanups.push(() => c.stop());
  return c.instances as [Instance, Instance];
}

async function throwawayRedis(): Promise<ThrowawayRedis> {
  const redis = await startThrowawayRedis();
  cleanups.push(() => redis.stop());
  return redis;
}

const BRANCH = "Main Library";
const SEAT = 5;
const start = tomorrowAt(10);
const end = addMinutes(start, 60);
const window = { branch: BRANCH, startTime: start.toISOString(), endTime: end.toISOString() };
const booking = { seatId: SEAT, startTime: window.startTime, endTime: window.endTime };

/** Whether this instance lists SEAT as free for the window. */
async function listsFree(inst: Instance, token: string): Promise<boolean | undefined> {
  const seats = await inst.http(token).seats.list.query(window);
  return seats.find((s) => s.id === SEAT)?.available;
}

/** The ids of the student's reservations as this instance answers `reservations.mine`. */
async function mine(inst: Instance, token: string): Promise<number[]> {
  return (await inst.http(token).reservations.mine.query()).map((r) => r.id);
}

/**
 * Has each instance keep copies stamped with several seats versions (listings of the window, and
 * the student's own reservations), by moving the version with other bookings between listings.
 */
async function loadCopies(a: Instance, b: Instance, student: string, other: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    for (const inst of [a, b]) {
      expect(await listsFree(inst, student)).toBe(true);
      expect(await listsFree(inst, student)).toBe(true);
      expect(await mine(inst, student)).toEqual([]);
    }
    const t = tomorrowAt(14 + i);
    const r = await a.http(other).reservations.create.mutate({
      seatId: 10 + i,
      startTime: t.toISOString(),
      endTime: addMinutes(t, 30).toISOString(),
    });
    await a.http(other).reservations.cancel.mutate({ id: r.id });
  }
  for (const inst of [a, b]) {
    expect(await listsFree(inst, student)).toBe(true);
    expect(await mine(inst, student)).toEqual([]);
  }
}

describe("cached copies across a Redis restart", () => {
  it("a booking made after Redis restarted empty shows on the other instance at once", {
    timeout: 120_000,
  }, async () => {
    const redis = await throwawayRedis();
    const [a, b] = await twoInstancesOn(redis);
    const student = await login(a, "S2021001");
    const other = await login(a, "S2021002");
    await loadCopies(a, b, student, other);

    await redis.stop();
    await redis.start();
    await eventually(async () =>
      (await a.server.deps.cache.ping()) && (await b.server.deps.cache.ping()) ? true : undefined,
    );

    const booked = await a.http(student).reservations.create.mutate(booking);
    for (const inst of [b, a]) {
      expect({ free: await listsFree(inst, student), mine: await mine(inst, student) }).toEqual({
        free: false,
        mine: [booked.id],
      });
    }
  });
});

describe("cached copies while Redis refuses writes", () => {
  it("no instance lists a booked seat free, and /healthz says the cache is not up", {
    timeout: 120_000,
  }, async () => {
    const redis = await throwawayRedis();
    const [a, b] = await twoInstancesOn(redis);
    const student = await login(a, "S2021003");
    const other = await login(a, "S2021004");
    await loadCopies(a, b, student, other);

    await redis.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
    await redis.call("CONFIG", "SET", "maxmemory", "1");
    const booked = await a.http(student).reservations.create.mutate(booking);
    expect(booked.status).toBe("CONFIRMED");
    for (const inst of [b, a]) {
      const health = (await (await fetch(`${inst.server.url}/healthz`)).json()) as { cache: string };
      expect({
        free: await listsFree(inst, student),
        mine: await mine(inst, student),
        cache: health.cache,
      }).toEqual({ free: false, mine: [booked.id], cache: "down" });
    }

    // Writes accepted again: the cache reports up, and still nobody lists the seat free.
    await redis.call("CONFIG", "SET", "maxmemory", "0");
    for (const inst of [a, b]) {
      await eventually(async () => {
        const health = (await (await fetch(`${inst.server.url}/healthz`)).json()) as { cache: string };
        return health.cache === "up" ? true : undefined;
      });
    }
    for (const inst of [b, a]) {
      expect(await listsFree(inst, student)).toBe(false);
      expect(await mine(inst, student)).toEqual([booked.id]);
    }
  });
});
