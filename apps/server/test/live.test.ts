import { notifications, reservations } from "@dlsms/db";
import { and, eq } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, eventually, login, startCluster } from "./cluster";
import { addMinutes, outcome, tomorrowAt } from "./helpers";

// Issue 3 acceptance 1-4 and 6 with TWO server instances sharing the database (and Redis in CI).
let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster(2);
});
afterAll(() => cluster?.stop());

const A = () => cluster.instances[0]!;
const B = () => cluster.instances[1]!;
const db = () => cluster.database.db;

interface Received {
  id: string;
  data: { id: number; type: string; payload: Record<string, unknown> };
}

/** Subscribes to notifications.onEvent and collects what arrives. */
function listen(inst: ReturnType<typeof A>, token: string, lastEventId?: string) {
  const ws = inst.ws(token);
  const received: Received[] = [];
  const sub = ws.client.notifications.onEvent.subscribe(
    { lastEventId },
    { onData: (event) => received.push(event as unknown as Received) },
  );
  return {
    received,
    close() {
      sub.unsubscribe();
      ws.close();
    },
  };
}

const slot = (seatId: number, start: Date, end: Date) => ({
  seatId,
  startTime: start.toISOString(),
  endTime: end.toISOString(),
});
const want = (start: Date, end: Date, seatId: number) => ({
  seatId,
  desiredStart: start.toISOString(),
  desiredEnd: end.toISOString(),
});

describe("waitlist offers across instances", () => {
  it("an OFFER reaches a waiter subscribed on B when the holder cancels on A; claim on either instance", async () => {
    const [alice, bob] = [await login(A(), "S2021001"), await login(B(), "S2021002")];
    const start = tomorrowAt(9);
    const end = addMinutes(start, 120);
    const booking = await A()
      .http(alice)
      .reservations.create.mutate(slot(7, start, end));
    await B()
      .http(bob)
      .waitlist.join.mutate(want(start, end, 7));
    // lastEventId "0": replay-then-live, so the test cannot race the subscription's start.
    const stream = listen(B(), bob, "0");
    try {
      await A().http(alice).reservations.cancel.mutate({ id: booking.id });
      const offer = await eventually(() => stream.received.find((e) => e.data.type === "OFFER"), 5_000);
      expect(offer.id).toBe(String(offer.data.id));
      expect(offer.data.payload).toMatchObject({
        seatId: 7,
        startTime: start.toISOString(),
        endTime: end.toISOString(),
      });
      const reservationId = Number(offer.data.payload.reservationId);
      const held = await B().http(bob).reservations.get.query({ id: reservationId });
      expect(held.status).toBe("HELD");
      expect(held.expiresAt).toEqual(expect.any(String));
      const claimed = await A().http(bob).waitlist.claim.mutate({ reservationId });
      expect(claimed.status).toBe("CONFIRMED");
      expect((await B().http(bob).reservations.get.query({ id: reservationId })).status).toBe("CONFIRMED");
    } finally {
      stream.close();
    }
  });

  it("first come, first served: the earlier waiter is offered, the later one nothing; a decline passes it on", async () => {
    const [carol, diana, eve] = await Promise.all(
      ["S2021003", "S2021004", "S2021005"].map((s) => login(A(), s)),
    );
    const start = tomorrowAt(13);
    const end = addMinutes(start, 60);
    const booking = await A()
      .http(carol)
      .reservations.create.mutate(slot(8, start, end));
    await A()
      .http(diana)
      .waitlist.join.mutate(want(start, end, 8));
    await B()
      .http(eve)
      .waitlist.join.mutate(want(start, end, 8));
    await B().http(carol).reservations.cancel.mutate({ id: booking.id });
    const [dianaEntry] = await A().http(diana).waitlist.mine.query();
    const [eveEntry] = await A().http(eve).waitlist.mine.query();
    expect(dianaEntry?.status).toBe("OFFERED");
    expect(eveEntry?.status).toBe("WAITING");
    await B().http(diana).waitlist.decline.mutate({ reservationId: dianaEntry!.offer!.reservationId });
    const [eveAfter] = await A().http(eve).waitlist.mine.query();
    expect(eveAfter?.status).toBe("OFFERED");
  });

  it("20 waiters; the holder cancels on both instances at once → one HELD, one OFFER", async () => {
    const holder = await login(A(), "S2021006");
    const start = tomorrowAt(16);
    const end = addMinutes(start, 60);
    const booking = await A()
      .http(holder)
      .reservations.create.mutate(slot(9, start, end));
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { token } = await A()
        .http()
        .auth.register.mutate({ studentId: `LIVE${i}`, password: "password123", name: `Waiter ${i}` });
      tokens.push(token);
      await (i % 2 ? B() : A()).http(token).waitlist.join.mutate(want(start, end, 9));
    }
    const outcomes = await Promise.all([
      outcome(A().http(holder).reservations.cancel.mutate({ id: booking.id })),
      outcome(B().http(holder).reservations.cancel.mutate({ id: booking.id })),
    ]);
    expect(outcomes.sort()).toEqual(["BAD_REQUEST", "OK"]);
    const held = await db()
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, 9), eq(reservations.status, "HELD")));
    expect(held).toHaveLength(1);
    const offers = (await db().select().from(notifications).where(eq(notifications.type, "OFFER"))).filter(
      (n) => n.payload.seatId === 9,
    );
    expect(offers).toHaveLength(1);
    expect(offers[0]?.userId).toBe(held[0]?.userId);
  });
});

