import { reservations } from "@dlsms/db";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, HOUR, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(undefined, { poolSize: 25 });
});
afterAll(() => api?.destroy());

type Outcome = { ok: true; id: number } | { ok: false; code: string; message: string };

async function settle(calls: Array<Promise<{ id: number }>>): Promise<Outcome[]> {
  const results = await Promise.allSettled(calls);
  return results.map((r) => {
    if (r.status === "fulfilled") return { ok: true, id: r.value.id };
    const e = r.reason;
    if (e instanceof TRPCError) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: "NOT_A_TRPC_ERROR", message: String(e) };
  });
}

const codes = (outcomes: Outcome[]) =>
  outcomes.reduce<Record<string, number>>((acc, o) => {
    const key = o.ok ? "OK" : o.code;
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});

describe("concurrent creates through tRPC callers", () => {
  it("one student firing 20 non-overlapping bookings at once gets exactly 3 (the upcoming limit holds)", async () => {
    const alice = await api.as(1);
    const base = dayAt(2, 0);
    const calls = Array.from({ length: 20 }, (_, i) =>
      alice.reservations.create(
        slot(
          1 + (i % 5),
          new Date(base.getTime() + i * HOUR),
          new Date(base.getTime() + i * HOUR + 30 * 60_000),
        ),
      ),
    );
    const outcomes = await settle(calls);
    expect(codes(outcomes)).toEqual({ OK: 3, BAD_REQUEST: 17 });
    for (const o of outcomes) {
      if (!o.ok) expect(o.message).toContain("You already have 3 upcoming reservations");
    }
    const rows = await api.database.db
      .select()
      .from(reservations)
      .where(
        and(eq(reservations.userId, 1), inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"])),
      );
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.id).sort()).toEqual(outcomes.flatMap((o) => (o.ok ? [o.id] : [])).sort());
  });

  it("20 distinct students booking the same seat and slot at once: exactly one wins", async () => {
    // Nine seeded students (Alice is at her limit after the test above) plus eleven new ones.
    const ids = Array.from({ length: 9 }, (_, i) => i + 2);
    for (let i = 0; i < 11; i++) {
      const session = await api.anonymous.auth.register({
        studentId: `S2030${String(i).padStart(3, "0")}`,
        password: "password123",
        name: `Racer ${i}`,
      });
      ids.push(session.user.id);
    }
    const callers = await Promise.all(ids.map((id) => api.as(id)));
    const start = dayAt(5, 10);
    const end = new Date(start.getTime() + HOUR);
    const outcomes = await settle(callers.map((c) => c.reservations.create(slot(40, start, end))));
    expect(codes(outcomes)).toEqual({ OK: 1, CONFLICT: 19 });
    for (const o of outcomes) {
      if (!o.ok) expect(o.message).toMatch(/Seat \S+ is already booked for part of that time/);
    }
    const rows = await api.database.db
      .select()
      .from(reservations)
      .where(
        and(eq(reservations.seatId, 40), inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"])),
      );
    expect(rows).toHaveLength(1);
    const winner = outcomes.find((o) => o.ok);
    expect(rows[0]?.id).toBe(winner?.ok ? winner.id : -1);
  });

  it("staggered overlapping requests for one seat at once: the winners never overlap", async () => {
    const callers = await Promise.all(Array.from({ length: 9 }, (_, i) => api.as(i + 2)));
    const base = dayAt(6, 8);
    // Request i wants [base + 20i min, base + 20i min + 1 h): each overlaps its neighbours.
    const outcomes = await settle(
      callers.map((c, i) =>
        c.reservations.create(
          slot(
            41,
            new Date(base.getTime() + i * 20 * 60_000),
            new Date(base.getTime() + i * 20 * 60_000 + HOUR),
          ),
        ),
      ),
    );
    const counted = codes(outcomes);
    expect(Object.keys(counted).sort()).toEqual(["CONFLICT", "OK"]);
    const rows = await api.database.db
      .select()
      .from(reservations)
      .where(
        and(eq(reservations.seatId, 41), inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"])),
      );
    expect(rows).toHaveLength(counted.OK ?? 0);
    const sorted = [...rows].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const next = sorted[i];
      if (prev && next) expect(next.startTime.getTime()).toBeGreaterThanOrEqual(prev.endTime.getTime());
    }
  });
});
