import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import postgres from "postgres";
import type { SqlCeilings } from "./context";
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

/**
 * Availability as the server asks it (seats.service.ts busyInBranch): one range scan of the
 * branch's active reservations in start order, bounded by the longest allowed reservation (24 h).
 */
export const SERVER_DISCOVERY_SQL = `select ${SEAT_COLUMNS},
  (s.status = 'ACTIVE' and busy.seat_id is null) as available
  from seats s join branches b on b.id = s.branch_id
  left join (select distinct r.seat_id from reservations r
    where r.branch_id = (select id from branches where name = $1)
      and r.status in ('HELD', 'CONFIRMED', 'CHECKED_IN')
      and r.start_time > $2::timestamptz - interval '24 hours' and r.start_time < $3::timestamptz
      and r.end_time > $2::timestamptz) busy on busy.seat_id = s.id
  where b.name = $1 order by s.id`;

export const INSERT_SQL = `insert into reservations (user_id, seat_id, start_time, end_time, status)
  values ($1, $2, $3, $4, 'CONFIRMED') on conflict do nothing returning *`;

const ISO = (expr: string) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** reservations.mine (upcoming) as the server asks it (reservation-queries.ts), default rules. */
export const MINE_SQL = `select r.id, r.seat_id as "seatId", r.user_id as "userId",
  ${ISO("r.start_time")} as "startTime", ${ISO("r.end_time")} as "endTime", r.status,
  ${ISO("r.checked_in_at")} as "checkedInAt", ${ISO("r.expires_at")} as "expiresAt",
  ${ISO("r.created_at")} as "createdAt",
  ${ISO("r.start_time - 15 * interval '1 minute'")} as "checkInOpensAt",
  ${ISO("r.start_time + 15 * interval '1 minute'")} as "checkInClosesAt",
  s.code as "seatCode", b.name as branch, s.area, s.has_power as "hasPower", s.has_monitor as "hasMonitor"
  from reservations r join seats s on s.id = r.seat_id join branches b on b.id = s.branch_id
  where r.user_id = $1 and r.status in ('HELD', 'CONFIRMED', 'CHECKED_IN') and r.end_time > $2::timestamptz
  order by r.start_time asc limit 500`;

/** The database's share of scenario 3: the query, and the JSON any server must make of it. */
export function mineCeiling(
  raw: RawSql,
  userIds: number[],
  connections: number,
  seconds: number,
): Promise<Measurement> {
  return runLoops(connections, seconds, async () => {
    const userId = userIds[Math.floor(Math.random() * userIds.length)];
    const rows = await raw.query(MINE_SQL, [userId, new Date().toISOString()]);
    JSON.stringify({ result: { data: rows } });
  });
}

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
 * The raw-SQL ceilings of scenarios 1 (uncached), 3 and 4 — those the run needs — at the HTTP
 * scenarios' concurrency, with the server's pool size, before the server starts.
 */
export async function measureSqlCeilings(
  db: BenchDatabase,
  opts: {
    pool: number;
    connections: number;
    seconds: number;
    warmup: number;
    discovery: boolean;
    mine: boolean;
    insert: boolean;
  },
  windows: WindowGen,
  slots: SlotAllocator,
  userIds: number[],
): Promise<SqlCeilings> {
  const raw = await openRawSql(db, opts.pool);
  try {
    const ceilings: SqlCeilings = {};
    const measured = async (run: (seconds: number) => Promise<Measurement>) => {
      if (opts.warmup > 0) await run(opts.warmup);
      return run(opts.seconds);
    };
    const discovery = (text: string) => (seconds: number) =>
      discoveryCeiling(raw, text, windows, opts.connections, seconds);
    const inserts = (seconds: number) => insertCeiling(raw, slots, userIds, opts.connections, seconds);
    if (opts.discovery) {
      // Fresh statistics first, as autovacuum gives a running database: the server's start-up
      // sweep updates ~1,900 reservations (no-shows, completions, reminders) after the data
      // set's ANALYZE, and with the older statistics the planner sometimes ran the gist query
      // as one hashed subplan over every branch's reservations in the window (16–19 ms a query
      // instead of ~1.2 ms; 142–163 req/s instead of 560–1,000).
      await raw.query(db.url ? "vacuum analyze reservations" : "analyze reservations", []);
      ceilings.gist = await measured(discovery(GIST_DISCOVERY_SQL));
      ceilings.server = await measured(discovery(SERVER_DISCOVERY_SQL));
    }
    if (opts.mine) {
      ceilings.mine = await measured((seconds) => mineCeiling(raw, userIds, opts.connections, seconds));
    }
    if (opts.insert) {
      // The ceiling's rows are not the data set's: left in place they would give every student
      // ~50 more upcoming reservations for the scenarios to count and list than the ceiling saw.
      const [before] = (await raw.query("select coalesce(max(id), 0)::int as id from reservations", [])) as {
        id: number;
      }[];
      ceilings.insert = await measured(inserts);
      await raw.query("delete from reservations where id > $1", [before?.id ?? 0]);
      await raw.query(db.url ? "vacuum analyze reservations" : "analyze reservations", []);
    }
    return ceilings;
  } finally {
    await raw.close();
  }
}
