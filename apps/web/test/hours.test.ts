import { describe, expect, it } from "vitest";
import { type BranchInfo, closedReason, isoWeekday, weekSummary } from "../src/features/hours/openHours";

const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, open: "08:00", close: "20:00" }));

const branch = (patch: Partial<BranchInfo>): BranchInfo => ({
  id: 1,
  name: "Main Library",
  seatCount: 1,
  availableNow: 1,
  powerSeats: 0,
  monitorSeats: 0,
  openingHours: WEEKDAYS,
  closures: [],
  openNow: true,
  ...patch,
});

describe("the finder's opening-hours check (mirrors the server's rule)", () => {
  it("knows ISO weekdays", () => {
    expect(isoWeekday("2026-12-07")).toBe(1);
    expect(isoWeekday("2026-12-13")).toBe(7);
  });

  it("summarises a week, grouping equal days", () => {
    expect(weekSummary(WEEKDAYS)).toBe("Mon–Fri 08:00–20:00");
    expect(weekSummary([...WEEKDAYS, { day: 6, open: "10:00", close: "16:00" }])).toBe(
      "Mon–Fri 08:00–20:00 · Sat 10:00–16:00",
    );
    expect(weekSummary(null)).toBe("Open around the clock");
    expect(weekSummary([])).toBe("Closed every day");
  });

  it("accepts a window inside the hours and explains one outside them", () => {
    const b = branch({});
    expect(closedReason(b, "2026-12-07T09:00:00Z", "2026-12-07T11:00:00Z", "UTC")).toBeNull();
    expect(closedReason(b, "2026-12-07T07:00:00Z", "2026-12-07T09:00:00Z", "UTC")).toMatch(
      /^Main Library is open 08:00–20:00 on Mon/,
    );
    expect(closedReason(b, "2026-12-13T10:00:00Z", "2026-12-13T11:00:00Z", "UTC")).toMatch(
      /^Main Library is closed on Sun/,
    );
    expect(
      closedReason(branch({ openingHours: null }), "2026-12-13T03:00:00Z", "2026-12-13T04:00:00Z", "UTC"),
    ).toBeNull();
  });

  it("gives a closure's reason, even on a branch open around the clock", () => {
    const b = branch({ openingHours: null, closures: [{ date: "2026-12-24", reason: "Christmas Eve" }] });
    expect(closedReason(b, "2026-12-24T10:00:00Z", "2026-12-24T11:00:00Z", "UTC")).toMatch(
      /Christmas Eve\.$/,
    );
    expect(closedReason(b, "2026-12-23T23:00:00Z", "2026-12-24T01:00:00Z", "UTC")).toMatch(/Christmas Eve/);
    expect(closedReason(b, "2026-12-23T10:00:00Z", "2026-12-23T11:00:00Z", "UTC")).toBeNull();
  });

  it("joins stretches across midnight and reads wall time on a DST day", () => {
    const overnight = branch({
      openingHours: [
        { day: 1, open: "20:00", close: "24:00" },
        { day: 2, open: "00:00", close: "02:00" },
      ],
    });
    expect(closedReason(overnight, "2026-12-07T23:00:00Z", "2026-12-08T01:00:00Z", "UTC")).toBeNull();
    // Europe/Berlin moves to summer time on Sunday 29 March 2026: 01:00–05:00 is 3 real hours.
    const sunday = branch({ openingHours: [{ day: 7, open: "01:00", close: "05:00" }] });
    const zone = "Europe/Berlin";
    expect(closedReason(sunday, "2026-03-29T02:30:00Z", "2026-03-29T03:00:00Z", zone)).toBeNull();
    expect(closedReason(sunday, "2026-03-29T03:00:00Z", "2026-03-29T03:30:00Z", zone)).toMatch(
      /open 01:00–05:00 on Sun/,
    );
  });
});
