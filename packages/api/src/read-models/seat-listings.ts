import type { Cache } from "@dlsms/bus";
import type { SeatsListInput } from "@dlsms/validators";
import { SEATS_VERSION_KEY } from "../services/events";
import {
  type CacheObserver,
  COPY_TTL_MS,
  perCache,
  VersionedCopies,
  type VersionedCopy,
  versionReader,
} from "./versioned-copies";

/** Short TTL: bounds how far "free now" can drift as time passes without any change. */
export const LISTING_TTL_SECONDS = COPY_TTL_MS / 1000;

/** The listing cache's keys; the procedures and the cached-read fast path must agree on them. */
export const seatsListingKey = (filters: SeatsListInput): string => `seats:list:${JSON.stringify(filters)}`;
export const BRANCHES_LISTING_KEY = "branches:list";

/** What loads a listing on a miss; `version` is the seats version the copy will be kept under. */
export type ListingLoad<T> = (version: number) => Promise<T>;

/**
 * Whether loading the listing at `version` needs nothing outside this process (its own fresh
 * copies). The shared cache is then not asked for it: a round trip there, plus parsing the
 * listing on a hit, costs more than making it, and one-off windows are almost never stored there
 * anyway (see docs/performance-log.md).
 */
export type LocalLoadCheck = (version: number) => boolean;

/**
 * Read-through copies of seat and branch listings under the current seats version
 * (docs/read-models.md). A shared-cache outage reads as a miss (the Cache implementations
 * degrade), so this falls back to the database.
 */
export async function cachedListing<T>(
  cache: Cache,
  key: string,
  load: ListingLoad<T>,
  isLocal?: LocalLoadCheck,
  observer?: CacheObserver,
): Promise<T> {
  return (await listingCopy(cache, key, load, isLocal, observer)).rows as T;
}

/** This process's fresh copy of the listing under the current version: local, shared, or loaded. */
async function listingCopy(
  cache: Cache,
  key: string,
  load: ListingLoad<unknown>,
  isLocal: LocalLoadCheck | undefined,
  observer: CacheObserver | undefined,
): Promise<Listing> {
  const version = await currentVersion(cache);
  const { copies } = stateOf(cache);
  const counter = copies.counter(observer);
  // Reusing this process's copy costs far less than fetching and parsing the shared one on every
  // read (see docs/performance-log.md); the version read above still goes to the shared cache.
  const mine = copies.fresh(key, version);
  if (mine) {
    counter.hit();
    shareOnce(cache, key, version, mine);
    return mine.value;
  }
  // A miss here may still be answered by another instance's copy in the shared cache.
  counter.miss();
  const askShared = isLocal?.(version) !== true;
  const copy = await copies.load(key, version, () =>
    fetchListing(cache, `${key}:v${version}`, askShared, load, version),
  );
  return copy.value;
}

/** The shared cache's copy if it has a fresh one (and may be asked), else a load. */
async function fetchListing(
  cache: Cache,
  versionedKey: string,
  askShared: boolean,
  load: ListingLoad<unknown>,
  version: number,
): Promise<Listing> {
  const now = Date.now();
  const hit = askShared ? await cache.get<Envelope<unknown>>(versionedKey) : undefined;
  if (hit !== undefined && typeof hit.expiresAt === "number" && hit.expiresAt > now) {
    return { rows: frozen(hit.value), expiresAt: hit.expiresAt, shared: true };
  }
  return { rows: frozen(await load(version)), expiresAt: now + LISTING_TTL_SECONDS * 1000, shared: false };
}

/**
 * Every reader of a copy gets the same rows: frozen, a caller that mutates them fails loudly
 * instead of changing other readers' answers, and transports may render a copy once.
 */
function frozen(value: unknown): unknown {
  if (!Array.isArray(value) || Object.isFrozen(value)) return value;
  for (const row of value) if (typeof row === "object" && row !== null) Object.freeze(row);
  return Object.freeze(value);
}

