import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import postgres from "postgres";
import type { BenchDatabase } from "./dataset";
import { type Measurement, runLoops } from "./load";
import type { SlotAllocator } from "./workload";

/** A direct database connection for the raw-SQL ceilings: no server, no ORM, prepared. */
export interface RawSql {
  query(text: string, params: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

export async function openRawSql(db: BenchDatabase, poolSize: number): Promise<RawSql> {
  if (db.url) {
    // The same pool size the server has: the ceiling is "this database, this many connections".
    const client = postgres(db.url, { max: poolSize, prepare: true, onnotice: () => {} });
    return {
      query: (text, params) =>
        client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const client = await PGlite.create(db.dataDir, { extensions: { btree_gist } });
  return {
    query: async (text, params) => (await client.query(text, params)).rows,
    close: () => client.close(),
  };
}

const SEAT_COLUMNS = `s.id, s.code, b.name as branch, s.area, s.has_power, s.has_monitor, s.status`;

/** Availability the gist way: range overlap (&&), answered by the EXCLUDE constraint's index. */
export const GIST_DISCOVERY_SQL = `select ${SEAT_COLUMNS},
  (s.status = 'ACTIVE' and not exists (select 1 from reservations r where r.seat_id = s.id
    and r.status in ('HELD', 'CONFIRMED', 'CHECKED_IN')
    and tstzrange(r.start_time, r.end_time, '[)') && tstzrange($2::timestamptz, $3::timestamptz, '[)'))) as available
  from seats s join branches b on b.id = s.branch_id where b.name = $1 order by s.id`;

/** Availability as the server asks it: plain range predicates a btree index can answer. */
export const BTREE_DISCOVERY_SQL = `select ${SEAT_COLUMNS},
  (s.status = 'ACTIVE' and not exists (select 1 from reservations r where r.seat_id = s.id
    and r.status in ('HELD', 'CONFIRMED', 'CHECKED_IN')
    and r.start_time < $3::timestamptz and r.end_time > $2::timestamptz)) as available
  from seats s join branches b on b.id = s.branch_id where b.name = $1 order by s.id`;

export const INSERT_SQL = `insert into reservations (user_id, seat_id, start_time, end_time, status)
  values ($1, $2, $3, $4, 'CONFIRMED') on conflict do nothing returning *`;

export type WindowGen = () => { branch: string; startTime: string; endTime: string };

export function discoveryCeiling(
  raw: RawSql,
  text: string,
  windows: WindowGen,
  connections: number,
  seconds: number,
): Promise<Measurement> {
  return runLoops(connections, seconds, async () => {
    const w = windows();
    await raw.query(text, [w.branch, w.startTime, w.endTime]);
  });
}

export function insertCeiling(
  raw: RawSql,
  slots: SlotAllocator,
  userIds: number[],
  connections: number,
  seconds: number,
): Promise<Measurement> {
  return runLoops(connections, seconds, async () => {
    const s = slots.next();
    const rows = await raw.query(INSERT_SQL, [userIds[s.userIndex], s.seatId, s.start, s.end]);
    if (rows.length !== 1) throw new Error("raw insert conflicted: the slot allocator is wrong");
  });
}

/**
 * The raw-SQL ceilings of scenarios 1 (uncached) and 4, at the HTTP scenarios' concurrency,
 * with the server's pool size, before the server starts.
 */
export async function measureSqlCeilings(
  db: BenchDatabase,
  opts: { pool: number; connections: number; seconds: number; warmup: number },
  windows: WindowGen,
  slots: SlotAllocator,
  userIds: number[],
) {
  const raw = await openRawSql(db, opts.pool);
  try {
    const discovery = (text: string, seconds: number) =>
      discoveryCeiling(raw, text, windows, opts.connections, seconds);
    if (opts.warmup > 0) await discovery(GIST_DISCOVERY_SQL, opts.warmup);
    const gist = await discovery(GIST_DISCOVERY_SQL, opts.seconds);
    if (opts.warmup > 0) await discovery(BTREE_DISCOVERY_SQL, opts.warmup);
    const btree = await discovery(BTREE_DISCOVERY_SQL, opts.seconds);
    if (opts.warmup > 0) await insertCeiling(raw, slots, userIds, opts.connections, opts.warmup);
    const insert = await insertCeiling(raw, slots, userIds, opts.connections, opts.seconds);
    return { gist, btree, insert };
  } finally {
    await raw.close();
  }
}
