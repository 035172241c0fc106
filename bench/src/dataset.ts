import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type DbHandle, migrateAndSeed } from "@dlsms/db";
import bcrypt from "bcryptjs";
import { sql } from "drizzle-orm";
import postgres from "postgres";

export const BENCH_PASSWORD = "bench-password-123";

export interface Shape {
  branches: number;
  seatsPerBranch: number;
  students: number;
  reservations: number;
  waitlist: number;
}

/** Scale 1 is the campus: 20 × 250 seats, 2,000 students, 200,000 reservations. */
export function shapeFor(scale: number): Shape {
  return {
    branches: 20,
    seatsPerBranch: Math.max(5, Math.round(250 * scale)),
    students: Math.max(40, Math.round(2_000 * scale)),
    reservations: Math.round(200_000 * scale),
    waitlist: Math.round(1_000 * scale),
  };
}

/** A database made for this run only: never the CI/test database named by DATABASE_URL. */
export interface BenchDatabase {
  kind: "postgres" | "pglite";
  /** What the server process gets: DATABASE_URL or DATA_DIR. */
  serverEnv: Record<string, string>;
  url: string | undefined;
  dataDir: string | undefined;
  open(poolSize?: number): Promise<DbHandle>;
  /** Drops the database (or data dir) unless `keep`; always lets go of its connections. */
  destroy(options?: { keep?: boolean }): Promise<void>;
}

export async function createBenchDatabase(baseUrl: string | undefined): Promise<BenchDatabase> {
  if (!baseUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), "dlsms-bench-"));
    return {
      kind: "pglite",
      serverEnv: { DATA_DIR: dataDir },
      url: undefined,
      dataDir,
      open: () => createDatabase({ dataDir }),
      destroy: async (options) => {
        if (!options?.keep) await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `dlsms_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    kind: "postgres",
    serverEnv: { DATABASE_URL: url.toString() },
    url: url.toString(),
    dataDir: undefined,
    open: (poolSize) => createDatabase({ databaseUrl: url.toString(), poolSize: poolSize ?? 4 }),
    async destroy(options) {
      if (!options?.keep) await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** The smallest stride coprime with n: j ↦ j·stride mod n is then a permutation. */
function coprimeStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return [7, 11, 13, 17, 19, 23].find((s) => gcd(s, n) === 1) ?? 1;
}

/** Library day grid of the data set: 7 two-hour slots 08:00–22:00 (UTC), days −15 … +14. */
export const DAY_SLOTS = 7;
export const DAYS_BACK = 15;
export const DAYS = 30;

/**
 * Loads the campus with set-based SQL (generate_series), a few seconds even at 200,000 rows.
 * Reservation i sits in grid slot t = i mod 210 at row j = i div 210; seat and student are
 * permutations of j for a fixed t, so no two active reservations share a seat or a student
 * at the same time: the EXCLUDE constraints hold by construction.
 */
export async function loadCampus(handle: DbHandle, shape: Shape, bcryptCost: number): Promise<void> {
  await migrateAndSeed(handle, false);
  // One hash for everyone: 2,000 hashes at cost 10 would take minutes.
  const hash = await bcrypt.hash(BENCH_PASSWORD, bcryptCost);
  if (!/^[$./A-Za-z0-9]+$/.test(hash)) throw new Error("unexpected bcrypt hash alphabet");
  const nSeats = shape.branches * shape.seatsPerBranch;
  const slots = DAY_SLOTS * DAYS;
  // Student of (t, j) is j + t·perSlot: consecutive per slot, and every student gets the same share.
  const perSlot = Math.ceil(shape.reservations / slots);
  if (perSlot > Math.min(nSeats, shape.students)) {
    throw new Error("data set shape cannot respect the EXCLUDE constraints");
  }
  const stride = coprimeStride(nSeats);
  const run = (text: string) => handle.db.execute(sql.raw(text));
  await run(`
    insert into branches (name, code)
    select format('Campus Library %s', lpad(b::text, 2, '0')), format('C%s', lpad(b::text, 2, '0'))
    from generate_series(1, ${shape.branches}) b`);
  await run(`
    insert into seats (code, branch_id, area, has_power, has_monitor, status)
    select format('C%s-%s', lpad(b.id::text, 2, '0'), lpad(n::text, 3, '0')), b.id,
      (array['Silent', 'Group', 'Quiet', 'Carrel'])[1 + n % 4], n % 2 = 0, n % 5 = 0,
      case when n % 100 = 99 then 'MAINTENANCE' else 'ACTIVE' end
    from branches b, generate_series(1, ${shape.seatsPerBranch}) n
    order by b.id, n`);
  await run(`
    insert into users (student_id, password_hash, name, role)
    select format('B%s', lpad(u::text, 6, '0')), '${hash}', format('Bench Student %s', u), 'student'
    from generate_series(1, ${shape.students}) u`);
  await run(`
    with s as (select id, (row_number() over (order by id) - 1)::int as idx from seats),
    u as (select id, (row_number() over (order by id) - 1)::int as idx from users),
    g as (
      select i, i % ${slots} as t, i / ${slots} as j,
        date_trunc('day', now()) + ((i % ${slots}) / ${DAY_SLOTS} - ${DAYS_BACK}) * interval '1 day'
          + interval '8 hours' + ((i % ${slots}) % ${DAY_SLOTS}) * interval '2 hours' as st,
        (60 + (i % 3) * 30) * interval '1 minute' as dur
      from generate_series(0, ${shape.reservations - 1}) i
    )
    insert into reservations (user_id, seat_id, start_time, end_time, status, checked_in_at, created_at)
    select u.id, s.id, g.st, g.st + g.dur,
      case
        when g.st + g.dur <= now() then (case g.i % 10 when 0 then 'NO_SHOW' when 1 then 'CANCELLED' else 'COMPLETED' end)
        when g.st <= now() then 'CHECKED_IN'
        else (case g.i % 10 when 1 then 'CANCELLED' else 'CONFIRMED' end)
      end,
      case when g.st <= now() and (g.st + g.dur > now() or g.i % 10 > 1) then g.st end,
      g.st - interval '2 days'
    from g
    join s on s.idx = (g.j * ${stride} + g.t * 11) % ${nSeats}
    join u on u.idx = (g.j + g.t * ${perSlot}) % ${shape.students}`);
  // Some students wait for a seat (even ids) or any seat of a branch (odd ids), days ahead.
  await run(`
    insert into waitlist (user_id, seat_id, branch_id, has_power, desired_start, desired_end, status, created_at)
    select (w * 13) % ${shape.students} + 1,
      case when w % 2 = 0 then (w * 37) % ${nSeats} + 1 end,
      case when w % 2 = 1 then w % ${shape.branches} + 1 end,
      case when w % 2 = 1 and w % 3 = 0 then true end,
      date_trunc('day', now()) + (1 + w % 13) * interval '1 day' + interval '10 hours',
      date_trunc('day', now()) + (1 + w % 13) * interval '1 day' + interval '12 hours',
      'WAITING', now() - w * interval '1 second'
    from generate_series(1, ${shape.waitlist}) w`);
  // Fresh statistics (and, on Postgres, a visibility map for index-only scans).
  await run(handle.kind === "postgres" ? "vacuum analyze" : "analyze");
}