/**
 * A listing goes to the shared cache the second time this process is asked for it, not the
 * first: varied windows are mostly asked once, and storing each of those costs CPU for entries
 * nobody reads again (see docs/performance-log.md). Another instance that misses meanwhile
 * reads the database, which is always correct. Never awaited: the shared copy is an
 * optimisation for others, and the Cache implementations already swallow outages.
 */
function shareOnce(cache: Cache, key: string, version: number, copy: VersionedCopy<Listing>): void {
  const listing = copy.value;
  if (listing.shared) return;
  listing.shared = true;
  const ttlSeconds = Math.ceil((copy.expiresAt - Date.now()) / 1000);
  if (ttlSeconds <= 0) return;
  const entry: Envelope<unknown> = { value: listing.rows, expiresAt: copy.expiresAt };
  cache.set(`${key}:v${version}`, entry, ttlSeconds).catch(() => undefined);
}

/** A transport's rendering of a listing (its envelope, field names), made once per listing copy. */
export interface ListingFormat<T> {
  name: string;
  render(listing: T): Buffer;
}

/**
 * The answer bytes for a listing in a transport's format, rendered once per copy, so repeated
 * reads of a popular window cost a version read and a map lookup, not a serialisation. A miss
 * loads the listing as cachedListing does.
 */
export async function cachedListingAnswer<T>(
  cache: Cache,
  key: string,
  load: ListingLoad<T>,
  format: ListingFormat<T>,
  isLocal?: LocalLoadCheck,
  observer?: CacheObserver,
): Promise<Buffer> {
  const listing = await listingCopy(cache, key, load, isLocal, observer);
  listing.answers ??= new Map();
  const kept = listing.answers.get(format.name);
  if (kept) return kept;
  const bytes = format.render(listing.rows as T);
  listing.answers.set(format.name, bytes);
  return bytes;
}

/** What the shared cache holds: the listing and when it stops being fresh (epoch ms). */
interface Envelope<T> {
  value: T;
  expiresAt: number;
}

/** A listing copy's value: the rows, and what was done with them since. */
interface Listing {
  rows: unknown;
  /** When the shared entry it came from stops being fresh, or now + TTL for a load (epoch ms). */
  expiresAt: number;
  /** Whether the shared cache has (or is being sent) this entry. */
  shared: boolean;
  /** Rendered answers by format name (ListingFormat). */
  answers?: Map<string, Buffer>;
}

/** What this process keeps per cache: listing copies, and the shared seats-version reader. */
interface ListingState {
  copies: VersionedCopies<string, Listing>;
  readVersion: () => Promise<number>;
  /** The last seats version a read returned, and when that read was sent (epoch ms). */
  lastRead?: { version: number; sentAt: number };
}

/** Varied windows make many one-off keys: the oldest go first. */
const MAX_LOCAL_COPIES = 256;

const stateOf = perCache((cache): ListingState => {
  const read = versionReader(cache, SEATS_VERSION_KEY);
  const state: ListingState = {
    // Never past the expiry the shared entry was written with.
    copies: new VersionedCopies({
      name: "seat-listings",
      max: MAX_LOCAL_COPIES,
      expiresAt: (listing) => listing.expiresAt,
    }),
    readVersion: async () => {
      const sentAt = Date.now();
      const version = await read();
      if (!state.lastRead || state.lastRead.sentAt <= sentAt) state.lastRead = { version, sentAt };
      return version;
    },
  };
  return state;
});

/**
 * The seats version as the shared cache holds it now. While the cache cannot vouch for it (an
 * outage, writes refused, a bump not landed) it is a new one each read (Cache.version), so every
 * read goes to the database instead of trusting an entry that an invalidation may not have reached.
 */
export function currentVersion(cache: Cache): Promise<number> {
  return stateOf(cache).readVersion();
}

/**
 * The seats version this process last read, if that read was sent at most `maxAgeMs` ago; else
 * undefined. It is older than the version now, never newer: good for recording what was seen
 * at or after it (known-losses.ts), never for deciding that nothing changed since.
 */
export function recentVersion(cache: Cache, maxAgeMs: number): number | undefined {
  const last = stateOf(cache).lastRead;
  return last && Date.now() - last.sentAt <= maxAgeMs ? last.version : undefined;
}
