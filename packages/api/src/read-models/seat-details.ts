import type { Cache } from "@dlsms/bus";
import { ACTIVE_RESERVATION_STATUSES, branches, type Database, reservations, seats } from "@dlsms/db";
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound } from "../errors";
import { CATALOG_VERSION_KEY } from "../services/events";
import { loadSchedules } from "../services/opening-hours";
import { type BranchSchedule, isOpenDuring } from "../services/opening-hours-rules";
import { resolveWindow, type Window } from "../services/seats.service";
import { type BusyInterval, iso, type SeatView } from "../services/views";
import { addMinutes, libraryDay } from "../time";
import { currentVersion } from "./seat-listings";
import { type CacheObserver, perCache, VersionedCopies, versionReader } from "./versioned-copies";

/**
 * A seat's dialog (`seats.get`, `seats.availability`) from this process's copy of the seat: its
 * catalogue row, its branch's opening hours and its active reservations, a versioned copy under
 * [seats version, catalog version] (docs/read-models.md). Every change to a reservation bumps the
 * seats version and every catalogue or hours change the catalog version, so a copy tagged with
 * the versions a reader read holds everything that reader can have seen acknowledged. The
 * answers are what seats.service's getSeat/seatAvailability compute in SQL; a test compares them.
 */

type Deps = { db: Database; cache: Cache; observer?: CacheObserver | undefined };

interface Hold {
  start: number;
  end: number;
  userId: number;
  /** Epoch ms while its holder is AWAY on a break; null otherwise. */
  awayUntil: number | null;
}

interface SeatCopy {
  /** Null: no such seat, or retired (out of the catalogue, as the SQL form says). */
  seat: Omit<SeatView, "available"> | null;
  schedule: BranchSchedule | undefined;
  /** Its active reservations in start order (epoch ms). */
  holds: readonly Hold[];
}

const stateOf = perCache((cache) => ({
  copies: new VersionedCopies<number, SeatCopy>({ name: "seat-details", max: 20_000 }),
  readCatalogVersion: versionReader(cache, CATALOG_VERSION_KEY),
}));

/** The copy of the seat for a reader arriving now: fresh for the versions it read, or loaded. */
async function seatCopy(
  deps: Deps,
  seatId: number,
): Promise<SeatCopy & { seat: Omit<SeatView, "available"> }> {
  const state = stateOf(deps.cache);
  // The versions first, then the clock (VersionedCopies.read).
  const version = await Promise.all([currentVersion(deps.cache), state.readCatalogVersion()]);
  const copy = await state.copies.read(
    seatId,
    version,
    () => load(deps.db, seatId),
    Date.now(),
    state.copies.counter(deps.observer),
  );
  if (!copy.seat) throw new NotFound(`Seat ${seatId} does not exist`);
  return copy as SeatCopy & { seat: Omit<SeatView, "available"> };
}

const overlapping = (copy: SeatCopy, window: Window) => {
  const from = window.from.getTime();
  const to = window.to.getTime();
  return copy.holds.filter((h) => h.start < to && h.end > from);
};

/** Bookable for the whole window: the seat is in service, its branch open and nobody holds it. */
function availableIn(copy: SeatCopy & { seat: { status: string } }, window: Window, rules: BookingRules) {
  const open = !copy.schedule || isOpenDuring(copy.schedule, window.from, window.to, rules.libraryTimezone);
  return open && copy.seat.status === "ACTIVE" && overlapping(copy, window).length === 0;
}

/** Other students' identities are never exposed: only the interval and whether it is yours. */
const busyIn = (copy: SeatCopy, window: Window, viewerId: number): BusyInterval[] =>
  overlapping(copy, window).map((h) => ({
    startTime: iso(new Date(h.start)),
    endTime: iso(new Date(h.end)),
    mine: h.userId === viewerId,
    ...(h.awayUntil === null ? {} : { awayUntil: iso(new Date(h.awayUntil)) }),
  }));

/** `seats.get`: the seat, its availability now → +1 h, and the busy intervals of today (library time). */
export async function readSeat(deps: Deps, id: number, viewerId: number, rules: BookingRules) {
  const copy = await seatCopy(deps, id);
  const now = new Date();
  const day = libraryDay(now, rules.libraryTimezone);
  return {
    ...copy.seat,
    available: availableIn(copy, { from: now, to: addMinutes(now, 60) }, rules),
    day: { from: iso(day.from), to: iso(day.to) },
    busy: busyIn(copy, day, viewerId),
  };
}

/** `seats.availability`: is the seat free for the window, and what holds it then. */
export async function readSeatAvailability(
  deps: Deps,
  input: { seatId: number; from: string; to: string },
  viewerId: number,
  rules: BookingRules,
) {
  const window = resolveWindow(input.from, input.to, rules, ["from", "to"]);
  const copy = await seatCopy(deps, input.seatId);
  return {
    seatId: copy.seat.id,
    from: iso(window.from),
    to: iso(window.to),
    available: availableIn(copy, window, rules),
    busy: busyIn(copy, window, viewerId),
  };
}

async function load(db: Database, seatId: number): Promise<SeatCopy> {
  const [row] = await db
    .select({
      id: seats.id,
      code: seats.code,
      branch: branches.name,
      area: seats.area,
      hasPower: seats.hasPower,
      hasMonitor: seats.hasMonitor,
      status: seats.status,
      branchId: seats.branchId,
    })
    .from(seats)
    .innerJoin(branches, eq(branches.id, seats.branchId))
    .where(and(eq(seats.id, seatId), ne(seats.status, "RETIRED")));
  if (!row) return { seat: null, schedule: undefined, holds: [] };
  const [held, schedules] = await Promise.all([
    db
      .select({
        start: reservations.startTime,
        end: reservations.endTime,
        userId: reservations.userId,
        status: reservations.status,
        awayUntil: reservations.awayUntil,
      })
      .from(reservations)
      .where(
        and(eq(reservations.seatId, seatId), inArray(reservations.status, [...ACTIVE_RESERVATION_STATUSES])),
      )
      .orderBy(asc(reservations.startTime)),
    loadSchedules(db, { ids: [row.branchId] }),
  ]);
  const { branchId: _, ...seat } = row;
  return {
    seat: Object.freeze(seat),
    schedule: schedules[0],
    holds: Object.freeze(
      held.map((h) => ({
        start: h.start.getTime(),
        end: h.end.getTime(),
        userId: h.userId,
        awayUntil: h.status === "AWAY" && h.awayUntil ? h.awayUntil.getTime() : null,
      })),
    ),
  };
}
