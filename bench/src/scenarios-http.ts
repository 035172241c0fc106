import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClientRequest } from "./client-requests";
import { type BenchContext, type ScenarioResult, warmAndMeasure } from "./context";
import { runHttp } from "./load";
import { startCeiling } from "./processes";
import { libraryWindow, nextBooking, pick } from "./workload";

export const REFERENCE = {
  discovery: { label: "Seat Discovery 250–300 req/s", rps: 300 },
  branches: { label: "Branches (cached) 400–500 req/s", rps: 500 },
  mine: { label: "User Reservations 150–200 req/s", rps: 200 },
  create: { label: "Create Reservation 80–100 req/s", rps: 100 },
};

/** A handful of windows everyone asks for (the next library slots of the first branches). */
export function popularRequests(ctx: BenchContext) {
  return [0, 1, 2, 3].map((k) => ({
    branch: ctx.campus.branchNames[k % ctx.campus.branchNames.length] as string,
    ...libraryWindow(1, k % 7),
  }));
}

/** A different window almost every time: any branch, any quarter hour of the next 13 days. */
export function variedWindow(branchNames: string[]) {
  const dayMs = 24 * 3_600_000;
  const quarter = Math.floor(Math.random() * 13 * 96);
  const start = Date.now() - (Date.now() % dayMs) + dayMs + quarter * 15 * 60_000;
  const minutes = 30 + 15 * Math.floor(Math.random() * 12);
  return {
    branch: pick(branchNames),
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + minutes * 60_000).toISOString(),
  };
}

/** Fetches the real answer once, then measures a bare node:http server serving those bytes. */
async function bareCeiling(ctx: BenchContext, request: ClientRequest, label: string) {
  const { path } = request;
  const res = await fetch(`${ctx.server.url}${path}`, { headers: request.headers });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const file = join(ctx.tmp, `ceiling-${label}.json`);
  await writeFile(file, bytes);
  const ceiling = await startCeiling(ctx.childEnv, file);
  try {
    const load = {
      url: ceiling.url,
      connections: ctx.env.BENCH_CONNECTIONS,
      next: () => ({ method: "GET" as const, path }),
    };
    if (ctx.env.BENCH_WARMUP_SECONDS > 0) await runHttp({ ...load, seconds: ctx.env.BENCH_WARMUP_SECONDS });
    const measurement = await runHttp({ ...load, seconds: ctx.env.BENCH_SECONDS });
    return { measurement, bytes: bytes.length };
  } finally {
    await ceiling.stop();
  }
}

export const token = (ctx: BenchContext) => pick(ctx.campus.users).token;

/** A read measured against a bare node:http server answering the same bytes, in the same run. */
export async function againstBareNode(
  ctx: BenchContext,
  scenario: Pick<ScenarioResult, "id" | "title" | "reference"> & { notes?: ScenarioResult["notes"] },
  next: () => ClientRequest,
): Promise<ScenarioResult> {
  const { measurement, serverCores, clientCores } = await warmAndMeasure(ctx, { next });
  const ceiling = await bareCeiling(ctx, next(), scenario.id);
  return {
    ...scenario,
    measurement,
    serverCores,
    ceiling: { label: "bare node:http, same bytes", measurement: ceiling.measurement },
    notes: { responseBytes: ceiling.bytes, ...scenario.notes, clientCores },
  };
}

export function discoveryCached(ctx: BenchContext): Promise<ScenarioResult> {
  const windows = popularRequests(ctx);
  return againstBareNode(
    ctx,
    {
      id: "discovery-cached",
      title: "seats.list from the typed client (httpBatchLink defaults), popular windows",
      reference: REFERENCE.discovery,
      notes: { windows: windows.length },
    },
    () => ctx.requests.seats(token(ctx), pick(windows)),
  );
}

export async function discoveryUncached(ctx: BenchContext): Promise<ScenarioResult> {
  const { measurement, serverCores } = await warmAndMeasure(ctx, {
    next: () => ctx.requests.seats(token(ctx), variedWindow(ctx.campus.branchNames)),
  });
  return {
    id: "discovery-uncached",
    title: "seats.list from the typed client, varied windows (cache misses)",
    measurement,
    serverCores,
    ...(ctx.sql?.gist && ctx.sql.server
      ? {
          ceiling: { label: "raw gist (&&) query, same concurrency", measurement: ctx.sql.gist },
          alsoMeasured: [{ label: "the server's query, raw", measurement: ctx.sql.server }],
        }
      : {}),
    reference: REFERENCE.discovery,
    notes: {},
  };
}

export function branchesList(ctx: BenchContext): Promise<ScenarioResult> {
  return againstBareNode(
    ctx,
    { id: "branches", title: "branches.list from the typed client", reference: REFERENCE.branches },
    () => ctx.requests.branches(token(ctx)),
  );
}

export async function myReservations(ctx: BenchContext): Promise<ScenarioResult> {
  const mine = () => ctx.requests.mine(token(ctx));
  const { measurement, serverCores } = await warmAndMeasure(ctx, { next: mine });
  // The same reads while 8 connections book (random students, non-conflicting slots): each
  // booking retires its own student's cached copy only, so this shows what the per-student
  // versions keep under write traffic.
  const bookingConnections = 8;
  const [readsDuringBookings, bookings] = await Promise.all([
    runHttp({
      url: ctx.server.url,
      connections: Math.max(1, ctx.env.BENCH_CONNECTIONS - bookingConnections),
      seconds: ctx.env.BENCH_SECONDS,
      next: mine,
    }),
    runHttp({
      url: ctx.server.url,
      connections: bookingConnections,
      seconds: ctx.env.BENCH_SECONDS,
      next: () => nextBooking(ctx.campus, ctx.slots, ctx.requests),
    }),
  ]);
  return {
    id: "mine",
    title: "reservations.mine (upcoming) from the typed client, many students",
    measurement,
    serverCores,
    alsoMeasured: [
      {
        label: `the same reads on ${ctx.env.BENCH_CONNECTIONS - bookingConnections} connections while ${bookingConnections} book (${Math.round(bookings.rps)} bookings/s, ${bookings.errors} errors)`,
        measurement: readsDuringBookings,
      },
      // Not a ratio target (the goal is absolute), but it shows what the database allows here.
      ...(ctx.sql?.mine
        ? [{ label: "raw query + JSON of its rows, same concurrency", measurement: ctx.sql.mine }]
        : []),
    ],
    reference: REFERENCE.mine,
    notes: { students: ctx.campus.users.length },
  };
}
