import { createMemoryCache } from "@dlsms/bus";
import type { Database } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { currentVersion } from "../src/read-models/seat-listings";
import { cachedMyReservations } from "../src/read-models/student-reservations";
import { CATALOG_VERSION_KEY, reservationsVersionKey, SEATS_VERSION_KEY } from "../src/services/events";
import type { MyReservationView } from "../src/services/reservation-queries";
import { createTestApi, type TestApi } from "../src/testing";
import { at, dayAt, HOUR, insertReservation, MINUTE, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

type MineInput = { upcomingOnly?: boolean } | undefined;
const UPCOMING: MineInput = { upcomingOnly: true };

/** The caller's copy behind reservations.mine: the same frozen rows while the copy lives. */
const copyOf = (userId: number, ...input: [MineInput?]) =>
  cachedMyReservations(
    api.deps,
    userId,
    (input.length ? input[0] : UPCOMING)?.upcomingOnly ?? false,
    api.deps.config.rules,
  );

/** The copy as tRPC puts it on the wire. */
const copyJson = async (userId: number, ...input: [MineInput?]) =>
  JSON.stringify({ result: { data: await copyOf(userId, ...input) } });

/** The procedure's own answer, as tRPC would put it on the wire. */
async function procedureJson(userId: number, input?: { upcomingOnly?: boolean }): Promise<string> {
  const rows = await (await api.as(userId)).reservations.mine(input);
  return JSON.stringify({ result: { data: rows } });
}

describe("reservations.mine through the per-student copy", () => {
  it("answers with exactly the procedure's JSON for the same user and input, reusing the same copy", async () => {
    const alice = await api.as(1);
    await alice.reservations.create(slot(1, dayAt(2, 9), dayAt(2, 10)));
    await alice.reservations.create(slot(2, dayAt(3, 9), dayAt(3, 10)));
    for (const input of [undefined, {}, { upcomingOnly: true }, { upcomingOnly: false }]) {
      const copy = await copyOf(1, input);
      expect(await copyJson(1, input)).toBe(await procedureJson(1, input));
      // The same copy serves again, frozen, so a transport renders it once.
      expect(await copyOf(1, input)).toBe(copy);
      expect(Object.isFrozen(copy)).toBe(true);
    }
    expect(await copyOf(1)).toHaveLength(2);
  });

  it("never answers one user with another's reservations", async () => {
    const bob = await api.as(2);
    const bobs = await bob.reservations.create(slot(3, dayAt(2, 12), dayAt(2, 13)));
    const alices = await copyOf(1);
    const bobsRows = await copyOf(2);
    expect(bobsRows.map((r) => r.id)).toEqual([bobs.id]);
    expect(alices.every((r) => r.userId === 1)).toBe(true);
    expect(alices.map((r) => r.id)).not.toContain(bobs.id);
    // Warm for both, still each their own; the procedure agrees.
    expect((await copyOf(1)).map((r) => r.id)).toEqual(alices.map((r) => r.id));
    expect(await copyJson(2)).toBe(await procedureJson(2, { upcomingOnly: true }));
    expect(await copyJson(1)).toBe(await procedureJson(1, { upcomingOnly: true }));
  });

  it("shows a create, a cancel and a check-in to the very next read", async () => {
    const carol = await api.as(3);
    expect(await copyOf(3)).toEqual([]);
    expect(await carol.reservations.mine({ upcomingOnly: true })).toEqual([]);

    const booked = await carol.reservations.create(slot(4, dayAt(2, 14), dayAt(2, 15)));
    expect((await copyOf(3)).map((r) => r.id)).toEqual([booked.id]);
    expect((await carol.reservations.mine({ upcomingOnly: true })).map((r) => r.id)).toEqual([booked.id]);

    await carol.reservations.cancel({ id: booked.id });
    expect(await copyOf(3)).toEqual([]);
    expect((await copyOf(3, {})).find((r) => r.id === booked.id)?.status).toBe("CANCELLED");
    expect((await carol.reservations.mine()).find((r) => r.id === booked.id)?.status).toBe("CANCELLED");

    const soon = await carol.reservations.create(slot(5, at(5 * MINUTE), at(65 * MINUTE)));
    expect((await copyOf(3)).map((r) => [r.id, r.status])).toEqual([[soon.id, "CONFIRMED"]]);
    await carol.reservations.checkIn({ id: soon.id });
    expect((await copyOf(3)).map((r) => [r.id, r.status])).toEqual([[soon.id, "CHECKED_IN"]]);
    expect((await carol.reservations.mine({ upcomingOnly: true }))[0]?.status).toBe("CHECKED_IN");
  });

  it("shows a sweeper transition to the very next read", async () => {
    // Written straight to the database (a start in the past), so bump the version as a service would.
    const missed = await insertReservation(api, {
      userId: 4,
      seatId: 6,
      start: at(-30 * MINUTE),
      end: at(30 * MINUTE),
    });
    await api.deps.cache.incr(reservationsVersionKey(4));
    expect((await copyOf(4)).map((r) => [r.id, r.status])).toEqual([[missed.id, "CONFIRMED"]]);
    expect((await copyOf(4, {})).map((r) => r.status)).toEqual(["CONFIRMED"]);

    // The sweep's effects are flushed before the procedure answers, as the scheduled one does.
    const swept = await (await api.as(11)).admin.sweep();
    expect(swept.noShows).toBe(1);
    expect(await copyOf(4)).toEqual([]);
    expect((await copyOf(4, {})).map((r) => [r.id, r.status])).toEqual([[missed.id, "NO_SHOW"]]);
    expect((await (await api.as(4)).reservations.mine())[0]?.status).toBe("NO_SHOW");
  });

  it("drops a reservation once its end passes, without any write", async () => {
    const end = at(1_500);
    const ending = await insertReservation(api, {
      userId: 5,
      seatId: 7,
      start: at(-HOUR),
      end,
      status: "CHECKED_IN",
    });
    const later = await (await api.as(5)).reservations.create(slot(8, dayAt(2, 9), dayAt(2, 10)));
    const version = await currentVersion(api.deps.cache);
    const warm = await copyOf(5);
    expect(warm.map((r) => r.id)).toEqual([ending.id, later.id]);
    expect(await copyOf(5)).toBe(await copyOf(5));

    // Nothing is written meanwhile: only the clock moves past the first row's end.
    while (Date.now() <= end.getTime()) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await copyOf(5)).map((r) => r.id)).toEqual([later.id]);
    expect((await (await api.as(5)).reservations.mine({ upcomingOnly: true })).map((r) => r.id)).toEqual([
      later.id,
    ]);
    expect(await currentVersion(api.deps.cache)).toBe(version);
    // Without upcomingOnly, time changes nothing: the ended row is still listed.
    expect((await copyOf(5, {})).map((r) => r.id).sort()).toEqual([ending.id, later.id].sort());
  });
});