describe("replay on reconnect", () => {
  it("a client that resubscribes with lastEventId on the other instance gets exactly what it missed", async () => {
    const frank = await login(A(), "S2021007");
    const holders = await Promise.all(["S2021008", "S2021009", "S2021010"].map((s) => login(A(), s)));
    const holderOf = (i: number) => holders[i % holders.length]!;
    // Four disjoint windows on four seats: each cancel offers Frank one seat.
    const windows = [0, 1, 2, 3].map((i) => ({
      seat: 31 + i,
      start: addMinutes(tomorrowAt(8), i * 120),
      end: addMinutes(tomorrowAt(9), i * 120),
    }));
    const bookings = [];
    for (const [i, w] of windows.entries()) {
      bookings.push(
        await A()
          .http(holderOf(i))
          .reservations.create.mutate(slot(w.seat, w.start, w.end)),
      );
      await A()
        .http(frank)
        .waitlist.join.mutate(want(w.start, w.end, w.seat));
    }
    const first = listen(A(), frank, "0");
    await A().http(holderOf(0)).reservations.cancel.mutate({ id: bookings[0]!.id });
    const e1 = await eventually(() => first.received[0]);
    first.close();

    await A().http(holderOf(1)).reservations.cancel.mutate({ id: bookings[1]!.id });
    await B().http(holderOf(2)).reservations.cancel.mutate({ id: bookings[2]!.id });

    const second = listen(B(), frank, e1.id);
    try {
      await eventually(() => (second.received.length >= 2 ? true : undefined));
      await A().http(holderOf(3)).reservations.cancel.mutate({ id: bookings[3]!.id });
      await eventually(() => (second.received.length >= 3 ? true : undefined));
      await new Promise((r) => setTimeout(r, 300)); // any duplicate would arrive by now
      const seats = second.received.map((e) => e.data.payload.seatId);
      expect(seats).toEqual([32, 33, 34]);
      const ids = second.received.map((e) => Number(e.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(Math.min(...ids)).toBeGreaterThan(Number(e1.id));
    } finally {
      second.close();
    }
  });
});

describe("seat changes across instances", () => {
  it("seats.onChange on B sees a booking on A; a warm seats.list on B no longer shows the seat free", async () => {
    const [grace, henry] = [await login(A(), "S2021001"), await login(B(), "S2021002")];
    const start = tomorrowAt(18);
    const end = addMinutes(start, 60);
    const window = { branch: "Main Library", startTime: start.toISOString(), endTime: end.toISOString() };
    const before = await B().http(henry).seats.list.query(window);
    expect(before.find((s) => s.id === 14)?.available).toBe(true);
    const ws = B().ws(henry);
    const events: { seatId: number; branch: string; reason: string }[] = [];
    const sub = ws.client.seats.onChange.subscribe(
      { branch: "Main Library" },
      { onData: (e) => events.push(e) },
    );
    try {
      await eventually(() => (B().server.deps.bus.listenerCount() > 0 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200)); // let the Redis SUBSCRIBE land
      await A()
        .http(grace)
        .reservations.create.mutate(slot(14, start, end));
      const seen = await eventually(() => events.find((e) => e.seatId === 14), 5_000);
      expect(seen).toMatchObject({ branch: "Main Library", reason: "booked" });
      const after = await B().http(henry).seats.list.query(window);
      expect(after.find((s) => s.id === 14)?.available).toBe(false);
    } finally {
      sub.unsubscribe();
      ws.close();
    }
  });
});
