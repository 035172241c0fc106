import { describe, expect, it, vi } from "vitest";
import { COPY_TTL_MS, newerVersion, VersionedCopies } from "../src/read-models/versioned-copies";

/** A load the test finishes by hand, counting how often it was started. */
function manualLoad<V>() {
  let started = 0;
  const finishes: Array<(value: V) => void> = [];
  const load = () => {
    started++;
    return new Promise<V>((resolve) => finishes.push(resolve));
  };
  return { load, started: () => started, finish: (i: number, value: V) => finishes[i]?.(value) };
}

describe("VersionedCopies", () => {
  it("serves a copy only to readers of the version it was loaded under", async () => {
    const copies = new VersionedCopies<string, string>({});
    copies.put("k", 3, "at 3");
    expect(copies.fresh("k", 3)?.value).toBe("at 3");
    expect(copies.fresh("k", 4)).toBeUndefined();
    expect(copies.fresh("k", 2)).toBeUndefined();
    copies.put("pair", [1, 2], "both");
    expect(copies.fresh("pair", [1, 2])?.value).toBe("both");
    expect(copies.fresh("pair", [1, 3])).toBeUndefined();
  });

  it("shares one load among concurrent misses of one version, not across versions", async () => {
    const copies = new VersionedCopies<string, string>({});
    const { load, started, finish } = manualLoad<string>();
    const a = copies.read("k", 1, load);
    const b = copies.read("k", 1, load);
    const c = copies.read("k", 2, load);
    expect(started()).toBe(2);
    finish(0, "one");
    finish(1, "two");
    expect(await Promise.all([a, b, c])).toEqual(["one", "one", "two"]);
  });

  it("counts each read once, as a hit when the held copy serves it, else as a miss", async () => {
    const copies = new VersionedCopies<string, string>({ name: "things" });
    const counts = { hit: 0, miss: 0 };
    const asked: string[] = [];
    const observer = {
      cacheReads(readModel: string) {
        asked.push(readModel);
        return { hit: () => counts.hit++, miss: () => counts.miss++ };
      },
    };
    const counter = copies.counter(observer);
    const { load, finish } = manualLoad<string>();
    const first = copies.read("k", 1, load, Date.now(), counter);
    const joined = copies.read("k", 1, load, Date.now(), counter);
    finish(0, "one");
    expect(await Promise.all([first, joined])).toEqual(["one", "one"]);
    expect(counts).toEqual({ hit: 0, miss: 2 });
    expect(await copies.read("k", 1, load, Date.now(), copies.counter(observer))).toBe("one");
    expect(counts).toEqual({ hit: 1, miss: 2 });
    // The observer is asked once for this read model's counter; unnamed copies count nothing.
    expect(asked).toEqual(["things"]);
    new VersionedCopies<string, string>({}).counter(observer).hit();
    expect(counts).toEqual({ hit: 1, miss: 2 });
  });

  it("never lets an older load finishing late replace a newer copy", async () => {
    const copies = new VersionedCopies<string, string>({});
    const { load, finish } = manualLoad<string>();
    const old = copies.load("k", 1, load);
    const fresh = copies.load("k", 2, load);
    finish(1, "new");
    await fresh;
    finish(0, "old");
    await old;
    expect(copies.held("k")?.value).toBe("new");
    expect(newerVersion([2, 5], [2, 4])).toBe(true);
    expect(newerVersion([3, 4], [2, 5])).toBe(false);
  });

  it("expires copies, and a reader arriving after a joined load expired loads again", async () => {
    const copies = new VersionedCopies<string, string>({});
    copies.put("k", 1, "v", Date.now() - COPY_TTL_MS - 1);
    expect(copies.fresh("k", 1)).toBeUndefined();

    const short = new VersionedCopies<string, { until: number }>({ expiresAt: (v) => v.until });
    const start = Date.now();
    let loads = 0;
    const value = await short.read(
      "k",
      1,
      async () => ({ until: start + 5 + 1000 * loads++ }),
      // Arrives after the first load started and after its copy stopped serving.
      start + 50,
    );
    expect(loads).toBe(2);
    expect(value.until).toBeGreaterThan(start + 50);
  });

  it("holds at most `max` copies, least recently used out first", () => {
    const copies = new VersionedCopies<number, number>({ max: 3 });
    for (let i = 0; i < 3; i++) copies.put(i, 1, i);
    copies.fresh(0, 1);
    copies.put(3, 1, 3);
    expect(copies.held(1)).toBeUndefined();
    expect([0, 2, 3].map((k) => copies.held(k)?.value)).toEqual([0, 2, 3]);
  });

  it("bounds by size when asked", () => {
    const copies = new VersionedCopies<number, string>({ maxSize: 10, sizeOf: (c) => c.value.length });
    copies.put(1, 1, "aaaaaa");
    copies.put(2, 1, "bbbbbb");
    expect(copies.held(1)).toBeUndefined();
    expect(copies.held(2)?.value).toBe("bbbbbb");
  });

  it("forgets a failed load so the next miss tries again", async () => {
    const copies = new VersionedCopies<string, string>({});
    const failing = vi.fn().mockRejectedValueOnce(new Error("down")).mockResolvedValue("up");
    await expect(copies.read("k", 1, failing)).rejects.toThrow("down");
    expect(await copies.read("k", 1, failing)).toBe("up");
  });
});
