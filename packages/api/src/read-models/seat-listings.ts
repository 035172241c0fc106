import type { Cache } from "@dlsms/bus";
import type { SeatsListInput } from "@dlsms/validators";
import { SEATS_VERSION_KEY } from "../services/events";

/** Short TTL: bounds how far "free now" can drift as time passes without any change. */
export const LISTING_TTL_SECONDS = 10;

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
 * Read-through cache for seat and branch listings, keyed under the current seats version.
 * Every committed change bumps the version BEFORE its request answers (Effects.flush), so no
 * reader that starts after a booking was acknowledged can get a listing from before it.
 * A cache outage reads as a miss (the Cache implementations degrade), so this falls back to
 * the database.
 */
export async function cachedListing<T>(
  cache: Cache,
  key: string,
  load: ListingLoad<T>,
  isLocal?: LocalLoadCheck,
): Promise<T> {
  return (await listingCopy(cache, key, load, isLocal)).value as T;
}

/** This process's fresh copy of the listing under the current version: local, shared, or loaded. */
async function listingCopy(
  cache: Cache,
  key: string,
  load: ListingLoad<unknown>,
  isLocal: LocalLoadCheck | undefined,
): Promise<LocalCopy> {
  const version = await currentVersion(cache);
  const versionedKey = `${key}:v${version}`;
  const now = Date.now();
  // Fetching and JSON-parsing the listing from the shared cache on every read costs far more
  // than reusing this process's copy (see docs/performance-log.md). The version read above
  // still goes to the shared cache for every request, so a change anywhere is seen at once;
  // only the listing itself is reused, and never past the expiry the shared entry was written
  // with.
  const { copies: memo, loading } = stateOf(cache);
  const mine = memo.get(versionedKey);
  if (mine && mine.expiresAt > now) {
    shareOnce(cache, versionedKey, mine);
    return mine;
  }
  // Concurrent misses for the same versioned key share one fetch: after a booking bumps the
  // version, every reader of a popular window would otherwise run the same query at once.
  // Sharing is safe because all of them read this version, and the fetch starts after that.
  const pending = loading.get(versionedKey);
  if (pending) return pending;
  const shared = isLocal?.(version) !== true;
  const fetching = fetchCopy(cache, memo, versionedKey, now, shared, () => load(version)).finally(() =>
    loading.delete(versionedKey),
  );
  loading.set(versionedKey, fetching);
  return fetching;
}

