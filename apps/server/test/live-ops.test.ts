import { startThrowawayRedis, type ThrowawayRedis } from "@dlsms/bus/testing";
import { notifications, reservations } from "@dlsms/db";
import { and, eq } from "@dlsms/db/drizzle";
import { afterAll, describe, expect, it } from "vitest";
import { type Cluster, eventually, login, startCluster } from "./cluster";
import { addMinutes, tomorrowAt } from "./helpers";

// Issue 3 acceptance 5, 7 and 8.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function cluster(count: number, overrides: Record<string, string> = {}): Promise<Cluster> {
  const c = await startCluster(count, overrides);
  cleanups.push(() => c.stop());
  return c;
}

const slot = (seatId: number, start: Date, end: Date) => ({
  seatId,
  startTime: start.toISOString(),
  endTime: end.toISOString(),
});

describe("sweeper on two instances at once", () => {
  it("a booking not checked in becomes NO_SHOW once, one notification, and the seat goes to the next waiter", async () => {
    const c = await cluster(2, { SWEEP_INTERVAL_SECONDS: "1", GRACE_MINUTES: "0" });
    const [a, b] = c.instances as [Cluster["instances"][0], Cluster["instances"][0]];
    const holder = await login(a, "S2021001");
    const waiter = await login(b, "S2021002");
    const start = new Date(Date.now() + 1_500);
    const end = addMinutes(start, 30);
    const booking = await a.http(holder).reservations.create.mutate(slot(3, start, end));
    await b
      .http(waiter)
      .waitlist.join.mutate({ seatId: 3, desiredStart: start.toISOString(), desiredEnd: end.toISOString() });

    const row = await eventually(async () => {
      const r = await a.http(holder).reservations.get.query({ id: booking.id });
      return r.status === "NO_SHOW" ? r : undefined;
    }, 15_000);
    expect(row.status).toBe("NO_SHOW");
    await new Promise((r) => setTimeout(r, 2_500)); // a few more sweeps on both instances
    const db = c.database.db;
    const noShows = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 1), eq(notifications.type, "NO_SHOW")));
    expect(noShows).toHaveLength(1);
    const offers = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 2), eq(notifications.type, "OFFER")));
    expect(offers).toHaveLength(1);
    const held = await db
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, 3), eq(reservations.status, "HELD")));
    expect(held.map((r) => r.userId)).toEqual([2]);
  });
});

describe("Redis outage", () => {
  it("reads and bookings keep working from the database; live events flow again when Redis returns", {
    timeout: 90_000,
  }, async () => {
    const redis: ThrowawayRedis = await startThrowawayRedis();
    cleanups.push(() => redis.stop());
    const c = await cluster(2, { REDIS_URL: redis.url });
    const [a, b] = c.instances as [Cluster["instances"][0], Cluster["instances"][0]];
    const alice = await login(a, "S2021001");
    const bob = await login(b, "S2021002");
    const ws = b.ws(bob);
    const events: number[] = [];
    const sub = ws.client.seats.onChange.subscribe(undefined, { onData: (e) => events.push(e.seatId) });
    cleanups.push(async () => {
      sub.unsubscribe();
      ws.close();
    });
    await eventually(() => (b.server.deps.bus.subscribedChannelCount() > 0 ? true : undefined));
    const day = tomorrowAt(7);
    await a.http(alice).reservations.create.mutate(slot(21, day, addMinutes(day, 30)));
    await eventually(() => (events.includes(21) ? true : undefined));

    await redis.stop();
    const seats = await b.http(bob).seats.list.query({ branch: "Main Library" });
    expect(seats).toHaveLength(25);
    expect((await a.http(alice).branches.list.query()).length).toBe(3);
    const during = await a
      .http(alice)
      .reservations.create.mutate(slot(22, addMinutes(day, 60), addMinutes(day, 90)));
    expect(during.status).toBe("CONFIRMED");
    const health = await (await fetch(`${b.server.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, db: "up", cache: "down", bus: "down" });

    await redis.start();
    // Events flow again once ioredis has reconnected and resubscribed: keep making changes
    // (book, then cancel, so no rule limit is hit) until B hears one.
    let attempt = 0;
    const end = await eventually(async () => {
      const t = addMinutes(day, 120 + 30 * attempt++);
      const r = await a.http(alice).reservations.create.mutate(slot(24, t, addMinutes(t, 15)));
      await a.http(alice).reservations.cancel.mutate({ id: r.id });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return events.includes(24) ? true : undefined;
    }, 40_000);
    expect(end).toBe(true);
  });
});

describe("subscriptions end cleanly", () => {
  it("200 subscribe/unsubscribe cycles leave no listener and no Redis channel behind", async () => {
    const c = await cluster(1);
    const [a] = c.instances as [Cluster["instances"][0]];
    const token = await login(a, "S2021003");
    const ws = a.ws(token);
    try {
      for (let i = 0; i < 200; i++) {
        let started = false;
        const sub =
          i % 2
            ? ws.client.notifications.onEvent.subscribe(
                {},
                { onStarted: () => (started = true), onData: () => {} },
              )
            : ws.client.seats.onChange.subscribe(
                { branch: "Main Library" },
                { onStarted: () => (started = true), onData: () => {} },
              );
        await eventually(() => (started ? true : undefined));
        sub.unsubscribe();
      }
    } finally {
      ws.close();
    }
    const bus = a.server.deps.bus;
    await eventually(
      () => (bus.listenerCount() === 0 && bus.subscribedChannelCount() === 0 ? true : undefined),
      10_000,
    );
    expect(bus.listenerCount()).toBe(0);
    expect(bus.subscribedChannelCount()).toBe(0);
  });
});

describe("login throttling across instances", () => {
  it("failed logins on A count on B when Redis is shared", async () => {
    const redis = await startThrowawayRedis();
    cleanups.push(() => redis.stop());
    const c = await cluster(2, { REDIS_URL: redis.url, LOGIN_FAILURES_PER_MINUTE: "3" });
    const [a, b] = c.instances as [Cluster["instances"][0], Cluster["instances"][0]];
    const attempt = (inst: typeof a, password: string) =>
      inst
        .http()
        .auth.login.mutate({ studentId: "S2021004", password })
        .then(
          () => "OK",
          (e: { data?: { code?: string } }) => e.data?.code,
        );
    expect(await attempt(a, "wrong-1")).toBe("UNAUTHORIZED");
    expect(await attempt(b, "wrong-2")).toBe("UNAUTHORIZED");
    expect(await attempt(a, "wrong-3")).toBe("UNAUTHORIZED");
    expect(await attempt(b, "password123")).toBe("TOO_MANY_REQUESTS");
    expect(await attempt(a, "password123")).toBe("TOO_MANY_REQUESTS");
    expect(await attempt(b, "password123").then(() => login(b, "S2021005"))).toEqual(expect.any(String));
  });
});
