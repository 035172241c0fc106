import { type Database, reservations, seats, users } from "@dlsms/db";
import { TRPCError } from "@trpc/server";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AttemptRow,
  type BookingAttempt,
  BookingStatements,
  bookAlone,
  bookingStatements,
  bookTogether,
} from "../src/services/booking-batches";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, HOUR, heldTransaction, MINUTE, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(undefined, { poolSize: 12 });
});
afterAll(() => api?.destroy());

const onPostgres = () => api.database.kind === "postgres";

/** Runs `body` in a transaction that is always rolled back, and returns what it returned. */
async function rolledBack<T>(body: (tx: Database) => Promise<T>): Promise<T> {
  let result: T | undefined;
  const marker = new Error("roll back");
  await api.database.db
    .transaction(async (tx) => {
      result = await body(tx as unknown as Database);
      throw marker;
    })
    .catch((e: unknown) => {
      if (e !== marker) throw e;
    });
  return result as T;
}

/** What an answer says, without what differs between two runs (ids, creation instants). */
function verdict(row: AttemptRow) {
  const { id, createdAt: _createdAt, ...rest } = row;
  return { inserted: id !== null, ...rest };
}

describe("book_seats", () => {
  it("answers every attempt as book_seat would, one after another in seat and start order", async () => {
    const now = new Date();
    const at = (day: number, hour: number, minutes = 60, startMinute = 0) => ({
      start: dayAt(day, hour, startMinute),
      end: new Date(dayAt(day, hour, startMinute).getTime() + minutes * MINUTE),
    });
    const attempt = (userId: number, seatId: number, window: { start: Date; end: Date }): BookingAttempt => ({
      userId,
      seatId,
      ...window,
      now,
      maxUpcoming: 3,
      zone: "UTC",
    });
    // Shuffled on purpose: the batch must order them itself.
    const attempts: BookingAttempt[] = [
      attempt(3, 6, at(6, 10)), // student 3's fourth: over the limit of 3
      attempt(2, 1, at(2, 10, 60, 30)), // after student 1's win below on seat 1: seat taken
      attempt(1, 2, at(2, 10)), // student 1 already holds seat 1 then: own overlap
      attempt(1, 1, at(2, 10)), // wins
      attempt(3, 5, at(5, 10)),
      attempt(3, 3, at(3, 10)),
      attempt(3, 4, at(4, 10)),
      attempt(5, 7, at(2, 10)), // seat under maintenance
      attempt(5, 9999, at(2, 12)), // no such seat
      attempt(6, 8, at(2, 10)), // taken by a reservation made before the batch
      attempt(6, 8, at(2, 11)), // back to back with it: wins
    ];
    const setUp = async (tx: Database) => {
      await tx.update(seats).set({ status: "MAINTENANCE" }).where(eq(seats.id, 7));
      await tx.insert(reservations).values({
        userId: 4,
        seatId: 8,
        startTime: dayAt(2, 10),
        endTime: dayAt(2, 11),
        status: "CONFIRMED",
      });
    };

    const together = await rolledBack(async (tx) => {
      await setUp(tx);
      return bookTogether(tx, attempts);
    });
    const inOrder = attempts
      .map((a, index) => ({ a, index }))
      .sort(
        (x, y) => x.a.seatId - y.a.seatId || x.a.start.getTime() - y.a.start.getTime() || x.index - y.index,
      );
    const alone = await rolledBack(async (tx) => {
      await setUp(tx);
      const rows = new Map<number, AttemptRow>();
      for (const { a, index } of inOrder) rows.set(index + 1, await bookAlone(tx, a));
      return rows;
    });

    expect(together.map((row) => row.attempt).sort((x, y) => x - y)).toEqual(attempts.map((_, i) => i + 1));
    for (const { attempt: position, ...row } of together) {
      const single = alone.get(position);
      if (!single) throw new Error(`no single answer for attempt ${position}`);
      expect(verdict(row), `attempt ${position}`).toEqual(verdict(single));
    }
    const won = together.filter((row) => row.id !== null).map((row) => row.attempt);
    expect(won.sort((x, y) => x - y)).toEqual([4, 5, 6, 7, 11]);
    const byPosition = new Map(together.map((row) => [row.attempt, row]));
    expect(byPosition.get(1)?.upcoming).toBe(3);
    expect(byPosition.get(2)?.seatTaken).toBe(true);
    expect(byPosition.get(3)?.ownCode).toBe(byPosition.get(4)?.seatCode);
    expect(byPosition.get(8)?.seatStatus).toBe("MAINTENANCE");
    expect(byPosition.get(9)?.seatCode).toBeNull();
    expect(byPosition.get(10)?.seatTaken).toBe(true);
  });
});