async function fetchCopy(
  cache: Cache,
  memo: Map<string, LocalCopy>,
  versionedKey: string,
  now: number,
  askShared: boolean,
  load: () => Promise<unknown>,
): Promise<LocalCopy> {
  const hit = askShared ? await cache.get<Envelope<unknown>>(versionedKey) : undefined;
  if (hit !== undefined && typeof hit.expiresAt === "number" && hit.expiresAt > now) {
    return remember(memo, versionedKey, { value: frozen(hit.value), expiresAt: hit.expiresAt, shared: true });
  }
  const value = frozen(await load());
  return remember(memo, versionedKey, { value, expiresAt: now + LISTING_TTL_SECONDS * 1000, shared: false });
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
 * first: varied windows are mostly asked once, and serialising and storing each of those costs
 * CPU for entries nobody reads again (see docs/performance-log.md).
 * Popular windows are shared at once on their second read; another instance that misses in
 * the meantime reads the database, which is always correct. Never awaited: the shared copy
 * is an optimisation for others, and the Cache implementations already swallow outages.
 */
function shareOnce(cache: Cache, versionedKey: string, copy: LocalCopy): void {
  if (copy.shared) return;
  copy.shared = true;
  const ttlSeconds = Math.ceil((copy.expiresAt - Date.now()) / 1000);
  if (ttlSeconds <= 0) return;
  const entry: Envelope<unknown> = { value: copy.value, expiresAt: copy.expiresAt };
  cache.set(versionedKey, entry, ttlSeconds).catch(() => undefined);
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
): Promise<Buffer> {
  const copy = await listingCopy(cache, key, load, isLocal);
  copy.answers ??= new Map();
  const kept = copy.answers.get(format.name);
  if (kept) return kept;
  const bytes = format.render(copy.value as T);
  copy.answers.set(format.name, bytes);
  return bytes;
}

/** What the shared cache holds: the listing and when it stops being fresh (epoch ms). */
interface Envelope<T> {
  value: T;
  expiresAt: number;
}

/** This process's copy of a listing, and its serialised answer once one was asked for. */
interface LocalCopy extends Envelope<unknown> {
  /** Whether the shared cache has (or is being sent) this entry. */
  shared: boolean;
  /** Rendered answers by format name (ListingFormat). */
  answers?: Map<string, Buffer>;
}

/**
 * What this process keeps per cache (two in-process instances in tests keep their own): copies
 * of listings by versioned key, loads in progress, and the shared seats-version reader.
 */
interface CacheState {
  copies: Map<string, LocalCopy>;
  loading: Map<string, Promise<LocalCopy>>;
  readVersion: () => Promise<number>;
  /** The last seats version a read returned, and when that read was sent (epoch ms). */
  lastRead?: { version: number; sentAt: number };
}

const states = new WeakMap<Cache, CacheState>();
const MAX_LOCAL_COPIES = 256;

function stateOf(cache: Cache): CacheState {
  let state = states.get(cache);
  if (!state) {
    const read = versionReader(cache, SEATS_VERSION_KEY);
    const created: CacheState = {
      copies: new Map(),
      loading: new Map(),
      readVersion: async () => {
        const sentAt = Date.now();
        const version = await read();
        if (!created.lastRead || created.lastRead.sentAt <= sentAt) created.lastRead = { version, sentAt };
        return version;
      },
    };
    state = created;
    states.set(cache, state);
  }
  return state;
}

function remember(memo: Map<string, LocalCopy>, key: string, entry: LocalCopy): LocalCopy {
  memo.delete(key);
  memo.set(key, entry);
  // Varied windows make many one-off keys: drop the oldest so the map stays small.
  if (memo.size > MAX_LOCAL_COPIES) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
  return entry;
}

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

/**
 * A coalesced reader of the version counter at `key`, as the shared cache holds it now. While the
 * cache cannot vouch for a version (unreachable, refusing writes, a bump not landed), each read
 * gets one nobody has stored anything under (Cache.version), so every read goes to the database.
 */
export function versionReader(cache: Cache, key: string): () => Promise<number> {
  return coalescedRead(() => cache.version(key));
}

/**
 * Shares one read among the requests that want it, without ever answering a request with a
 * read that was SENT before the request arrived (which could predate a change the requester
 * already saw acknowledged). A read goes out in the event loop's check phase (setImmediate),
 * after the poll phase has handed this process every request that was waiting on its sockets,
 * so all of those share it; while one read is out, the next waits for it to return, and every
 * caller arriving meanwhile shares that next one. Under load that is one shared-cache round trip
 * per batch of requests instead of per request. (Sending at once, the first caller's read left
 * the rest of the same poll phase waiting for another round trip, and each read's socket write
 * is costly; see docs/performance-log.md.)
 */
export function coalescedRead<T>(fetch: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<unknown> | undefined;
  let gathering: Promise<T> | undefined;
  const send = (): Promise<T> => {
    gathering = undefined;
    const sent = fetch();
    // Settles (never rejects) once the read is back, success or not.
    const back: Promise<void> = sent.then(forget, forget).then(() => {
      if (inFlight === back) inFlight = undefined;
    });
    inFlight = back;
    return sent;
  };
  return () => {
    if (!gathering) {
      const before = inFlight;
      gathering = (before ? before.then(nextCheckPhase) : nextCheckPhase()).then(send);
    }
    return gathering;
  };
}

const forget = (): void => undefined;
const nextCheckPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
