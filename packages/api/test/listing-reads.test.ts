import { createMemoryCache } from "@dlsms/bus";
import type { SeatsListInput } from "@dlsms/validators";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { busyIndexVersion, RELOAD_AFTER } from "../src/read-models/branch-occupancy";
import { listingReads, readListing } from "../src/read-models/listing-reads";
import {
  cachedListing,
  currentVersion,
  LISTING_TTL_SECONDS,
  seatsListingKey,
} from "../src/read-models/seat-listings";
import { coalescedRead } from "../src/read-models/versioned-copies";
import { createTestApi, type TestApi } from "../src/testing";
import { cacheWith, callerWith, dayAt, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const window = {
  branch: "Main Library",
  startTime: dayAt(2, 9).toISOString(),
  endTime: dayAt(2, 11).toISOString(),
};
const seatsCopy = (filters: SeatsListInput) => readListing(api.deps, listingReads.seats(api.deps, filters));
const branchesCopy = () => readListing(api.deps, listingReads.branches(api.deps));

describe("listing copies (what seats.list and branches.list answer from)", () => {
  it("answers with exactly the procedure's rows, loading on a miss, then the same frozen copy", async () => {
    const filters = { ...window, hasPower: true };
    const first = await seatsCopy(filters);
    expect(first.length).toBeGreaterThan(3);
    expect(JSON.stringify(first)).toBe(JSON.stringify(await (await api.as(1)).seats.list(filters)));
    // The same object to every reader, frozen row by row, so a transport may render it once.
    expect(await seatsCopy(filters)).toBe(first);
    expect(Object.isFrozen(first) && first.every((seat) => Object.isFrozen(seat))).toBe(true);
    const branches = await branchesCopy();
    expect(await branchesCopy()).toBe(branches);
    expect(Object.isFrozen(branches) && branches.every((b) => Object.isFrozen(b))).toBe(true);
  });

  it("shows a booking to the very next read", async () => {
    const before = await seatsCopy(window);
    expect(before.find((s) => s.id === 1)?.available).toBe(true);
    await (await api.as(2)).reservations.create(slot(1, dayAt(2, 9), dayAt(2, 10)));
    const after = await seatsCopy(window);
    expect(after.find((s) => s.id === 1)?.available).toBe(false);
    expect(JSON.stringify(after)).toBe(JSON.stringify(await (await api.as(1)).seats.list(window)));
  });

  it("loads again once the listing's freshness has run out", async () => {
    const filters = { branch: "Science Library" };
    const first = await seatsCopy(filters);
    expect(await seatsCopy(filters)).toBe(first);
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + LISTING_TTL_SECONDS * 1000 + 1);
    try {
      const later = await seatsCopy(filters);
      expect(later).not.toBe(first);
      expect(JSON.stringify(later)).toBe(JSON.stringify(first));
    } finally {
      clock.mockRestore();
    }
  });

  it("refuses a window that breaks a rule", async () => {
    const tooLong = { startTime: dayAt(2, 9).toISOString(), endTime: dayAt(40, 9).toISOString() };
    await expect(seatsCopy(tooLong)).rejects.toThrow(/at most 31 days/);
  });
});

describe("the shared cache", () => {
  it("gets a listing on its second read in a process, not its first (one-off windows stay local)", async () => {
    const oneOff = {
      branch: "Science Library",
      startTime: dayAt(3, 7).toISOString(),
      endTime: dayAt(3, 8).toISOString(),
    };
    const shared = async () =>
      api.deps.cache.get(`${seatsListingKey(oneOff)}:v${await currentVersion(api.deps.cache)}`);
    const first = await (await api.as(1)).seats.list(oneOff);
    expect(await shared()).toBeUndefined();
    await (await api.as(2)).seats.list(oneOff);
    await vi.waitFor(async () => expect(await shared()).toMatchObject({ value: first }));
  });
});

