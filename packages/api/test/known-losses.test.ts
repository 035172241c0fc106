import { type Cache, createMemoryCache } from "@dlsms/bus";
import { reservations } from "@dlsms/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createContextInner } from "../src/context";
import { createLostRaces, lostRacesFor, lostRacesForBooking } from "../src/read-models/known-losses";
import { currentVersion } from "../src/read-models/seat-listings";
import { createCaller } from "../src/root";
import { Effects } from "../src/services/events";
import { createReservation } from "../src/services/reservations.service";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, expectTRPCError, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const hits = () => lostRacesFor(api.deps.cache).hits;

async function activeOnSeat(seatId: number, start: Date) {
  return api.database.db
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.seatId, seatId),
        eq(reservations.startTime, start),
        inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"]),
      ),
    );
}

describe("repeated losing attempts for a taken slot", () => {
  it("are answered from memory with the database's own verdict, and nothing is written", async () => {
    const [start, end] = [dayAt(2, 8), dayAt(2, 10)];
    await (await api.as(1)).reservations.create(slot(1, start, end));
    const loser = await api.as(2);
    const first = await expectTRPCError(
      loser.reservations.create(slot(1, start, end)),
      "CONFLICT",
      "already booked",
    );
    // The first loss on a seat nobody had lost may be recorded under a version read up to a second
    // earlier (lostRacesForBooking), which the winner's booking has moved; from then on every
    // attempt at this seat reads the version fresh, and its loss is recorded under that.
    await expectTRPCError(loser.reservations.create(slot(1, start, end)), "CONFLICT", "already booked");
    const before = hits();
    const again = await expectTRPCError(loser.reservations.create(slot(1, start, end)), "CONFLICT");
    expect(again.message).toBe(first.message);
    expect(hits()).toBe(before + 1);
    expect(await activeOnSeat(1, start)).toHaveLength(1);
  });

  it("stop being answered from memory once a cancel of the holder is acknowledged", async () => {
    const [start, end] = [dayAt(2, 12), dayAt(2, 14)];
    const holder = await api.as(9);
    const held = await holder.reservations.create(slot(2, start, end));
    const loser = await api.as(3);
    await expectTRPCError(loser.reservations.create(slot(2, start, end)), "CONFLICT");
    await expectTRPCError(loser.reservations.create(slot(2, start, end)), "CONFLICT");
    await holder.reservations.cancel({ id: held.id });
    const won = await loser.reservations.create(slot(2, start, end));
    expect(won).toMatchObject({ seatId: 2, userId: 3, status: "CONFIRMED" });
  });

  it("do not answer for another student: their limit comes first, as in the database", async () => {
    const [start, end] = [dayAt(3, 8), dayAt(3, 10)];
    await (await api.as(2)).reservations.create(slot(3, start, end));
    // Student 5 fills their limit; then student 4 loses, so the slot's fact is current.
    const full = await api.as(5);
    for (const hour of [8, 10, 12])
      await full.reservations.create(slot(10, dayAt(4, hour), dayAt(4, hour + 1)));
    await expectTRPCError((await api.as(4)).reservations.create(slot(3, start, end)), "CONFLICT");
    await expectTRPCError((await api.as(4)).reservations.create(slot(3, start, end)), "CONFLICT");
    const before = hits();
    await expectTRPCError(
      full.reservations.create(slot(3, start, end)),
      "BAD_REQUEST",
      "upcoming reservations",
    );
    expect(hits()).toBe(before);
  });

  it("do not answer for a student whose own reservation overlaps: that message comes first", async () => {
    const [start, end] = [dayAt(3, 12), dayAt(3, 14)];
    await (await api.as(4)).reservations.create(slot(4, start, end));
    const own = await api.as(6);
    await own.reservations.create(slot(11, dayAt(3, 13), dayAt(3, 15)));
    await expectTRPCError((await api.as(7)).reservations.create(slot(4, start, end)), "CONFLICT");
    await expectTRPCError((await api.as(7)).reservations.create(slot(4, start, end)), "CONFLICT");
    const before = hits();
    await expectTRPCError(
      own.reservations.create(slot(4, start, end)),
      "CONFLICT",
      "You already have a reservation",
    );
    expect(hits()).toBe(before);
  });

  it("are not trusted by another instance that sees the shared version move", async () => {
    // A second server process: its own memo (keyed by its own Cache object) over the same store.
    const otherCache = { ...api.deps.cache };
    const other = createCaller(
      createContextInner({
        ...api.deps,
        cache: otherCache,
        user: { id: 8, studentId: "", name: "", role: "student", exp: Math.floor(Date.now() / 1000) + 3600 },
      }),
    );
    const [start, end] = [dayAt(5, 8), dayAt(5, 10)];
    const holder = await api.as(7);
    const held = await holder.reservations.create(slot(5, start, end));
    await expectTRPCError(other.reservations.create(slot(5, start, end)), "CONFLICT");
    await expectTRPCError(other.reservations.create(slot(5, start, end)), "CONFLICT");
    expect(lostRacesFor(otherCache).hits).toBe(1);
    await holder.reservations.cancel({ id: held.id }); // through the first instance
    await expect(other.reservations.create(slot(5, start, end))).resolves.toMatchObject({ userId: 8 });
  });
});

