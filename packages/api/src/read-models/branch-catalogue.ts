import type { Cache } from "@dlsms/bus";
import { type Database, rowsOf } from "@dlsms/db";
import type { SeatsListInput } from "@dlsms/validators";
import { sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { CATALOG_VERSION_KEY } from "../services/events";
import { loadSchedules } from "../services/opening-hours";
import { type BranchSchedule, isOpenDuring } from "../services/opening-hours-rules";
import { listSeats, resolveWindow } from "../services/seats.service";
import type { SeatView } from "../services/views";
import { busyIndexServes, busySeatIds, busySeatIdsFromDatabase } from "./branch-occupancy";
import { PrerenderedArrayBuilder, type PrerenderedSequence, prerenderedSequence } from "./prerendered-json";
import { type CacheObserver, perCache, VersionedCopies, versionReader } from "./versioned-copies";

/**
 * Seat listings of one branch from a cached catalogue of its seats and the ids of the seats busy
 * during the window. Only availability depends on the window, so having Postgres join seats and
 * branches and the server parse every seat's row again for each window was wasted work (see
 * docs/performance-log.md). Now Postgres
 * sends the busy seat ids (one range scan of the branch's active reservations, as before) and
 * the seats come from this process's copy of the branch's catalogue. Other listings (no branch)
 * stay one SQL statement (listSeats), and a test checks both forms give the same listing.
 *
 * The catalogue (codes, areas, amenities, statuses, and the branch's opening hours and
 * closures) is a versioned copy under the catalog
 * version (docs/read-models.md). A copy confirmed that way is also noted as fresh for the seats
 * version the load was made for, and later loads for that same seats version skip the catalog
 * read (branchCatalogue says why that is safe).
 */
export async function listSeatsFromCatalogue(
  deps: CatalogueDeps,
  input: SeatsListInput,
  rules: BookingRules,
  /** The seats version the listing is made for (branch-occupancy.ts); without one, the database answers. */
  version?: number,
): Promise<SeatView[]> {
  if (!input.branch) return listSeats(deps.db, input, rules);
  const window = resolveWindow(input.startTime, input.endTime, rules);
  const [catalogue, busy] = await Promise.all([
    branchCatalogue(deps, input.branch, version),
    version === undefined
      ? busySeatIdsFromDatabase(deps.db, input.branch, window)
      : busySeatIds(deps, input.branch, window, version),
  ]);
  // Outside the branch's opening hours no seat is available (its schedule is part of the catalogue).
  const open =
    !catalogue.schedule || isOpenDuring(catalogue.schedule, window.from, window.to, rules.libraryTimezone);
  return listingOf(catalogue, open ? busy : catalogue.indexOfSeat.keys(), input);
}

// A seat's place in a listing: left out by a filter, listed free, or listed taken.
const LEFT_OUT = 0;
const FREE = 1;
const TAKEN = 2;

/**
 * The listing of a catalogue's seats given the seats busy in the window, with the filters
 * listSeats applies in SQL, applied the same way (exact matches; unset = any). Seats are marked
 * first, then added a stretch of neighbours at a time, because a Set lookup and an array push
 * per seat were a large share of making a listing (see docs/performance-log.md).
 */
function listingOf(catalogue: Catalogue, busy: Iterable<number>, input: SeatsListInput): SeatView[] {
  const { seats, free, taken, indexOfSeat, unbooked } = catalogue;
  const marks = unbooked.slice();
  for (const seatId of busy) {
    const i = indexOfSeat.get(seatId);
    if (i !== undefined) marks[i] = TAKEN;
  }
  const { area, hasPower, hasMonitor, availableOnly } = input;
  if (area || hasPower !== undefined || hasMonitor !== undefined || availableOnly) {
    for (let i = 0; i < seats.length; i++) {
      const seat = seats[i] as CatalogueSeat;
      if (
        (area && seat.area !== area) ||
        (hasPower !== undefined && seat.hasPower !== hasPower) ||
        (hasMonitor !== undefined && seat.hasMonitor !== hasMonitor) ||
        (availableOnly && marks[i] === TAKEN)
      ) {
        marks[i] = LEFT_OUT;
      }
    }
  }
  const listing = new PrerenderedArrayBuilder<SeatView>();
  for (let from = 0; from < marks.length; ) {
    const mark = marks[from];
    let to = from + 1;
    while (to < marks.length && marks[to] === mark) to++;
    if (mark !== LEFT_OUT) listing.pushRun(mark === FREE ? free : taken, from, to);
    from = to;
  }
  // Frozen, like the entries: listings are shared by every reader of their copy.
  return listing.build() as SeatView[];
}

/**
 * Whether listSeatsFromCatalogue makes this listing at `version` from this process's copies
 * alone (a branch, and its reservations copy loaded under that version), with no database read.
 */
export const listedFromProcessCopies = (cache: Cache, input: SeatsListInput, version: number): boolean =>
  input.branch !== undefined && busyIndexServes(cache, input.branch, version);

type CatalogueSeat = Omit<SeatView, "available">;
type CatalogueDeps = { db: Database; cache: Cache; observer?: CacheObserver | undefined };

/** A branch's seats and their two listing entries each (free, taken), built and rendered once per copy. */
interface Catalogue {
  seats: CatalogueSeat[];
  free: PrerenderedSequence<SeatView>;
  taken: PrerenderedSequence<SeatView>;
  /** Position in `seats` by seat id. */
  indexOfSeat: Map<number, number>;
  /** Each seat's mark when nothing is booked: FREE when ACTIVE, else TAKEN (maintenance). */
  unbooked: Uint8Array;
  /** The branch's opening hours and closures (undefined: no such branch). */
  schedule: BranchSchedule | undefined;
}

/** A copy's value: the catalogue, and the last seats version a catalog read confirmed it for. */
interface CatalogueHeld {
  catalogue: Catalogue;
  /** A seats version read before a catalog read that confirmed this copy (see branchCatalogue). */
  freshForSeats?: number;
}

const stateOf = perCache((cache) => ({
  // Bounded: branch names come from requests.
  copies: new VersionedCopies<string, CatalogueHeld>({ name: "branch-catalogue", max: 1_000 }),
  readVersion: versionReader(cache, CATALOG_VERSION_KEY),
}));

/**
 * The branch's catalogue as fresh as the catalog version read now. With `seatsVersion` (read
 * after the request arrived), a copy confirmed after a read of that same seats version is used
 * without reading the catalog version again, saving a shared-cache round trip per batch of
 * loads; why that is safe: docs/read-models.md ("Catalogue confirmed for a seats version").
 */
async function branchCatalogue(
  deps: CatalogueDeps,
  branch: string,
  seatsVersion: number | undefined,
): Promise<Catalogue> {
  const state = stateOf(deps.cache);
  const counter = state.copies.counter(deps.observer);
  const confirmed = state.copies.held(branch);
  if (
    seatsVersion !== undefined &&
    confirmed?.value.freshForSeats === seatsVersion &&
    confirmed.expiresAt > Date.now()
  ) {
    counter.hit();
    return confirmed.value.catalogue;
  }
  const version = await state.readVersion();
  const fresh = state.copies.fresh(branch, version);
  if (fresh) counter.hit();
  else counter.miss();
  const held =
    fresh ??
    (await state.copies.load(branch, version, () =>
      loadCatalogue(deps.db, branch).then((catalogue) => ({ catalogue })),
    ));
  if (seatsVersion !== undefined) held.value.freshForSeats = seatsVersion;
  return held.value.catalogue;
}

async function loadCatalogue(db: Database, branch: string): Promise<Catalogue> {
  const [schedule] = await loadSchedules(db, { name: branch });
  const seats = rowsOf<CatalogueSeat>(
    await db.execute(sql`select s.id, s.code, b.name as "branch", s.area, s.has_power as "hasPower",
        s.has_monitor as "hasMonitor", s.status
      from seats s join branches b on b.id = s.branch_id
      where b.name = ${branch} and s.status <> 'RETIRED'
      order by s.id`),
  );
  // Listings share these entries (frozen), so a listing costs a reference per seat, and its
  // tRPC answer copies their JSON bytes a stretch of neighbours at a time (trpcResultBytes).
  return {
    seats,
    free: prerenderedSequence(seats.map((seat): SeatView => ({ ...seat, available: true }))),
    taken: prerenderedSequence(seats.map((seat): SeatView => ({ ...seat, available: false }))),
    indexOfSeat: new Map(seats.map((seat, i) => [seat.id, i])),
    unbooked: Uint8Array.from(seats, (seat) => (seat.status === "ACTIVE" ? FREE : TAKEN)),
    schedule,
  };
}
