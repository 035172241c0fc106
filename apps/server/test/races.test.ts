import { ACTIVE_RESERVATION_STATUSES, reservations } from "@dlsms/db";
import { and, eq, inArray } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMinutes,
  postJson,
  registerStudents,
  startTestServer,
  type TestServer,
  tomorrowAt,
} from "./helpers";

// Acceptance 3: concurrent bookings through a real HTTP server; the database constraint decides.
let ts: TestServer;
let students: string[];
beforeAll(async () => {
  ts = await startTestServer();
  students = await registerStudents(ts, "RACE", 40);
}, 120_000);
afterAll(() => ts?.stop());

/** Raw wire call so the test sees the real HTTP status of every request. */
function book(token: string, seatId: number, start: Date, end: Date) {
  return postJson(
    `${ts.url}/trpc/reservations.create`,
    JSON.stringify({ seatId, startTime: start.toISOString(), endTime: end.toISOString() }),
    { authorization: `Bearer ${token}` },
  );
}

function activeOn(seatId: number) {
  return ts.database.db
    .select()
    .from(reservations)
    .where(
      and(eq(reservations.seatId, seatId), inArray(reservations.status, [...ACTIVE_RESERVATION_STATUSES])),
    );
}

describe("booking races over HTTP", () => {
  it("40 distinct students, same seat and slot, at once: one 200, 39 × 409, no 5xx", async () => {
    const seatId = 7;
    const start = tomorrowAt(10);
    const end = addMinutes(start, 60);
    const results = await Promise.all(students.map((token) => book(token, seatId, start, end)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(39);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(JSON.parse(r.body)).toMatchObject({ error: { data: { code: "CONFLICT" } } });
    }
    const rows = await activeOn(seatId);
    expect(rows).toHaveLength(1);
    const winner = JSON.parse(results.find((r) => r.status === 200)?.body ?? "{}");
    expect(rows[0]?.id).toBe(winner.result.data.id);
  });

  it("30 staggered overlapping requests at once: the winners never overlap", async () => {
    const seatId = 30;
    const base = tomorrowAt(6);
    // Starts 10 min apart, each 60 min long: request i overlaps i±1 … i±5.
    const windows = Array.from({ length: 30 }, (_, i) => {
      const start = addMinutes(base, i * 10);
      return { start, end: addMinutes(start, 60) };
    });
    const results = await Promise.all(
      windows.map((w, i) => book(students[i] as string, seatId, w.start, w.end)),
    );
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    for (const r of results) expect([200, 409]).toContain(r.status);

    const winners = windows.filter((_, i) => results[i]?.status === 200);
    const losers = windows.filter((_, i) => results[i]?.status === 409);
    const overlap = (a: { start: Date; end: Date }, b: { start: Date; end: Date }) =>
      a.start < b.end && b.start < a.end;
    // Each window overlaps at most 10 others, so whatever the commit order at least 3 must win.
    expect(winners.length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < winners.length; i++) {
      for (let j = i + 1; j < winners.length; j++) {
        expect(overlap(winners[i] as (typeof winners)[0], winners[j] as (typeof winners)[0])).toBe(false);
      }
    }
    // And no spurious conflicts: every refused window really collides with a winner.
    for (const lost of losers) expect(winners.some((w) => overlap(w, lost))).toBe(true);

    const rows = await activeOn(seatId);
    expect(rows).toHaveLength(winners.length);
    const stored = rows
      .map((r) => ({ start: new Date(r.startTime), end: new Date(r.endTime) }))
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    for (let i = 1; i < stored.length; i++) {
      expect((stored[i] as (typeof stored)[0]).start >= (stored[i - 1] as (typeof stored)[0]).end).toBe(true);
    }
    expect(stored.map((s) => s.start.toISOString()).sort()).toEqual(
      winners.map((w) => w.start.toISOString()).sort(),
    );
  });
});
