import { createMemoryCache } from "@dlsms/bus";
import { SAMPLE_SEATS } from "@dlsms/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listSeatsFromCatalogue } from "../src/read-models/branch-catalogue";
import { busyIndexVersion, RELOAD_AFTER } from "../src/read-models/branch-occupancy";
import { listSeats } from "../src/services/seats.service";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, HOUR, MINUTE } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const BRANCH = "Main Library";
const [SEAT_A, SEAT_B] = SAMPLE_SEATS.filter((s) => s.branchId === 1).map((s) => s.id) as [number, number];
const window = (from: number, minutes = 60) => ({
  startTime: new Date(from).toISOString(),
  endTime: new Date(from + minutes * MINUTE).toISOString(),
});

describe("busy seats from this process's copy of a branch's reservations", () => {
  it("never answers a listing after a booking from a copy loaded before it", async () => {
    const student = await api.as(2);
    const base = Date.UTC(2032, 3, 5, 8, 0);
    // Listings of new windows at one seats version go to the database until a copy is loaded.
    for (let i = 0; i <= RELOAD_AFTER; i++) {
      await student.seats.list({ branch: BRANCH, ...window(base + i * 3 * HOUR) });
    }
    await vi.waitFor(() => expect(busyIndexVersion(api.deps.cache, BRANCH)).toBeDefined());
    const loadedUnder = busyIndexVersion(api.deps.cache, BRANCH);
    const slot = window(dayAt(2, 10).getTime());
    const seatIn = async (w: { startTime: string; endTime: string }) =>
      (await student.seats.list({ branch: BRANCH, ...w })).find((s) => s.id === SEAT_A);
    expect((await seatIn(slot))?.available).toBe(true);

    await student.reservations.create({ seatId: SEAT_A, ...slot });
    // The copy still holds the seat as free; the booking moved the version, so the database answers.
    expect((await seatIn(window(Date.parse(slot.startTime) + 15 * MINUTE, 30)))?.available).toBe(false);

    // At the new version a new copy is loaded, and it holds the booking.
    for (let i = 0; i <= RELOAD_AFTER; i++) {
      await student.seats.list({ branch: BRANCH, ...window(base + 3 * 24 * HOUR + i * 3 * HOUR) });
    }
    await vi.waitFor(() => expect(busyIndexVersion(api.deps.cache, BRANCH)).not.toBe(loadedUnder));
    expect((await seatIn(window(Date.parse(slot.startTime) + 30 * MINUTE, 15)))?.available).toBe(false);
    expect((await seatIn(window(Date.parse(slot.endTime), 15)))?.available).toBe(true);
  });

  it("compares times to the microsecond, as Postgres does", async () => {
    const edge = Date.UTC(2032, 4, 6, 12, 0);
    const at = (ms: number, micros: number) => `${new Date(ms).toISOString().slice(0, 23)}${micros}Z`;
    // Ends 0.4 ms after `edge`; the other starts 0.4 ms before `edge + 1 h` (rounding to ms would hide both).
    await api.database.db.execute(sql`insert into reservations (user_id, seat_id, start_time, end_time, status)
      values (3, ${SEAT_A}, ${at(edge - HOUR, 0)}::timestamptz, ${at(edge, 400)}::timestamptz, 'CONFIRMED'),
             (4, ${SEAT_B}, ${at(edge + HOUR - 1, 600)}::timestamptz, ${at(edge + 2 * HOUR, 0)}::timestamptz, 'CONFIRMED')`);
    const indexed = { db: api.database.db, cache: createMemoryCache() };
    for (let i = 0; i < RELOAD_AFTER; i++) {
      await listSeatsFromCatalogue(indexed, { branch: BRANCH }, api.deps.config.rules, 1);
    }
    await vi.waitFor(() => expect(busyIndexVersion(indexed.cache, BRANCH)).toBe(1));
    const windows = [
      [edge, edge + HOUR],
      [edge + 1, edge + HOUR],
      [edge + 1, edge + HOUR - 1],
      [edge - 1, edge],
    ];
    const busy: string[] = [];
    for (const [from, to] of windows as [number, number][]) {
      const input = {
        branch: BRANCH,
        startTime: new Date(from).toISOString(),
        endTime: new Date(to).toISOString(),
      };
      const bySql = await listSeats(api.database.db, input, api.deps.config.rules);
      const fromIndex = await listSeatsFromCatalogue(indexed, input, api.deps.config.rules, 1);
      expect(JSON.stringify(fromIndex)).toBe(JSON.stringify(bySql));
      busy.push(
        bySql
          .filter((s) => (s.id === SEAT_A || s.id === SEAT_B) && !s.available)
          .map((s) => s.id)
          .join(","),
      );
    }
    // The edges really are sub-millisecond: each window sees a different set.
    expect(busy).toEqual([`${SEAT_A},${SEAT_B}`, `${SEAT_B}`, "", `${SEAT_A}`]);
  });
});