describe("cachedMyReservations", () => {
  /** A database whose `execute` calls are counted (myReservations is one execute). */
  function countingDb(): { db: Database; queries: () => number } {
    let n = 0;
    const db = new Proxy(api.deps.db, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name !== "execute" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          n += 1;
          return value.apply(target, args);
        };
      },
    });
    return { db, queries: () => n };
  }

  it("runs one load for concurrent misses of the same user and version, then serves the copy", async () => {
    const { db, queries } = countingDb();
    const deps = { db, cache: createMemoryCache() };
    const rules = api.deps.config.rules;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => cachedMyReservations(deps, 1, true, rules)),
    );
    expect(queries()).toBe(1);
    expect(answers.every((rows) => rows === answers[0])).toBe(true);
    expect(await cachedMyReservations(deps, 1, true, rules)).toBe(answers[0]);
    expect(queries()).toBe(1);
    // Another user, the other input, or another cache (another instance) loads its own.
    await cachedMyReservations(deps, 2, true, rules);
    await cachedMyReservations(deps, 1, false, rules);
    await cachedMyReservations({ db, cache: createMemoryCache() }, 1, true, rules);
    expect(queries()).toBe(4);
    // Another student's booking moves the seats version only: this student's copy stays.
    await deps.cache.incr(SEATS_VERSION_KEY);
    await cachedMyReservations(deps, 1, true, rules);
    expect(queries()).toBe(4);
    // A change to this student's reservations, or to the catalogue, makes it stale.
    await deps.cache.incr(reservationsVersionKey(1));
    await cachedMyReservations(deps, 1, true, rules);
    expect(queries()).toBe(5);
    await cachedMyReservations(deps, 2, true, rules);
    expect(queries()).toBe(5);
    await deps.cache.incr(CATALOG_VERSION_KEY);
    await cachedMyReservations(deps, 1, true, rules);
    await cachedMyReservations(deps, 2, true, rules);
    expect(queries()).toBe(7);
  });

  it("gives a reader that joined a load started before it arrived only what is fresh at its arrival", async () => {
    let release: (() => void) | undefined;
    const { db, queries } = countingDb();
    const gated = new Proxy(db, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name !== "execute" || typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          if (!release) await new Promise<void>((resolve) => (release = resolve));
          return value.apply(target, args);
        };
      },
    });
    const deps = { db: gated, cache: createMemoryCache() };
    const rules = api.deps.config.rules;
    const first = cachedMyReservations(deps, 1, true, rules);
    await vi.waitFor(() => expect(release).toBeDefined());
    // The second reader arrives after every row of the load in flight has ended.
    const clock = vi.spyOn(Date, "now").mockReturnValue(dayAt(5, 0).getTime());
    try {
      const second = cachedMyReservations(deps, 1, true, rules);
      await new Promise((resolve) => setImmediate(resolve));
      release?.();
      const firstRows = await first;
      expect(firstRows.length).toBeGreaterThan(0);
      expect(await second).not.toBe(firstRows);
      expect(queries()).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it("hands out frozen rows, so a caller cannot change what the next reader gets", async () => {
    const rows = await (await api.as(1)).reservations.mine({ upcomingOnly: true });
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.isFrozen(rows)).toBe(true);
    expect(() => {
      (rows[0] as { status: string }).status = "CANCELLED";
    }).toThrow(TypeError);
    expect(() => (rows as MyReservationView[]).pop()).toThrow(TypeError);
    expect((await (await api.as(1)).reservations.mine({ upcomingOnly: true }))[0]?.status).toBe("CONFIRMED");
  });
});

