import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIVE_RESERVATION_STATUSES } from "@dlsms/db";
import { sql } from "drizzle-orm";
import { clientRequests } from "./client-requests";
import type { BenchContext, ScenarioResult } from "./context";
import { createBenchDatabase, loadCampus, shapeFor } from "./dataset";
import { doorComparison } from "./doors";
import { type BenchEnv, inheritedEnv } from "./env";
import { startServer } from "./processes";
import { measureSqlCeilings } from "./raw-sql";
import { checkTargets, type Report } from "./report";
import { discoveryGrpc, discoveryRest } from "./scenarios-doors";
import {
  branchesList,
  discoveryCached,
  discoveryUncached,
  myReservations,
  variedWindow,
} from "./scenarios-http";
import { loginUnderLoad, wsFanout } from "./scenarios-live";
import { spaFinder, spaSeatDetailOpen } from "./scenarios-spa";
import { createReservations, hotSeatStorm } from "./scenarios-write";
import { type Campus, mintToken, SlotAllocator } from "./workload";

/** Every request is one a real client sends: the SPA's link, or a typed client's defaults. */
export const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  "spa-finder": spaFinder,
  "spa-seat-detail": spaSeatDetailOpen,
  create: createReservations,
  "discovery-cached": discoveryCached,
  // The same popular windows through the original's two doors, right after tRPC's.
  "discovery-rest": discoveryRest,
  "discovery-grpc": discoveryGrpc,
  "discovery-uncached": discoveryUncached,
  branches: branchesList,
  mine: myReservations,
  storm: hotSeatStorm,
  login: loginUnderLoad,
  "ws-fanout": wsFanout,
};

function parseKv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",").filter(Boolean)) {
    const [k, ...v] = pair.split("=");
    if (k) out[k.trim()] = v.join("=").trim();
  }
  return out;
}