describe("bookings that arrive together", () => {
  it("go to the database together, and each gets the answer it would get alone", async () => {
    const statements = bookingStatements(api.database.db);
    const before = { ...statements.stats };
    const start = dayAt(8, 14);
    const end = new Date(start.getTime() + HOUR);
    const students = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const seatIds = [11, 12, 13, 14, 15];
    const callers = await Promise.all(students.map((id) => api.as(id)));
    // Every student asks for every seat at once: each seat gets exactly one winner, and a
    // student who won one seat is refused the others as an overlap of their own.
    const outcomes = await Promise.allSettled(
      callers.flatMap((caller) =>
        seatIds.map((seatId) => caller.reservations.create(slot(seatId, start, end))),
      ),
    );
    const winners = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    expect(winners.map((w) => w.seatId).sort((x, y) => x - y)).toEqual(seatIds);
    expect(new Set(winners.map((w) => w.userId)).size).toBe(seatIds.length);
    for (const o of outcomes) {
      if (o.status === "fulfilled") continue;
      expect(o.reason).toBeInstanceOf(TRPCError);
      expect((o.reason as TRPCError).code).toBe("CONFLICT");
      expect((o.reason as TRPCError).message).toMatch(
        /is already booked for part of that time|You already have a/,
      );
    }
    const rows = await api.database.db
      .select({ id: reservations.id })
      .from(reservations)
      .where(sql`${reservations.startTime} = ${start.toISOString()}::timestamptz`);
    expect(rows).toHaveLength(seatIds.length);
    expect(statements.stats.batches).toBeGreaterThan(before.batches);
    expect(statements.stats.batchedAttempts - before.batchedAttempts).toBeGreaterThan(1);
    expect(statements.stats.fallbacks).toBe(before.fallbacks);
  });

  it("are attempted one by one when their batch waits too long for a lock, and none is lost", async () => {
    if (!onPostgres()) return; // PGlite runs one transaction at a time: no lock is ever waited for.
    const statements = bookingStatements(api.database.db);
    const before = statements.stats.fallbacks;
    const students = [1, 2, 3, 4, 5];
    const start = dayAt(9, 14);
    const end = new Date(start.getTime() + HOUR);
    // Student 1's row lock, held longer than book_seats waits for a lock (200 ms).
    const other = await heldTransaction(api, (tx) =>
      tx.execute(sql`select 1 from users where id = 1 for no key update`),
    );
    const callers = await Promise.all(students.map((id) => api.as(id)));
    const bookings = Promise.all(
      callers.map((caller, i) => caller.reservations.create(slot(16 + i, start, end))),
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    await other.commit();
    const made = await bookings;
    expect(made.map((r) => r.userId)).toEqual(students);
    expect(statements.stats.fallbacks).toBeGreaterThan(before);
  });

  it("hold the upcoming limit when one student's bookings are split over batches running at once", async () => {
    // Ten statements of two attempts, four at a time: each batch must count the student's
    // bookings only once it holds their lock, or two batches would both count from zero.
    const statements = new BookingStatements(api.database.db, { inFlight: 4, batch: 2 });
    const [student] = await api.database.db
      .insert(users)
      .values({ studentId: "BATCHES01", passwordHash: "not-a-hash", name: "No bookings yet" })
      .returning({ id: users.id });
    if (!student) throw new Error("no student inserted");
    const now = new Date();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        statements.attempt({
          userId: student.id,
          seatId: 38 + (i % 6),
          start: dayAt(11 + i, 8),
          end: dayAt(11 + i, 9),
          now,
          maxUpcoming: 3,
          zone: "UTC",
        }),
      ),
    );
    expect(statements.stats.batches).toBe(10);
    expect(answers.filter((a) => a.id !== null)).toHaveLength(3);
    expect(answers.filter((a) => a.id === null).every((a) => a.upcoming >= 3)).toBe(true);
  });

  it("never wait for each other in a cycle, however their seats cross", async () => {
    // Two statements of two attempts each, sent at once: [seat X, seat Y] and [seat Y, seat X]
    // for one slot, four different students (a shared student's lock would serialise them).
    // Attempted in the order given, each batch would insert its first seat and then wait for
    // the other's: a deadlock, ended by the lock timeout. In seat order both start at X.
    const statements = new BookingStatements(api.database.db, { inFlight: 2, batch: 2 });
    const now = new Date();
    for (let round = 0; round < 20; round += 1) {
      const start = dayAt(10, 8, 0).getTime() + round * 30 * MINUTE;
      const [x, y] = round % 2 === 0 ? [26, 27] : [27, 26];
      const attempt = (userId: number, seatId: number): BookingAttempt => ({
        userId,
        seatId,
        start: new Date(start),
        end: new Date(start + 30 * MINUTE),
        now,
        maxUpcoming: 1_000,
        zone: "UTC",
      });
      const answers = await Promise.all(
        [attempt(1, x), attempt(2, y), attempt(3, y), attempt(4, x)].map((a) => statements.attempt(a)),
      );
      const won = answers.filter((a) => a.id !== null);
      expect(won.map((a) => a.seatId).sort()).toEqual([26, 27]);
    }
    expect(statements.stats.batches).toBe(40);
    // A cycle would have made a batch give up at its lock timeout and go one by one.
    expect(statements.stats.fallbacks).toBe(0);
  });

  it("never wait for each other in a cycle, however their students cross", async () => {
    // [student 5 on seat 28, student 6 on seat 29] and [student 6 on 28, student 5 on 29], an hour
    // apart (no seat or student overlap). Locking each student only at their attempt, in seat
    // order, each batch would hold one student and wait for the other's: a deadlock. Taking all
    // of a batch's student locks first, in id order, serialises the two instead.
    const statements = new BookingStatements(api.database.db, { inFlight: 2, batch: 2 });
    const now = new Date();
    for (let round = 0; round < 10; round += 1) {
      const start = dayAt(12, 8, 0).getTime() + round * 2 * HOUR;
      const attempt = (userId: number, seatId: number, offset: number): BookingAttempt => ({
        userId,
        seatId,
        start: new Date(start + offset),
        end: new Date(start + offset + 30 * MINUTE),
        now,
        maxUpcoming: 1_000,
        zone: "UTC",
      });
      const answers = await Promise.all(
        [attempt(5, 28, 0), attempt(6, 29, 0), attempt(6, 28, HOUR), attempt(5, 29, HOUR)].map((a) =>
          statements.attempt(a),
        ),
      );
      expect(answers.every((a) => a.id !== null)).toBe(true);
    }
    expect(statements.stats.batches).toBe(20);
    expect(statements.stats.fallbacks).toBe(0);
  });
});
