import { describe, expect, it } from "vitest";
import { TurnStatements } from "../src/services/turn-statements";

describe("TurnStatements", () => {
  it("sends the items of one turn together and answers each in order; the next turn is another call", async () => {
    const calls: number[][] = [];
    const doubles = new TurnStatements(async (items: number[]) => {
      calls.push(items);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([doubles.add(1), doubles.add(2), doubles.add(3)])).toEqual([2, 4, 6]);
    expect(await doubles.add(4)).toBe(8);
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it("a failed statement rejects every item it carried, and the next turn starts afresh", async () => {
    let fail = true;
    const statements = new TurnStatements(async (items: string[]) => {
      if (fail) throw new Error("statement failed");
      return items;
    });
    const results = await Promise.allSettled([statements.add("a"), statements.add("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await statements.add("c")).toBe("c");
  });
});