export async function runBench(env: BenchEnv, command: string, log: (l: string) => void): Promise<Report> {
  const selected = env.BENCH_SCENARIOS
    ? env.BENCH_SCENARIOS.split(",").map((s) => s.trim())
    : Object.keys(SCENARIOS);
  for (const id of selected) if (!SCENARIOS[id]) throw new Error(`unknown scenario ${id}`);
  const startedAt = new Date().toISOString();
  const db = await createBenchDatabase(env.DATABASE_URL);
  const tmp = await mkdtemp(join(tmpdir(), "dlsms-bench-run-"));
  try {
    const shape = shapeFor(env.BENCH_SCALE);
    let t = performance.now();
    const handle = await db.open();
    let campusRows: {
      branches: string[];
      seats: number[];
      users: { id: number; studentId: string; name: string }[];
    };
    try {
      await loadCampus(handle, shape, env.BENCH_BCRYPT_COST);
      const active = sql.raw(ACTIVE_RESERVATION_STATUSES.map((s) => `'${s}'`).join(","));
      // postgres.js returns the rows, PGlite a result with .rows.
      const rowsOf = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
      const [count] = rowsOf<{ n: number }>(
        await handle.db.execute(sql`select count(*)::int as n from reservations where status in (${active})`),
      );
      const seconds = ((performance.now() - t) / 1000).toFixed(1);
      log(`data set (${db.kind}): ${JSON.stringify(shape)} loaded in ${seconds} s; ${count?.n} active`);
      campusRows = {
        branches: rowsOf<{ name: string }>(
          await handle.db.execute(sql`select name from branches order by id`),
        ).map((r) => r.name),
        seats: rowsOf<{ id: number }>(
          await handle.db.execute(sql`select id from seats where status = 'ACTIVE' order by id`),
        ).map((r) => Number(r.id)),
        users: rowsOf<{ id: number; student_id: string; name: string }>(
          await handle.db.execute(sql`select id, student_id, name from users order by id`),
        ).map((r) => ({ id: Number(r.id), studentId: r.student_id, name: r.name })),
      };
    } finally {
      await handle.close();
    }
    const slots = new SlotAllocator({ seatIds: campusRows.seats, users: campusRows.users });
    const sqlNeededBy = (ids: readonly string[]) => ({
      discovery: ids.includes("discovery-uncached"),
      mine: ids.includes("mine"),
      insert: ids.includes("create"),
    });
    const measureSql = async (needed: ReturnType<typeof sqlNeededBy>, label: string) => {
      if (!Object.values(needed).some(Boolean)) return undefined;
      const started = performance.now();
      const ceilings = await measureSqlCeilings(
        db,
        {
          pool: env.BENCH_DB_POOL,
          connections: env.BENCH_CONNECTIONS,
          seconds: env.BENCH_SECONDS,
          warmup: env.BENCH_WARMUP_SECONDS,
          ...needed,
        },
        () => variedWindow(campusRows.branches),
        slots,
        campusRows.users.map((u) => u.id),
      );
      log(`raw SQL ceilings ${label} measured in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return ceilings;
    };
    // On Postgres each ceiling is measured right before its scenario: this machine's speed drifts
    // within minutes, and a ceiling measured minutes earlier moved the ratio by ±10 points. PGlite
    // opens its directory in one process at a time, so there they all run before the server starts.
    const ceilingsAdjacent = db.url !== undefined;
    const sqlCeilings = ceilingsAdjacent ? undefined : await measureSql(sqlNeededBy(selected), "(all)");

    const childEnv = inheritedEnv();
    const server = await startServer({
      dbEnv: db.serverEnv,
      redisUrl: env.REDIS_URL,
      base: childEnv,
      poolSize: env.BENCH_DB_POOL,
      bcryptCost: env.BENCH_BCRYPT_COST,
      cpuProfDir: env.BENCH_CPU_PROF_DIR,
      extra: parseKv(env.BENCH_SERVER_ENV),
    });
    const results: ScenarioResult[] = [];
    try {
      const users = await Promise.all(
        campusRows.users.map(async (u) => ({ ...u, token: await mintToken(u, server.jwtSecret) })),
      );
      const campus: Campus = { branchNames: campusRows.branches, seatIds: campusRows.seats, users };
      const requests = await clientRequests();
      const ctx: BenchContext = {
        env,
        server,
        campus,
        slots,
        db,
        childEnv,
        tmp,
        log,
        sql: sqlCeilings,
        requests,
      };
      for (const id of selected) {
        const scenario = SCENARIOS[id];
        if (!scenario) continue;
        if (ceilingsAdjacent) {
          const ceilings = await measureSql(sqlNeededBy([id]), `for ${id}`);
          if (ceilings) ctx.sql = { ...ctx.sql, ...ceilings };
        }
        t = performance.now();
        const result = await scenario(ctx);
        results.push(result);
        const m = result.measurement;
        log(
          `${id}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, errors ${m.errors}` +
            ` (${((performance.now() - t) / 1000).toFixed(0)} s)`,
        );
      }
    } finally {
      await server.stop();
    }
    return {
      startedAt,
      command,
      machine: {
        cpus: cpus().length,
        node: process.version,
        database: db.kind === "postgres" ? "Postgres (fresh database)" : "PGlite (embedded)",
        cache: env.REDIS_URL ? "Redis" : "in-process",
      },
      settings: {
        seconds: env.BENCH_SECONDS,
        warmup: env.BENCH_WARMUP_SECONDS,
        connections: env.BENCH_CONNECTIONS,
        grpcConnections: env.BENCH_GRPC_CONNECTIONS,
        dbPool: env.BENCH_DB_POOL,
        bcryptCost: env.BENCH_BCRYPT_COST,
        scale: env.BENCH_SCALE,
        serverEnv: env.BENCH_SERVER_ENV,
      },
      scenarios: results,
      targets: checkTargets(results),
      doors: doorComparison(results),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await db.destroy({ keep: env.BENCH_KEEP_DATABASE });
    if (env.BENCH_KEEP_DATABASE) log(`kept the bench database: ${db.url ?? db.dataDir}`);
  }
}