describe("the shared cache, when this process has its own copies", () => {
  it("is not asked for a branch listing once this process holds the branch's reservations at that version", async () => {
    const inner = createMemoryCache();
    const listingGets: string[] = [];
    const cache = cacheWith(inner, {
      get: (key) => {
        if (key.startsWith("seats:list:")) listingGets.push(key);
        return inner.get(key);
      },
    });
    const student = callerWith({ ...api.deps, cache }, 3);
    const listing = (day: number, hour: number) =>
      student.seats.list({
        branch: "Engineering Library",
        startTime: dayAt(day, hour).toISOString(),
        endTime: dayAt(day, hour + 1).toISOString(),
      });
    // Until the branch's reservations are copied here, listings come from the database, and
    // another instance's stored copy is worth asking for first.
    for (let i = 0; i < RELOAD_AFTER; i++) await listing(4, 8 + i);
    expect(listingGets.length).toBe(RELOAD_AFTER);
    await vi.waitFor(() => expect(busyIndexVersion(cache, "Engineering Library")).toBeDefined());
    listingGets.length = 0;
    const later = [await listing(5, 8), await listing(5, 9), await listing(5, 10)];
    expect(listingGets).toEqual([]);
    expect(later.every((seats) => seats.length === 13)).toBe(true);
    // Listings without a branch still come from the database: the shared cache is asked.
    await student.seats.list({ startTime: dayAt(5, 8).toISOString(), endTime: dayAt(5, 9).toISOString() });
    expect(listingGets.length).toBe(1);
  });
});

describe("cachedListing", () => {
  it("runs one load for concurrent misses of the same listing, and loads again after a failure", async () => {
    const cache = createMemoryCache();
    let loads = 0;
    let fail = true;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (fail) throw new Error("database down");
      return ["listing"];
    };
    const failing = await Promise.allSettled(
      Array.from({ length: 20 }, () => cachedListing(cache, "k", load)),
    );
    expect(failing.every((r) => r.status === "rejected")).toBe(true);
    expect(loads).toBe(1);
    fail = false;
    const results = await Promise.all(Array.from({ length: 20 }, () => cachedListing(cache, "k", load)));
    expect(results.every((r) => r[0] === "listing")).toBe(true);
    expect(loads).toBe(2);
    // Another cache (another instance) never shares this one's loads or copies.
    expect(await cachedListing(createMemoryCache(), "k", async () => ["other"])).toEqual(["other"]);
  });
});

describe("coalescedRead", () => {
  it("shares reads among concurrent callers but never answers with a read sent before the call", async () => {
    let sent = 0;
    let value = 0;
    const pending: Array<() => void> = [];
    const read = coalescedRead(async () => {
      sent += 1;
      const seen = value; // what the shared store holds when this read reaches it
      await new Promise<void>((resolve) => pending.push(resolve));
      return seen;
    });
    // Callers of the same turn of the event loop share the read, which goes out after them.
    const first = [read(), read(), read()];
    expect(sent).toBe(0);
    await vi.waitFor(() => expect(sent).toBe(1));
    value = 1; // a change acknowledged after the first read went out
    const later = Array.from({ length: 50 }, () => read());
    pending.shift()?.();
    expect(await Promise.all(first)).toEqual([0, 0, 0]);
    await vi.waitFor(() => expect(sent).toBe(2));
    pending.shift()?.();
    // Every caller that arrived after the change sees it, with one read for all fifty.
    expect(await Promise.all(later)).toEqual(Array(50).fill(1));
    expect(sent).toBe(2);
  });

  it("holds the next read until the one out returns, then sends it for everyone waiting", async () => {
    let sent = 0;
    const pending: Array<() => void> = [];
    const read = coalescedRead(async () => {
      sent += 1;
      const mine = sent;
      await new Promise<void>((resolve) => pending.push(resolve));
      return mine;
    });
    const first = read();
    await vi.waitFor(() => expect(sent).toBe(1));
    const second = read();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const third = read();
    // Never two reads out at once: the second waits for the first to return.
    expect(sent).toBe(1);
    pending.shift()?.();
    expect(await first).toBe(1);
    await vi.waitFor(() => expect(sent).toBe(2));
    pending.shift()?.();
    expect(await Promise.all([second, third])).toEqual([2, 2]);
  });

  it("passes a failed read to its callers and recovers with the next one", async () => {
    let fail = true;
    const read = coalescedRead(async () => {
      if (fail) throw new Error("cache down");
      return 7;
    });
    await expect(read()).rejects.toThrow("cache down");
    fail = false;
    expect(await read()).toBe(7);
  });
});
