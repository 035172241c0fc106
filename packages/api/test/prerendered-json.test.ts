import { describe, expect, it } from "vitest";
import {
  PrerenderedArrayBuilder,
  prerenderedArrayBytes,
  prerenderedSequence,
} from "../src/read-models/prerendered-json";

const seat = (id: number, area: string, available: boolean) => ({
  id,
  code: `S-${id}`,
  branch: "Main Library",
  area,
  hasPower: id % 2 === 0,
  hasMonitor: false,
  status: "ACTIVE",
  available,
});

/** One prerendered value (a sequence of one). */
const one = <T extends object>(value: T) => prerenderedSequence([value]).items[0] as T;

describe("prerendered JSON", () => {
  it("copies exactly the bytes JSON.stringify would make, multi-byte text included", () => {
    const items = [seat(1, 'Café "quiet" zone', true), seat(2, "北馆 — 2F", false), seat(3, "😀", true)];
    const bytes = prerenderedArrayBytes(prerenderedSequence(items).items, "<", ">");
    expect(bytes?.toString("utf8")).toBe(`<${JSON.stringify(items)}>`);
    expect(bytes?.length).toBe(Buffer.byteLength(`<${JSON.stringify(items)}>`));
  });

  it("renders empty and single-item lists", () => {
    expect(prerenderedArrayBytes([], "a", "b")?.toString()).toBe("a[]b");
    expect(prerenderedArrayBytes([one(seat(7, "x", true))], "", "")?.toString()).toBe(
      JSON.stringify([seat(7, "x", true)]),
    );
  });

  it("declines a list holding anything not prerendered", () => {
    const mixed = [one(seat(1, "a", true)), seat(2, "b", false)];
    expect(prerenderedArrayBytes(mixed, "", "")).toBeUndefined();
    expect(prerenderedArrayBytes([seat(3, "c", true), one(seat(4, "d", true))], "", "")).toBeUndefined();
    expect(prerenderedArrayBytes([one(seat(1, "a", true)), null], "", "")).toBeUndefined();
  });

  it("wraps a prerendered list in the envelope it is given", () => {
    const items = [seat(1, "a", true), seat(2, "b", false)];
    expect(
      prerenderedArrayBytes(prerenderedSequence(items).items, '{"result":{"data":', "}}")?.toString(),
    ).toBe(JSON.stringify({ result: { data: items } }));
  });

  it("freezes the value, so its remembered JSON cannot go stale, and copies of it are plain", () => {
    const value = one(seat(1, "a", true));
    expect(Object.isFrozen(value)).toBe(true);
    expect(() => {
      (value as { available: boolean }).available = false;
    }).toThrow(TypeError);
    const copy = { ...value };
    expect(Object.isFrozen(copy)).toBe(false);
    expect(prerenderedArrayBytes([copy], "", "")).toBeUndefined();
    expect(Object.keys(value)).toEqual(Object.keys(seat(1, "a", true)));
  });

  it("an array built from sequences copies stretches of neighbours and gives JSON.stringify's bytes", () => {
    const areas = ["a", 'Café "quiet" zone', "北馆 — 2F", "😀"];
    const seats = Array.from({ length: 40 }, (_, i) => seat(i + 1, areas[i % areas.length] as string, true));
    const free = prerenderedSequence(seats.map((s) => ({ ...s, available: true })));
    const taken = prerenderedSequence(seats.map((s) => ({ ...s, available: false })));
    let random = 7;
    const next = () => {
      random = (random * 48271) % 2147483647;
      return random / 2147483647;
    };
    for (let round = 0; round < 200; round++) {
      const builder = new PrerenderedArrayBuilder<ReturnType<typeof seat>>();
      for (let i = 0; i < seats.length; ) {
        const r = next();
        // Single items and stretches of up to 3; neighbouring ones of one sequence join.
        const to = Math.min(seats.length, i + (round % 2 === 0 ? 1 : 1 + Math.floor(next() * 3)));
        if (r < 0.2) {
          i = to; // filtered out
          continue;
        }
        if (to === i + 1 && next() < 0.5) builder.push(r < 0.6 ? free : taken, i);
        else builder.pushRun(r < 0.6 ? free : taken, i, to);
        i = to;
      }
      const built = builder.build();
      const expected = `<${JSON.stringify(built)}>`;
      expect(prerenderedArrayBytes(built, "<", ">")?.toString("utf8")).toBe(expected);
      // A copy has no stretches noted: its items' own bytes give the same answer.
      expect(prerenderedArrayBytes([...built], "<", ">")?.toString("utf8")).toBe(expected);
    }
    const none = new PrerenderedArrayBuilder<ReturnType<typeof seat>>().build();
    expect(prerenderedArrayBytes(none, "a", "b")?.toString()).toBe("a[]b");
  });

  it("a built array and its items are frozen, so what its stretches describe cannot change", () => {
    const free = prerenderedSequence([seat(1, "a", true), seat(2, "b", true)]);
    const builder = new PrerenderedArrayBuilder<ReturnType<typeof seat>>();
    builder.push(free, 0);
    builder.push(free, 1);
    const built = builder.build();
    expect(Object.isFrozen(built)).toBe(true);
    expect(Object.isFrozen(built[0])).toBe(true);
    expect(() => (built as unknown[]).push(seat(3, "c", true))).toThrow(TypeError);
    expect(() => builder.push(free, 0)).toThrow(TypeError);
    expect(() => new PrerenderedArrayBuilder<ReturnType<typeof seat>>().push(free, 2)).toThrow(RangeError);
    for (const [from, to] of [
      [1, 1],
      [-1, 1],
      [1, 3],
      [0.5, 1],
    ] as const) {
      expect(() => new PrerenderedArrayBuilder<ReturnType<typeof seat>>().pushRun(free, from, to)).toThrow(
        RangeError,
      );
    }
    expect(Object.keys(built)).toEqual(["0", "1"]);
  });
});
