import type { Cache } from "@dlsms/bus";
import { LRUCache } from "lru-cache";
import { currentVersion, recentVersion } from "./seat-listings";
import { COPY_TTL_MS, perCache, VersionedCopies } from "./versioned-copies";

/**
 * Bookings the database has already refused as "seat taken", remembered under the seats version
 * they were decided at, so a crowd asking again for a slot that is gone is answered without a
 * transaction each. In a rush for a popular seat almost every attempt is such a repeat: the
 * bench's hot-seat storm spent a database round trip (lock the student, count, try the insert)
 * per loser.
 *
 * Why an answer from here is the answer the database would give:
 * - Each fact is a versioned copy (docs/read-models.md): recorded under the seats version read
 *   before the attempt that decided it, and used only while the version is still that one, so
 *   any change acknowledged since (a cancel, a no-show, maintenance, a new booking of this
 *   student) has moved the version and the fact is ignored.
 * - The booking's verdicts come in a fixed order: no such seat, maintenance, the student's
 *   limit, the student's own overlapping reservation, the seat taken. "Seat taken" is reached
 *   only when everything before it passed, so two facts are needed: the seat was taken for that
 *   window (seat fact) and THIS student passed the checks before it for that window (student
 *   fact: under the limit, no reservation of their own overlapping it). Without a write the
 *   first checks cannot start failing: the limit counts upcoming reservations, and time only
 *   lowers that count; overlaps and seat states change only by writes, which move the version.
 * - Only refusals are remembered. A booking that may succeed always goes to the database, which
 *   stays the only judge of who gets a seat.
 */
export interface LostRaces {
  /** The seat's code if this student's attempt is known to lose at `version`, else undefined. */
  knownLoss(version: number, attempt: Attempt): string | undefined;
  /** The database refused the attempt as "seat taken" (every earlier check passed) at `version`. */
  recordSeatTaken(version: number, attempt: Attempt, seatCode: string): void;
  /**
   * Whether any loss on this seat is remembered at all (any window, any version): a cheap
   * first test, so a booking of a seat nobody lost costs no token check or clock read here.
   */
  anyLossOn(seatId: number): boolean;
  /** Answers served from here; for tests and metrics. */
  readonly hits: number;
}

export interface Attempt {
  userId: number;
  seatId: number;
  start: Date;
  end: Date;
}

/** Bounds memory: each entry is a short key and two numbers. */
const MAX_SLOTS = 10_000;
const MAX_STUDENT_WINDOWS = 50_000;

/**
 * Facts are also forgotten after a while, as listing copies are: a last bound should a bump be
 * lost where this process could not see it fail (Cache.version). In a storm it costs one
 * database attempt per student and slot per period.
 */
export const LOST_RACE_TTL_MS = COPY_TTL_MS;

export function createLostRaces(ttlMs = LOST_RACE_TTL_MS): LostRaces {
  const expiresAt = (_: unknown, startedAt: number) => startedAt + ttlMs;
  // The seat's code, kept under the version the slot was found taken at.
  const takenSlots = new VersionedCopies<string, string>({ max: MAX_SLOTS, expiresAt });
  // Kept under the version the student was found to pass every check before "seat taken".
  const clearStudents = new VersionedCopies<string, true>({ max: MAX_STUDENT_WINDOWS, expiresAt });
  const seatsWithLosses = new LRUCache<number, true>({ max: MAX_SLOTS, ttl: ttlMs });
  const window = (a: Attempt) => `${a.start.getTime()}-${a.end.getTime()}`;
  const slotKey = (a: Attempt) => `${a.seatId}@${window(a)}`;
  const studentKey = (a: Attempt) => `${a.userId}@${window(a)}`;
  let hits = 0;
  return {
    knownLoss(version, attempt) {
      const seat = takenSlots.fresh(slotKey(attempt), version);
      if (!seat || !clearStudents.fresh(studentKey(attempt), version)) return undefined;
      hits++;
      return seat.value;
    },
    recordSeatTaken(version, attempt, seatCode) {
      takenSlots.put(slotKey(attempt), version, seatCode);
      seatsWithLosses.set(attempt.seatId, true);
      clearStudents.put(studentKey(attempt), version, true);
    },
    anyLossOn: (seatId) => seatsWithLosses.has(seatId),
    get hits() {
      return hits;
    },
  };
}

/** This process's memo for the given shared cache (two in-process instances in tests keep their own). */
export const lostRacesFor: (cache: Cache) => LostRaces = perCache(() => createLostRaces());

/** What createReservation needs: the memo and the version to read and record facts under. */
export interface LostRacesAt {
  races: LostRaces;
  version: number;
  /**
   * Whether `version` was read after the request arrived. Only then may a remembered loss answer
   * it; an earlier version is still a sound one to record a new loss under (below).
   */
  fresh: boolean;
}

/** Reads the current seats version for this request (after it arrived; coalesced). */
export async function lostRacesNow(cache: Cache): Promise<LostRacesAt> {
  return { races: lostRacesFor(cache), version: await currentVersion(cache), fresh: true };
}

/** How old a version read may be to record a loss under (see lostRacesForBooking). */
const RECENT_VERSION_MS = 1_000;

/**
 * The memo and a version for a booking of `seatId`. When no loss on that seat is remembered there
 * is nothing to answer from, and a version read in the last second is taken as it is to record
 * the attempt's loss under, saving the shared-cache round trip most bookings would wait for
 * (why that is sound: docs/read-models.md, "Known losses record under a recent version").
 */
export async function lostRacesForBooking(cache: Cache, seatId: number): Promise<LostRacesAt> {
  const races = lostRacesFor(cache);
  if (!races.anyLossOn(seatId)) {
    const version = recentVersion(cache, RECENT_VERSION_MS);
    if (version !== undefined) return { races, version, fresh: false };
  }
  return lostRacesNow(cache);
}
