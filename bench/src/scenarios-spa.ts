import { type ClientRequest, spaSeatDetail } from "./client-requests";
import { type BenchContext, type ScenarioResult, warmAndMeasure } from "./context";
import { bareCeiling, token } from "./scenarios-http";
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

export async function spaFinder(ctx: BenchContext): Promise<ScenarioResult> {
  const windows = finderWindows(2);
  const { measurement, serverCores, clientCores } = await warmAndMeasure(ctx, {
    next: () => ctx.requests.finder(token(ctx), pick(windows)),
  });
  const ceiling = await bareCeiling(
    ctx,
    ctx.requests.finder(token(ctx), windows[0] as (typeof windows)[0]),
    "finder",
  );
  return {
    id: "spa-finder",
    title: "the SPA's finder, first load (one batch: notifications, mine, branches, seats)",
    measurement,
    serverCores,
    ceiling: { label: "bare node:http, same bytes", measurement: ceiling.measurement },
    notes: { responseBytes: ceiling.bytes, windows: windows.length, clientCores },
  };
}

/** A seat's dialog: the seat and its busy intervals over tomorrow, for any bookable seat. */
export async function spaSeatDetailOpen(ctx: BenchContext): Promise<ScenarioResult> {
  const from = utcMidnight() + 24 * 3_600_000;
  const day = { from: new Date(from).toISOString(), to: new Date(from + 24 * 3_600_000).toISOString() };
  const seats = ctx.campus.seatIds.slice(0, 200);
  // Recorded once per seat through the SPA's link; only the token differs between students.
  const recorded = new Map<number, ClientRequest>(
    await Promise.all(
      seats.map(async (seatId) => [seatId, await spaSeatDetail("T", seatId, day.from, day.to)] as const),
    ),
  );
  const request = (seatId: number): ClientRequest => {
    const r = recorded.get(seatId) as ClientRequest;
    return { ...r, headers: { ...r.headers, authorization: `Bearer ${token(ctx)}` } };
  };
  const { measurement, serverCores, clientCores } = await warmAndMeasure(ctx, {
    next: () => request(pick(seats)),
  });
  const ceiling = await bareCeiling(ctx, request(seats[0] as number), "seat-detail");
  return {
    id: "spa-seat-detail",
    title: "the SPA's seat dialog (one batch: seats.get, seats.availability)",
    measurement,
    serverCores,
    ceiling: { label: "bare node:http, same bytes", measurement: ceiling.measurement },
    notes: { responseBytes: ceiling.bytes, seats: seats.length, clientCores },
  };
}
