import { notifications, reservations, waitlist } from "@dlsms/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../src/services/sweeper";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { dayAt, expectTRPCError, HOUR, iso, MINUTE, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ rules: { offerMinutes: 10 } }));
});
afterAll(() => api?.destroy());

const db = () => api.database.db;

async function offersFor(userId: number) {
  return db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, "OFFER")));
}

describe("waitlist offers", () => {
  it("offers a cancelled seat to the earliest waiter only, as a HELD reservation with expiresAt", async () => {
    const start = dayAt(2, 9);
    const end = new Date(start.getTime() + 2 * HOUR);
    const alice = await api.as(1);
    const booking = await alice.reservations.create(slot(5, start, end));
    const bob = await api.as(2);
    const carol = await api.as(3);
    const first = await bob.waitlist.join({ seatId: 5, desiredStart: iso(start), desiredEnd: iso(end) });
    await carol.waitlist.join({ seatId: 5, desiredStart: iso(start), desiredEnd: iso(end) });
    expect(first).toMatchObject({ seatId: 5, branch: "Main Library", status: "WAITING", offer: null });

    await alice.reservations.cancel({ id: booking.id });

    const [bobOffer] = await offersFor(2);
    expect(bobOffer?.payload).toMatchObject({ seatId: 5, startTime: iso(start), endTime: iso(end) });
    expect(await offersFor(3)).toHaveLength(0);
    const reservationId = Number(bobOffer?.payload.reservationId);
    const held = await bob.reservations.get({ id: reservationId });
    expect(held.status).toBe("HELD");
    expect(held.expiresAt).not.toBeNull();
    const [entry] = await bob.waitlist.mine();
    expect(entry).toMatchObject({ status: "OFFERED", offer: { reservationId } });

    // Carol cannot claim Bob's offer; Bob can.
    await expectTRPCError(carol.waitlist.claim({ reservationId }), "NOT_FOUND");
    const claimed = await bob.waitlist.claim({ reservationId });
    expect(claimed.status).toBe("CONFIRMED");
    expect(claimed.expiresAt).toBeNull();
    await expectTRPCError(bob.waitlist.claim({ reservationId }), "BAD_REQUEST", "already claimed");
    expect((await bob.waitlist.mine())[0]?.status).toBe("FULFILLED");
  });

  it("a decline passes the offer to the next waiter; a lapsed offer too", async () => {
    const start = dayAt(3, 10);
    const end = new Date(start.getTime() + HOUR);
    const alice = await api.as(1);
    const booking = await alice.reservations.create(slot(30, start, end));
    const waiters = [4, 5, 6];
    for (const id of waiters) {
      await (await api.as(id)).waitlist.join({
        branch: "Science Library",
        hasPower: true,
        desiredStart: iso(start),
        desiredEnd: iso(end),
      });
    }
    await alice.reservations.cancel({ id: booking.id });
    const [offer4] = await offersFor(4);
    const offered4 = Number(offer4?.payload.reservationId);
    await (await api.as(4)).waitlist.decline({ reservationId: offered4 });
    await expect((await api.as(4)).reservations.get({ id: offered4 })).resolves.toMatchObject({
      status: "CANCELLED",
    });

    const [offer5] = await offersFor(5);
    expect(offer5).toBeDefined();
    const offered5 = Number(offer5?.payload.reservationId);
    // Let it lapse: sweep as if 11 minutes had passed.
    const { result, effects } = await runSweep(
      db(),
      api.deps.config.rules,
      new Date(Date.now() + 11 * MINUTE),
    );
    await effects.flush(api.deps);
    expect(result.expiredOffers).toBeGreaterThanOrEqual(1);
    const [row5] = await db().select().from(reservations).where(eq(reservations.id, offered5));
    expect(row5?.status).toBe("EXPIRED");
    const expiredNote = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 5), eq(notifications.type, "OFFER_EXPIRED")));
    expect(expiredNote).toHaveLength(1);
    expect(await offersFor(6)).toHaveLength(1);
  });

  it("20 waiters, the holder cancels twice at once: exactly one HELD and one OFFER", async () => {
    const start = dayAt(4, 12);
    const end = new Date(start.getTime() + HOUR);
    const owner = await api.as(7);
    const booking = await owner.reservations.create(slot(44, start, end));
    const students = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.anonymous.auth.register({
          studentId: `W${1000 + i}`,
          password: "password123",
          name: `Waiter ${i}`,
        }),
      ),
    );
    for (const s of students) {
      await (await api.as(s.user.id)).waitlist.join({
        seatId: 44,
        desiredStart: iso(start),
        desiredEnd: iso(end),
      });
    }
    const results = await Promise.allSettled([
      owner.reservations.cancel({ id: booking.id }),
      owner.reservations.cancel({ id: booking.id }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const held = await db()
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, 44), eq(reservations.status, "HELD")));
    expect(held).toHaveLength(1);
    expect(held[0]?.userId).toBe(students[0]?.user.id);
    const offers = await db().select().from(notifications).where(eq(notifications.type, "OFFER"));
    expect(offers.filter((n) => Number(n.payload.seatId) === 44)).toHaveLength(1);
    const offered = await db()
      .select()
      .from(waitlist)
      .where(and(eq(waitlist.seatId, 44), eq(waitlist.status, "OFFERED")));
    expect(offered).toHaveLength(1);
  });

  it("validates joins: unknown seat or branch, both or neither target, windows in the past", async () => {
    const bob = await api.as(2);
    const w = { desiredStart: iso(dayAt(1, 9)), desiredEnd: iso(dayAt(1, 10)) };
    await expectTRPCError(bob.waitlist.join({ ...w, seatId: 999 }), "NOT_FOUND", "Seat 999");
    await expectTRPCError(bob.waitlist.join({ ...w, branch: "Nowhere" }), "NOT_FOUND", "Nowhere");
    await expectTRPCError(bob.waitlist.join({ ...w }), "BAD_REQUEST");
    await expectTRPCError(
      bob.waitlist.join({
        seatId: 1,
        desiredStart: iso(new Date(Date.now() - 2 * HOUR)),
        desiredEnd: iso(new Date(Date.now() - HOUR)),
      }),
      "BAD_REQUEST",
      "already over",
    );
    const entry = await bob.waitlist.join({ ...w, seatId: 1 });
    await expectTRPCError((await api.as(3)).waitlist.leave({ id: entry.id }), "NOT_FOUND");
    expect(await bob.waitlist.leave({ id: entry.id })).toMatchObject({ status: "LEFT" });
  });
});

