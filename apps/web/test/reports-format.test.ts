import { describe, expect, it } from "vitest";
import { describeSeries, localDate, type ReportRow } from "../src/features/reports/format";

const row = (key: string, utilisation: number): ReportRow => ({
  key,
  reservations: 0,
  bookedHours: 0,
  openHours: 0,
  utilisation,
  noShows: 0,
  noShowRate: 0,
});

describe("reports: the default range's dates", () => {
  it("are the library's date, not the browser's or UTC's", () => {
    // 23:30 UTC on 31 Dec is already 1 Jan in Berlin and still 31 Dec in New York.
    const now = new Date("2026-12-31T23:30:00Z");
    expect(localDate("Europe/Berlin", 0, now)).toBe("2027-01-01");
    expect(localDate("America/New_York", 0, now)).toBe("2026-12-31");
  });
  it("step whole days across a month end and a DST change", () => {
    const now = new Date("2026-03-30T12:00:00Z");
    expect(localDate("Europe/Berlin", -6, now)).toBe("2026-03-24");
    expect(localDate("Europe/Berlin", 2, now)).toBe("2026-04-01");
  });
});

describe("reports: a chart's one-sentence reading", () => {
  it("names the peak, or says there is nothing", () => {
    const u = (r: ReportRow) => r.utilisation;
    expect(describeSeries([row("09", 0.1), row("10", 0.25), row("11", 0.25)], u, (k) => `${k}:00`)).toMatch(
      /^Highest at 10:00: 25\s?%\.$/,
    );
    expect(describeSeries([row("09", 0)], u, (k) => k)).toMatch(/^0\s?% everywhere\.$/);
    expect(describeSeries([], u, (k) => k)).toBe("No data.");
  });
});