describe("a storm on hot slots, many waves at once", () => {
  it("has exactly one winner per slot; every other attempt loses cleanly; a freed slot is won again", async () => {
    const [start, end] = [dayAt(6, 8), dayAt(6, 10)];
    const seatsInPlay = [40, 41, 42];
    // Every student but 5, who is at the limit of upcoming reservations (above).
    const students = [1, 2, 3, 4, 6, 7, 8, 9, 10];
    const callers = await Promise.all(students.map((id) => api.as(id)));
    const wave = () =>
      Promise.allSettled(
        callers.flatMap((c) => seatsInPlay.map((seatId) => c.reservations.create(slot(seatId, start, end)))),
      );
    const outcomes = [...(await wave()), ...(await wave()), ...(await wave())];
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(won).toHaveLength(seatsInPlay.length);
    expect(lost.map((o) => (o.reason as { code: string }).code).every((c) => c === "CONFLICT")).toBe(true);
    for (const seatId of seatsInPlay) expect(await activeOnSeat(seatId, start)).toHaveLength(1);

    // The winner of seat 40 cancels; the next wave has exactly one new winner for it.
    const [first] = await activeOnSeat(40, start);
    if (!first) throw new Error("seat 40 has no winner");
    await (await api.as(first.userId)).reservations.cancel({ id: first.id });
    const rewave = await Promise.allSettled(callers.map((c) => c.reservations.create(slot(40, start, end))));
    expect(rewave.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await activeOnSeat(40, start)).toHaveLength(1);
  });
});

describe("the memo itself", () => {
  const attempt = {
    userId: 1,
    seatId: 2,
    start: new Date(Date.UTC(2030, 0, 1, 9)),
    end: new Date(Date.UTC(2030, 0, 1, 10)),
  };

  it("answers only at the version the loss was recorded under, and only for that student and window", () => {
    const races = createLostRaces();
    races.recordSeatTaken(7, attempt, "ML-02");
    expect(races.knownLoss(7, attempt)).toBe("ML-02");
    expect(races.knownLoss(8, attempt)).toBeUndefined();
    expect(races.knownLoss(7, { ...attempt, userId: 3 })).toBeUndefined();
    expect(races.knownLoss(7, { ...attempt, end: new Date(attempt.end.getTime() + 60_000) })).toBeUndefined();
    expect(races.anyLossOn(2)).toBe(true);
    expect(races.anyLossOn(3)).toBe(false);
  });

  it("forgets a loss after its time bound (a shared cache that lost its keys counts versions again)", async () => {
    const races = createLostRaces(40);
    races.recordSeatTaken(7, attempt, "ML-02");
    expect(races.knownLoss(7, attempt)).toBe("ML-02");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(races.knownLoss(7, attempt)).toBeUndefined();
    expect(races.anyLossOn(2)).toBe(false);
  });
});

describe("the version a booking is decided under", () => {
  /** A memory cache that counts its reads of the seats version. */
  function countingCache() {
    const inner = createMemoryCache();
    let reads = 0;
    const cache: Cache = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === "version") {
          return (key: string) => {
            reads++;
            return target.version(key);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    return { cache, reads: () => reads };
  }

  it("is a version read in the last second for a seat nobody lost, fresh for a seat with a loss", async () => {
    const { cache, reads } = countingCache();
    const version = await currentVersion(cache);
    const before = reads();
    expect(await lostRacesForBooking(cache, 5)).toMatchObject({ version, fresh: false });
    expect(reads()).toBe(before);
    lostRacesFor(cache).recordSeatTaken(
      version,
      { userId: 1, seatId: 5, start: dayAt(3, 8), end: dayAt(3, 9) },
      "X",
    );
    expect(await lostRacesForBooking(cache, 5)).toMatchObject({ version, fresh: true });
    expect(reads()).toBe(before + 1);
  });

  it("is read fresh once the last read is more than a second old", async () => {
    const { cache, reads } = countingCache();
    await currentVersion(cache);
    const before = reads();
    const now = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: now + 1_500 });
    try {
      expect(await lostRacesForBooking(cache, 6)).toMatchObject({ fresh: true });
      expect(reads()).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never answers a booking from a remembered loss unless read fresh: the database decides", async () => {
    const [start, end] = [dayAt(6, 16), dayAt(6, 17)];
    const races = createLostRaces();
    const student = 8;
    // A loss remembered at version 1 for a slot that is in fact free.
    races.recordSeatTaken(1, { userId: student, seatId: 7, start, end }, "X");
    const stale = { races, version: 1, fresh: false };
    const booked = await createReservation(
      api.database.db,
      student,
      { seatId: 7, startTime: start.toISOString(), endTime: end.toISOString() },
      api.deps.config.rules,
      new Effects(),
      stale,
    );
    expect(booked).toMatchObject({ seatId: 7, userId: student, status: "CONFIRMED" });
  });
});
