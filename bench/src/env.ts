import { z } from "zod";

/**
 * The ONE place in bench/ that reads process.env. Everything the harness can be told comes
 * from here, parsed once; a bad value stops the run with the variable's name.
 */
const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

const schema = z.object({
  /** Real Postgres for the bench: a FRESH database is created next to this URL's and dropped after. */
  DATABASE_URL: z
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// URL")
    .optional(),
  REDIS_URL: z
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), "must be a redis:// URL")
    .optional(),
  /** Measured seconds per scenario (warm-up is separate). */
  BENCH_SECONDS: z.coerce.number().positive().default(10),
  BENCH_WARMUP_SECONDS: z.coerce.number().min(0).default(3),
  BENCH_CONNECTIONS: int(1, 64),
  /** HTTP/2 connections the gRPC scenario spreads its BENCH_CONNECTIONS in-flight calls over. */
  BENCH_GRPC_CONNECTIONS: int(1, 4),
  /** Comma-separated scenario ids to run (default: all), e.g. "discovery-cached,branches". */
  BENCH_SCENARIOS: z.string().optional(),
  /** Data set scale: 1 = 20 branches × 250 seats, 2,000 students, 200,000 reservations. */
  BENCH_SCALE: z.coerce.number().positive().max(1).default(1),
  BENCH_WS_SUBSCRIBERS: int(1, 1_000),
  BENCH_WS_BOOKINGS: int(1, 20),
  /** Write a V8 CPU profile of the server process (node --cpu-prof) into this directory. */
  BENCH_CPU_PROF_DIR: z.string().min(1).optional(),
  /** Where latest.json / latest.md / chart.svg go (default bench/results). */
  BENCH_RESULTS_DIR: z.string().min(1).optional(),
  /** The server's database pool (its DB_POOL_SIZE); the raw-SQL ceilings use the same pool. */
  BENCH_DB_POOL: int(1, 10),
  BENCH_BCRYPT_COST: int(4, 10),
  /** Extra env for the server process, "K=V,K=V" (e.g. to compare settings). */
  BENCH_SERVER_ENV: z.string().default(""),
  /** Keep the bench database (Postgres) or data dir (PGlite) afterwards, to look at its plans. */
  BENCH_KEEP_DATABASE: z.stringbool().default(false),
});

export type BenchEnv = z.infer<typeof schema>;

/** `overrides` win over the environment (the smoke test pins its own small settings). */
export function loadBenchEnv(
  overrides: Record<string, string | undefined> = {},
  source: NodeJS.ProcessEnv = process.env,
): BenchEnv {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...source, ...overrides })) {
    if (value !== undefined && value.trim() !== "") cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.map(String).join(".")}: ${i.message}`);
  throw new Error(`Invalid bench environment:\n${lines.join("\n")}`);
}

/** The server child's environment is the bench's own, minus what we set explicitly. */
export function inheritedEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = source[key];
    if (value) out[key] = value;
  }
  return out;
}

/** The bare node:http ceiling process (ceiling-server.ts) is told its port and body here. */
export function loadCeilingEnv(source: NodeJS.ProcessEnv = process.env) {
  return z
    .object({
      CEILING_PORT: z.coerce.number().int().min(1).max(65_535),
      CEILING_BODY_FILE: z.string().min(1),
    })
    .parse(source);
}
