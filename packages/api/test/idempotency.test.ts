import { idempotencyKeys, reservations } from "@dlsms/db";
import { and, eq, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContextInner } from "../src/context";
import { createCaller } from "../src/root";
import { runSweep } from "../src/services/sweeper";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, expectTRPCError, slot } from "./helpers";
import { ADMIN, newBranch } from "./hours-helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

/** Student `id` calling with an Idempotency-Key header, as the HTTP doors pass it in. */
function keyed(id: number, value: string, bookings = 1) {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return createCaller(
    createContextInner({
      ...api.deps,
      user: { id, studentId: "", name: "", role: "student", exp },
      idempotencyKey: { value, bookings },
    }),
  );
}

const activeOn = async (seatId: number) =>
  (
    await api.database.db
      .select({ id: reservations.id })
      .from(reservations)
      .where(and(eq(reservations.seatId, seatId), eq(reservations.status, "CONFIRMED")))
  ).map((r) => r.id);

describe("retry-safe reservations.create (services/idempotency.ts)", () => {
  it("checks the key: 1–200 printable ASCII characters, one booking per request; refusals book nothing", async () => {
    const booking = slot(1, dayAt(2, 8), dayAt(2, 9));
    for (const bad of ["", "k".repeat(201), "tab\tinside", "bell\u0007", "caf\u00e9"]) {
      await expectTRPCError(keyed(1, bad).reservations.create(booking), "BAD_REQUEST");
    }
    await expectTRPCError(keyed(1, "batch", 2).reservations.create(booking), "BAD_REQUEST");
    expect(await activeOn(1)).toEqual([]);
    const ok = await keyed(1, " ~".repeat(100)).reservations.create(booking);
    expect(await activeOn(1)).toEqual([ok.id]);
  });

  it("a repeat replays the first answer, another body is UNPROCESSABLE_CONTENT, the times compare as instants", async () => {
    const start = dayAt(2, 10);
    const first = await keyed(2, "k-2").reservations.create(slot(2, start, dayAt(2, 11)));
    // The same instants written another way are the same booking.
    const offset = DateTime.fromJSDate(start).setZone("UTC+02:00").toISO() as string;
    const again = await keyed(2, "k-2").reservations.create({
      seatId: 2,
      startTime: offset,
      endTime: dayAt(2, 11).toISOString(),
    });
    expect(again).toEqual(first);
    await expectTRPCError(
      keyed(2, "k-2").reservations.create(slot(2, start, dayAt(2, 12))),
      "UNPROCESSABLE_CONTENT",
    );
    expect(await activeOn(2)).toEqual([first.id]);
  });

  it("10 concurrent repeats book once", async () => {
    const booking = slot(3, dayAt(2, 12), dayAt(2, 13));
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => keyed(3, "k-storm").reservations.create(booking)),
    );
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(await activeOn(3)).toEqual([answers[0]?.id]);
  });

  it("a key whose first request died after claiming it: a repeat answers its booking, or asks for a new key", async () => {
    const db = api.database.db;
    const booking = slot(6, dayAt(2, 18), dayAt(2, 19));
    const first = await keyed(6, "k-died").reservations.create(booking);
    // As if the first request had died before storing its answer, a minute ago.
    const pending = { answer: {}, createdAt: new Date(Date.now() - 60_000) };
    await db.update(idempotencyKeys).set(pending).where(eq(idempotencyKeys.key, "k-died"));
    expect((await keyed(6, "k-died").reservations.create(booking)).id).toBe(first.id);

    const unbooked = slot(7, dayAt(2, 18), dayAt(2, 19));
    const request = JSON.stringify({ seatId: 7, startTime: unbooked.startTime, endTime: unbooked.endTime });
    await db.insert(idempotencyKeys).values({ userId: 7, key: "k-none", request, ...pending });
    await expectTRPCError(keyed(7, "k-none").reservations.create(unbooked), "CONFLICT", "new key");
    expect(await activeOn(7)).toEqual([]);
  });

  it("the sweeper prunes keys past their 24 hours and keeps the others", async () => {
    await keyed(4, "k-old").reservations.create(slot(4, dayAt(2, 14), dayAt(2, 15)));
    await keyed(4, "k-new").reservations.create(slot(5, dayAt(2, 16), dayAt(2, 17)));
    await api.database.db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(eq(idempotencyKeys.key, "k-old"));
    const { result } = await runSweep(api.database.db, api.deps.config.rules);
    expect(result.prunedIdempotencyKeys).toBe(1);
    const left = await api.database.db
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.userId, 4));
    expect(left).toEqual([{ key: "k-new" }]);
  });
});

describe("suggestions with a seat-taken refusal (read-models/seat-suggestions.ts)", () => {
  type Refusal = { code?: string; cause?: { suggestions?: { seatId: number }[] } };
  const suggested = async (studentId: number, booking: ReturnType<typeof slot>) => {
    const refusal = await (await api.as(studentId)).reservations.create(booking).then(
      () => undefined,
      (error: Refusal) => error,
    );
    expect(refusal?.code).toBe("CONFLICT");
    return (refusal?.cause?.suggestions ?? []).map((s) => s.seatId);
  };

  it("losers of one seat share its suggestions until a booking changes them", async () => {
    const booking = slot(20, dayAt(4, 9), dayAt(4, 10));
    await (await api.as(1)).reservations.create(booking);
    const first = await suggested(2, booking);
    expect(await suggested(3, booking)).toEqual(first);
    const taken = first[0] as number;
    await (await api.as(4)).reservations.create(slot(taken, dayAt(4, 9), dayAt(4, 10)));
    const after = await suggested(5, booking);
    expect(after).toHaveLength(5);
    expect(after).not.toContain(taken);
  });

  it("never a seat under maintenance or in a branch closed then; each one bookable", async () => {
    const start = dayAt(3, 12);
    const end = dayAt(3, 13);
    const staff = await api.as(ADMIN);
    const mine = await newBranch(api, 2);
    const closed = await newBranch(api, 2);
    const [asked, underRepair] = mine.seatIds as [number, number];
    await staff.admin.setSeatStatus({ seatId: underRepair, status: "MAINTENANCE", reason: "Broken lamp" });
    const date = DateTime.fromJSDate(start)
      .setZone(api.deps.config.rules.libraryTimezone)
      .toISODate() as string;
    await staff.admin.addClosure({ branch: closed.name, date, reason: "Inventory" });

    await (await api.as(6)).reservations.create(slot(asked, start, end));
    const loser = await api.as(7);
    const refusal = await loser.reservations.create(slot(asked, start, end)).then(
      () => undefined,
      (error: { code?: string; cause?: { suggestions?: { seatId: number; branch: string }[] } }) => error,
    );
    expect(refusal?.code).toBe("CONFLICT");
    const suggestions = refusal?.cause?.suggestions ?? [];
    expect(suggestions).toHaveLength(5);
    const ids = suggestions.map((s) => s.seatId);
    expect(ids).not.toContain(underRepair);
    expect(suggestions.some((s) => s.branch === closed.name || s.branch === mine.name)).toBe(false);
    for (const seatId of ids) {
      const free = await loser.seats.availability({
        seatId,
        from: start.toISOString(),
        to: end.toISOString(),
      });
      expect(free.available).toBe(true);
    }
  });
});