describe("every kind of change reaches the student's next read of a warm copy", () => {
  const iso = (d: Date) => d.toISOString();
  /** Reads twice (the second from the copy), then returns the upcoming rows as [seatId, status]. */
  async function warm(userId: number) {
    await copyOf(userId);
    return (await copyOf(userId)).map((r) => [r.seatId, r.status]);
  }
  const upcoming = async (userId: number) => (await copyOf(userId)).map((r) => [r.seatId, r.status]);

  it("a waitlist offer, its claim, a decline and a staff cancel", async () => {
    const staff = await api.as(11);
    const [start, end] = [dayAt(4, 9), dayAt(4, 11)];
    const holder = await api.as(6);
    const taken = await holder.reservations.create(slot(20, start, end));
    await (await api.as(7)).waitlist.join({ seatId: 20, desiredStart: iso(start), desiredEnd: iso(end) });
    expect(await warm(7)).toEqual([]);
    expect(await warm(6)).toEqual([[20, "CONFIRMED"]]);
    await holder.reservations.cancel({ id: taken.id });
    expect(await upcoming(6)).toEqual([]);
    const offered = await copyOf(7);
    expect(offered.map((r) => [r.seatId, r.status])).toEqual([[20, "HELD"]]);
    await warm(7);
    const offerId = offered[0]?.id ?? 0;
    await (await api.as(7)).waitlist.claim({ reservationId: offerId });
    expect(await upcoming(7)).toEqual([[20, "CONFIRMED"]]);
    await warm(7);
    await staff.admin.cancelReservation({ id: offerId, reason: "Exam" });
    expect(await upcoming(7)).toEqual([]);

    const other = await (await api.as(8)).reservations.create(slot(21, start, end));
    await (await api.as(9)).waitlist.join({ seatId: 21, desiredStart: iso(start), desiredEnd: iso(end) });
    await (await api.as(8)).reservations.cancel({ id: other.id });
    expect(await warm(9)).toEqual([[21, "HELD"]]);
    const [offer] = await copyOf(9);
    await (await api.as(9)).waitlist.decline({ reservationId: offer?.id ?? 0 });
    expect(await upcoming(9)).toEqual([]);
  });

  it("maintenance that cancels a reservation, a catalogue edit, a release", async () => {
    const staff = await api.as(11);
    await (await api.as(10)).reservations.create(slot(22, dayAt(5, 9), dayAt(5, 10)));
    expect(await warm(10)).toEqual([[22, "CONFIRMED"]]);
    await staff.admin.setSeatStatus({ seatId: 22, status: "MAINTENANCE" });
    expect(await upcoming(10)).toEqual([]);
    await staff.admin.setSeatStatus({ seatId: 22, status: "ACTIVE" });

    await (await api.as(10)).reservations.create(slot(23, dayAt(5, 11), dayAt(5, 12)));
    await warm(10);
    await staff.admin.updateSeat({ seatId: 23, area: "Renamed Area" });
    expect((await copyOf(10)).map((r) => r.area)).toEqual(["Renamed Area"]);

    const student = await api.as(9);
    const now = await student.reservations.create(slot(24, at(5 * MINUTE), at(65 * MINUTE)));
    await student.reservations.checkIn({ id: now.id });
    expect(await warm(9)).toEqual([[24, "CHECKED_IN"]]);
    await student.reservations.release({ id: now.id });
    expect(await upcoming(9)).toEqual([]);
  });

  it("another student's booking leaves the copy in place, and it is still exact", async () => {
    const mine = await (await api.as(5)).reservations.create(slot(25, dayAt(6, 9), dayAt(6, 10)));
    const before = await copyOf(5);
    await (await api.as(6)).reservations.create(slot(26, dayAt(6, 9), dayAt(6, 10)));
    const after = await copyOf(5);
    expect(after).toBe(before); // the very same copy: no new load
    expect(after.map((r) => r.id)).toContain(mine.id);
    expect(await copyJson(5)).toBe(await procedureJson(5, { upcomingOnly: true }));
  });
});
