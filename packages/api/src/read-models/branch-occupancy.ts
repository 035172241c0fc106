import type { Cache } from "@dlsms/bus";
import { type Database, MAX_RESERVATION_HOURS, rowsOf } from "@dlsms/db";
import { sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { ACTIVE_SQL } from "../services/reservation-queries";
import { busySeatsOfBranch } from "../services/seats.service";
import { type CacheObserver, perCache, VersionedCopies } from "./versioned-copies";

/**
 * Which seats of a branch are busy during a window, answered from this process's copy of the
 * branch's active reservations when that copy was loaded under the seats version the listing is
 * being made for, else by the database (busySeatsOfBranch).
 *
 * Why: once listings were prerendered, the database round trip for each new window's busy
 * seats — the query, its bytes both ways and its result rows — was the largest cost left on the
 * server (see docs/performance-log.md). A branch's active reservations change only when a
 * change bumps the seats version, so between changes every window can be answered from one copy.
 *
 * The copy is a versioned copy under the seats version the listing is made for
 * (docs/read-models.md).
 *
 * When versions move (bookings), loading a copy for each would cost more than the queries it
 * saves: a copy is loaded only once RELOAD_AFTER listings at one version went to the database.
 */
export async function busySeatIds(
  deps: { db: Database; cache: Cache; observer?: CacheObserver | undefined },
  branch: string,
  window: { from: Date; to: Date },
  version: number,
): Promise<Set<number>> {
  const { copies } = stateOf(deps.cache);
  const counter = copies.counter(deps.observer);
  const copy = copies.fresh(branch, version);
  if (copy) {
    counter.hit();
    return busyIn(copy.value, window);
  }
  counter.miss();
  noteDatabaseRead(deps, branch, version);
  return busySeatIdsFromDatabase(deps.db, branch, window);
}

/** The seats of the branch that an active reservation holds during the window (busySeatsOfBranch). */
export async function busySeatIdsFromDatabase(
  db: Database,
  branch: string,
  window: { from: Date; to: Date },
): Promise<Set<number>> {
  const rows = rowsOf<{ seat_id: number }>(await db.execute(busySeatsOfBranch(branch, window)));
  return new Set(rows.map((r) => Number(r.seat_id)));
}

/** Listings at one version answered by the database before a copy is loaded for that version. */
export const RELOAD_AFTER = 8;

/** A branch's active reservations in start order, times in epoch microseconds (Postgres' precision). */
interface BranchIndex {
  starts: Float64Array;
  ends: Float64Array;
  seatIds: Int32Array;
}

/** How the database reads of a branch went since its copy last moved. */
interface BranchReads {
  loading: boolean;
  /** The version the database reads were counted at, and how many there were. */
  readsAt: number;
  reads: number;
}

// Bounded like the catalogue copies (branch-catalogue.ts): branch names come from requests.
const stateOf = perCache(() => ({
  copies: new VersionedCopies<string, BranchIndex>({ name: "branch-occupancy", max: 1_000 }),
  reads: new LRUCache<string, BranchReads>({ max: 1_000 }),
}));

function noteDatabaseRead(deps: { db: Database; cache: Cache }, branch: string, version: number): void {
  const { copies, reads } = stateOf(deps.cache);
  let state = reads.get(branch);
  if (!state) {
    state = { loading: false, readsAt: -1, reads: 0 };
    reads.set(branch, state);
  }
  if (state.readsAt !== version) {
    state.readsAt = version;
    state.reads = 0;
  }
  state.reads += 1;
  if (state.reads < RELOAD_AFTER || state.loading) return;
  state.loading = true;
  const loading = state;
  // Never awaited by a request: the listings meanwhile go to the database, which is always right.
  copies
    .load(branch, version, () => loadIndex(deps.db, branch))
    .catch(() => undefined)
    .finally(() => {
      loading.loading = false;
    });
}

async function loadIndex(db: Database, branch: string): Promise<BranchIndex> {
  const rows = rowsOf<{ seat_id: number; s: string; e: string }>(
    await db.execute(sql`select r.seat_id,
        (extract(epoch from r.start_time) * 1000000)::bigint::text as s,
        (extract(epoch from r.end_time) * 1000000)::bigint::text as e
      from reservations r
      where r.branch_id = (select id from branches where name = ${branch}) and r.status in (${ACTIVE_SQL})
      order by r.start_time`),
  );
  const copy: BranchIndex = {
    starts: new Float64Array(rows.length),
    ends: new Float64Array(rows.length),
    seatIds: new Int32Array(rows.length),
  };
  rows.forEach((row, i) => {
    copy.starts[i] = Number(row.s);
    copy.ends[i] = Number(row.e);
    copy.seatIds[i] = Number(row.seat_id);
  });
  return copy;
}

const LONGEST_US = MAX_RESERVATION_HOURS * 3_600_000_000;

/**
 * busySeatsOfBranch over the copy: reservations that started after `from` minus the longest
 * allowed reservation and before `to`, and end after `from` (half-open overlap).
 */
function busyIn(copy: BranchIndex, window: { from: Date; to: Date }): Set<number> {
  const from = window.from.getTime() * 1000;
  const to = window.to.getTime() * 1000;
  const earliest = from - LONGEST_US;
  // First reservation starting after `earliest` (binary search over start order).
  let lo = 0;
  let hi = copy.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((copy.starts[mid] as number) > earliest) hi = mid;
    else lo = mid + 1;
  }
  const busy = new Set<number>();
  for (let i = lo; i < copy.starts.length && (copy.starts[i] as number) < to; i++) {
    if ((copy.ends[i] as number) > from) busy.add(copy.seatIds[i] as number);
  }
  return busy;
}

/** Whether busySeatIds answers the branch at `version` from this process's copy, without the database. */
export function busyIndexServes(cache: Cache, branch: string, version: number): boolean {
  return stateOf(cache).copies.fresh(branch, version) !== undefined;
}

/** The seats version this process's copy of a branch's reservations was loaded under, if any. */
export function busyIndexVersion(cache: Cache, branch: string): number | undefined {
  return stateOf(cache).copies.held(branch)?.version as number | undefined;
}