describe("sweeper", () => {
  it("marks a missed booking NO_SHOW once even when two sweeps race, and offers the seat", async () => {
    const start = new Date(Date.now() + 20 * MINUTE);
    const end = new Date(start.getTime() + HOUR);
    const holder = await api.as(8);
    const booking = await holder.reservations.create(slot(12, start, end));
    const waiter = await api.as(9);
    await waiter.waitlist.join({ seatId: 12, desiredStart: iso(start), desiredEnd: iso(end) });
    const later = new Date(start.getTime() + 16 * MINUTE);
    const sweeps = await Promise.all([1, 2, 3].map(() => runSweep(db(), api.deps.config.rules, later)));
    expect(sweeps.reduce((n, s) => n + s.result.noShows, 0)).toBe(1);
    const row = await holder.reservations.get({ id: booking.id });
    expect(row.status).toBe("NO_SHOW");
    const noShows = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 8), eq(notifications.type, "NO_SHOW")));
    expect(noShows).toHaveLength(1);
    expect(await offersFor(9)).toHaveLength(1);
  });
});

describe("listing cache", () => {
  it("never lists a seat as free after a booking was acknowledged (cache warm)", async () => {
    const start = dayAt(5, 14);
    const end = new Date(start.getTime() + HOUR);
    const bob = await api.as(2);
    const window = { branch: "Engineering Library", startTime: iso(start), endTime: iso(end) };
    const before = await bob.seats.list(window); // warms the cache
    expect(before.find((s) => s.id === 40)?.available).toBe(true);
    const branchesBefore = await bob.branches.list();
    await (await api.as(10)).reservations.create(slot(40, start, end));
    const after = await bob.seats.list(window);
    expect(after.find((s) => s.id === 40)?.available).toBe(false);
    expect(await bob.branches.list()).toEqual(branchesBefore); // booking is in the future: counts unchanged
  });
});
