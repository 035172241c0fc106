import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { RuleViolation } from "../src/errors";
import { parseLibraryTime } from "../src/time";

const ZONE = "Asia/Taipei";
/** What parseLibraryTime answered before its UTC shortcut: luxon for every input. */
const viaLuxon = (value: string) => DateTime.fromISO(value, { zone: ZONE, setZone: true }).toJSDate();

describe("parseLibraryTime", () => {
  it("reads UTC instants as luxon does, with and without milliseconds", () => {
    let t = Date.UTC(2020, 0, 1);
    for (let i = 0; i < 500; i++) {
      t += Math.floor(Math.random() * 9 * 24 * 3_600_000);
      const withMs = new Date(t).toISOString();
      const withoutMs = `${withMs.slice(0, 19)}Z`;
      for (const value of [withMs, withoutMs]) {
        expect(parseLibraryTime(value, ZONE, "startTime").getTime()).toBe(viaLuxon(value).getTime());
      }
    }
  });

  it("still reads offsets and the library's wall time", () => {
    expect(parseLibraryTime("2026-03-01T10:00:00+08:00", ZONE, "x").toISOString()).toBe(
      "2026-03-01T02:00:00.000Z",
    );
    expect(parseLibraryTime("2026-03-01T10:00:00", ZONE, "x").toISOString()).toBe("2026-03-01T02:00:00.000Z");
    expect(parseLibraryTime("2026-03-01 10:00", ZONE, "x").toISOString()).toBe("2026-03-01T02:00:00.000Z");
  });

  it.each([
    "2026-02-31T10:00:00.000Z",
    "2026-02-29T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-04-31T23:59:59.999Z",
    "2026-01-01T24:00:01Z",
    "2026-01-01T10:60:00Z",
  ])("refuses %s, which Date alone would roll over", (value) => {
    expect(() => parseLibraryTime(value, ZONE, "startTime")).toThrow(RuleViolation);
    expect(() => parseLibraryTime(value, ZONE, "startTime")).toThrow(/startTime is not a valid date/);
  });
});
