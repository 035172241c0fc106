import { describe, expect, it } from "vitest";
import { prerendered, prerenderedArrayBytes } from "../src/prerendered-json";
import { trpcResultBytes } from "../src/trpc-wire";

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

describe("prerendered JSON", () => {
  it("copies exactly the bytes JSON.stringify would make, multi-byte text included", () => {
    const items = [seat(1, 'Café "quiet" zone', true), seat(2, "北馆 — 2F", false), seat(3, "😀", true)];
    const bytes = prerenderedArrayBytes(items.map(prerendered), "<", ">");
    expect(bytes?.toString("utf8")).toBe(`<${JSON.stringify(items)}>`);
    expect(bytes?.length).toBe(Buffer.byteLength(`<${JSON.stringify(items)}>`));
  });

  it("renders empty and single-item lists", () => {
    expect(prerenderedArrayBytes([], "a", "b")?.toString()).toBe("a[]b");
    expect(prerenderedArrayBytes([prerendered(seat(7, "x", true))], "", "")?.toString()).toBe(
      JSON.stringify([seat(7, "x", true)]),
    );
  });

  it("declines a list holding anything not prerendered, and tRPC's answer is then serialised as usual", () => {
    const mixed = [prerendered(seat(1, "a", true)), seat(2, "b", false)];
    expect(prerenderedArrayBytes(mixed, "", "")).toBeUndefined();
    expect(
      prerenderedArrayBytes([seat(3, "c", true), prerendered(seat(4, "d", true))], "", ""),
    ).toBeUndefined();
    expect(prerenderedArrayBytes([prerendered(seat(1, "a", true)), null], "", "")).toBeUndefined();
    expect(trpcResultBytes(mixed).toString()).toBe(JSON.stringify({ result: { data: mixed } }));
  });

  it("gives tRPC's envelope around a prerendered list", () => {
    const items = [seat(1, "a", true), seat(2, "b", false)];
    expect(trpcResultBytes(items.map(prerendered)).toString()).toBe(
      JSON.stringify({ result: { data: items } }),
    );
  });

  it("freezes the value, so its remembered JSON cannot go stale, and copies of it are plain", () => {
    const value = prerendered(seat(1, "a", true));
    expect(Object.isFrozen(value)).toBe(true);
    expect(() => {
      (value as { available: boolean }).available = false;
    }).toThrow(TypeError);
    const copy = { ...value };
    expect(Object.isFrozen(copy)).toBe(false);
    expect(prerenderedArrayBytes([copy], "", "")).toBeUndefined();
    expect(Object.keys(value)).toEqual(Object.keys(seat(1, "a", true)));
  });
});
