import type { ClientRequests } from "./client-requests";
import type { BenchDatabase } from "./dataset";
import type { BenchEnv } from "./env";
import { type HttpLoad, type Measurement, runHttp } from "./load";
import type { ServerProcess } from "./processes";
import type { Campus, SlotAllocator } from "./workload";

export interface BenchContext {
  env: BenchEnv;
  server: ServerProcess;
  campus: Campus;
  slots: SlotAllocator;
  db: BenchDatabase;
  /** Env handed to child processes (PATH etc.). */
  childEnv: Record<string, string>;
  /** Scratch directory for this run. */
  tmp: string;
  log: (line: string) => void;
  /**
   * Raw-SQL ceilings: on Postgres each measured right before its scenario (the server idle); on
   * PGlite all before the server starts (one process at a time may open its directory).
   */
  sql: SqlCeilings | undefined;
  /** Requests as our real clients make them (the SPA's link, the typed client's defaults). */
  requests: ClientRequests;
}

/** The raw-SQL ceilings a run measured: only those of the scenarios it runs. */
export interface SqlCeilings {
  gist?: Measurement;
  /** The server's own availability query, raw. */
  server?: Measurement;
  mine?: Measurement;
  insert?: Measurement;
}

export interface Ceiling {
  label: string;
  measurement: Measurement;
}

export interface ScenarioResult {
  id: string;
  title: string;
  measurement: Measurement;
  /** The best this machine does for the same work, measured in the same run. */
  ceiling?: Ceiling;
  /** Further ceilings shown for context (e.g. the server's own SQL run raw). */
  alsoMeasured?: Ceiling[];
  /** The reference system's figure for this operation (top of its range). */
  reference?: { label: string; rps: number };
  /** CPU cores the server process used on average while measured (all threads). */
  serverCores?: number;
  /** Another scenario of the same run this one is set beside (its req/s ÷ that one's). */
  comparedWith?: string;
  notes: Record<string, number | string>;
}

/** Warm-up (same load, not recorded), then the measured run with the server's CPU use. */
export async function warmAndMeasure(
  ctx: BenchContext,
  load: Omit<HttpLoad, "url" | "seconds" | "connections"> & {
    connections?: number;
    /** Called between warm-up and measurement (e.g. to switch to fresh slots). */
    onMeasure?: () => void;
  },
): Promise<{ measurement: Measurement; serverCores: number; clientCores: number }> {
  const base = { url: ctx.server.url, connections: load.connections ?? ctx.env.BENCH_CONNECTIONS, ...load };
  if (ctx.env.BENCH_WARMUP_SECONDS > 0) await runHttp({ ...base, seconds: ctx.env.BENCH_WARMUP_SECONDS });
  load.onMeasure?.();
  const cpu0 = ctx.server.cpuSeconds();
  const own0 = process.cpuUsage();
  const measurement = await runHttp({ ...base, seconds: ctx.env.BENCH_SECONDS });
  const serverCores = (ctx.server.cpuSeconds() - cpu0) / measurement.seconds;
  return { measurement, serverCores, clientCores: clientCores(own0, measurement.seconds) };
}

/** CPU cores the bench process (the load generator) used since `since`. */
export function clientCores(since: NodeJS.CpuUsage, seconds: number): number {
  const used = process.cpuUsage(since);
  return Math.round(((used.user + used.system) / 1e6 / seconds) * 100) / 100;
}
