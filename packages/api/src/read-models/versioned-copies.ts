import type { Cache } from "@dlsms/bus";
import { LRUCache } from "lru-cache";

/**
 * The one primitive every read model is built on: this process's copies of something the
 * database answers, each stamped with the version(s) read from the shared cache BEFORE its load
 * started, served only to readers that read the same version(s), and only until it expires.
 * Why that is never staler than the database: docs/read-models.md.
 */

/** How long any copy may serve at most: a last bound should a version bump be lost unseen. */
export const COPY_TTL_MS = 10_000;

/** One version counter, or several read together (a copy depending on all of them). */
export type Version = number | readonly number[];

const parts = (v: Version): readonly number[] => (typeof v === "number" ? [v] : v);

export function sameVersion(a: Version, b: Version): boolean {
  if (typeof a === "number" || typeof b === "number") return a === b;
  const x = parts(a);
  const y = parts(b);
  return x.length === y.length && x.every((n, i) => n === y[i]);
}

/** `a` strictly newer than `b`: no counter behind, one ahead (counters only go up). */
export function newerVersion(a: Version, b: Version): boolean {
  const x = parts(a);
  const y = parts(b);
  return x.length === y.length && x.every((n, i) => n >= (y[i] as number)) && !sameVersion(a, b);
}

export interface VersionedCopy<V> {
  /** The version(s) read before the load started. */
  readonly version: Version;
  readonly value: V;
  /** When the load started (epoch ms, after the version read). */
  readonly startedAt: number;
  /** The copy answers readers arriving before this instant (epoch ms). */
  readonly expiresAt: number;
}

/** Counts one read model's reads: answered from this process's fresh copy (hit) or not (miss). */
export interface CacheReadCounter {
  hit(): void;
  miss(): void;
}

/**
 * Where read models report hits and misses (the server's /metrics, through ApiDeps.observer):
 * a counter per read model, asked for once per observer and copies, so a read costs an increment.
 */
export interface CacheObserver {
  cacheReads?(readModel: string): CacheReadCounter;
}

const UNCOUNTED: CacheReadCounter = { hit: () => undefined, miss: () => undefined };

export interface CopyOptions<V> {
  /** The read model's name in cache metrics (`cache` label); unnamed copies are not counted. */
  name?: string;
  /** Bound by count (keys often come from requests)… */
  max?: number;
  /** …or by size, least recently used out first. */
  maxSize?: number;
  sizeOf?: (copy: VersionedCopy<V>) => number;
  /** When a loaded value stops serving; default startedAt + COPY_TTL_MS. */
  expiresAt?: (value: V, startedAt: number) => number;
}

/**
 * Copies by key, at most one per key (the newest version loaded), with single-flight loads:
 * concurrent misses for the same key and version share one load, which is safe because all of
 * them read that version before it started.
 */
export class VersionedCopies<K extends {}, V> {
  private readonly copies: LRUCache<K, VersionedCopy<V>>;
  private readonly loading = new Map<string, Promise<VersionedCopy<V>>>();
  private readonly expiry: (value: V, startedAt: number) => number;
  private readonly name: string | undefined;
  private readonly counters = new WeakMap<CacheObserver, CacheReadCounter>();

  constructor(options: CopyOptions<V>) {
    this.name = options.name;
    this.copies = new LRUCache<K, VersionedCopy<V>>(
      options.maxSize !== undefined
        ? { maxSize: options.maxSize, sizeCalculation: options.sizeOf ?? (() => 1) }
        : { max: options.max ?? 1_000 },
    );
    this.expiry = options.expiresAt ?? ((_, startedAt) => startedAt + COPY_TTL_MS);
  }

  /** The copy of `key` if it was loaded under `version` and serves a reader arriving at `now`. */
  fresh(key: K, version: Version, now = Date.now()): VersionedCopy<V> | undefined {
    const held = this.copies.get(key);
    return held && sameVersion(held.version, version) && now < held.expiresAt ? held : undefined;
  }

  /** This read model's hit/miss counter in `observer` (resolved on first use), or one counting nothing. */
  counter(observer: CacheObserver | undefined): CacheReadCounter {
    if (!observer?.cacheReads || this.name === undefined) return UNCOUNTED;
    let counter = this.counters.get(observer);
    if (!counter) {
      counter = observer.cacheReads(this.name);
      this.counters.set(observer, counter);
    }
    return counter;
  }

  /** The copy held for `key`, whatever its version or age. */
  held(key: K): VersionedCopy<V> | undefined {
    return this.copies.peek(key);
  }

  /**
   * A fresh copy for a reader that read `version` and arrived at `arrivedAt` (read the version
   * first, then the clock): the held one, or a load shared with concurrent misses. A shared load
   * that started before this reader arrived and has expired by then is not taken; the retry
   * finds no such load (it has finished), so it ends on its next turn. A read served by the held
   * copy counts as a hit in `counter`, any other as one miss.
   */
  async read(
    key: K,
    version: Version,
    load: () => Promise<V>,
    arrivedAt = Date.now(),
    counter = UNCOUNTED,
  ): Promise<V> {
    let result: "hit" | "miss" = "hit";
    for (;;) {
      const held = this.fresh(key, version, arrivedAt);
      if (held) {
        if (result === "hit") counter.hit();
        return held.value;
      }
      if (result === "hit") counter.miss();
      result = "miss";
      const copy = await this.load(key, version, load);
      if (copy.startedAt >= arrivedAt || arrivedAt < copy.expiresAt) return copy.value;
    }
  }

  /** Loads `key` under `version`, or joins the load of it already in progress. */
  load(key: K, version: Version, load: () => Promise<V>): Promise<VersionedCopy<V>> {
    const flight = `${String(key)}\u0000${parts(version).join(".")}`;
    let pending = this.loading.get(flight);
    if (!pending) {
      const startedAt = Date.now();
      pending = load()
        .then((value) => this.put(key, version, value, startedAt))
        .finally(() => this.loading.delete(flight));
      this.loading.set(flight, pending);
    }
    return pending;
  }

  /**
   * Keeps `value` as the copy of `key` loaded under `version` from `startedAt`, unless the held
   * copy is newer (an older load finishing late never replaces a newer copy).
   */
  put(key: K, version: Version, value: V, startedAt = Date.now()): VersionedCopy<V> {
    const copy: VersionedCopy<V> = { version, value, startedAt, expiresAt: this.expiry(value, startedAt) };
    const held = this.copies.peek(key);
    if (!held || !newerVersion(held.version, version)) this.copies.set(key, copy);
    return copy;
  }
}

/**
 * State kept per shared cache (two in-process instances in tests keep their own): the copies
 * are this process's, but they are only as fresh as the cache's version counters.
 */
export function perCache<S>(make: (cache: Cache) => S): (cache: Cache) => S {
  const states = new WeakMap<Cache, S>();
  return (cache) => {
    let state = states.get(cache);
    if (state === undefined) {
      state = make(cache);
      states.set(cache, state);
    }
    return state;
  };
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
 * caller arriving meanwhile shares that next one: one shared-cache round trip per batch of
 * requests instead of per request (see docs/performance-log.md).
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
