import { spaSeatDetail } from "./client-requests";
import type { BenchContext, ScenarioResult } from "./context";
import { againstBareNode, token } from "./scenarios-http";
import { pick, utcMidnight } from "./workload";

const QUARTER_MS = 15 * 60_000;

/**
 * The finder's default windows as students' browsers make them: from the next quarter hour for
 * one hour, all branches. Everyone opening the finder within a quarter hour asks for the same one.
 */
function finderWindows(count: number) {
  const first = Math.ceil(Date.now() / QUARTER_MS) * QUARTER_MS;
  return Array.from({ length: count }, (_, i) => ({
    startTime: new Date(first + i * QUARTER_MS).toISOString(),
    endTime: new Date(first + i * QUARTER_MS + 60 * 60_000).toISOString(),
  }));
}

export function spaFinder(ctx: BenchContext): Promise<ScenarioResult> {
  const windows = finderWindows(2);
  return againstBareNode(
    ctx,
    {
      id: "spa-finder",
      title: "the SPA's finder, first load (one batch: notifications, mine, branches, seats)",
      notes: { windows: windows.length },
    },
    () => ctx.requests.finder(token(ctx), pick(windows)),
  );
}

/** A seat's dialog: the seat and its busy intervals over tomorrow, for any bookable seat. */
export async function spaSeatDetailOpen(ctx: BenchContext): Promise<ScenarioResult> {
  const from = utcMidnight() + 24 * 3_600_000;
  const day = { from: new Date(from).toISOString(), to: new Date(from + 24 * 3_600_000).toISOString() };
  const seats = ctx.campus.seatIds.slice(0, 200);
  // Recorded once per seat through the SPA's link; only the token differs between students.
  const recorded = await Promise.all(seats.map((seatId) => spaSeatDetail("T", seatId, day.from, day.to)));
  return againstBareNode(
    ctx,
    {
      id: "spa-seat-detail",
      title: "the SPA's seat dialog (one batch: seats.get, seats.availability)",
      notes: { seats: seats.length },
    },
    () => {
      const r = pick(recorded);
      return { ...r, headers: { ...r.headers, authorization: `Bearer ${token(ctx)}` } };
    },
  );
}
