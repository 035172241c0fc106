/** A small key-value cache with TTL. Values are JSON-serialisable. */
export interface Cache {
  readonly kind: "memory" | "redis";
  /** Resolves `undefined` on a miss — and, for Redis, while Redis is unreachable. */
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /**
   * Atomically increments a version counter (what copies kept in memory are stamped with), and
   * never rejects. Counters never go backwards, not even on a Redis restarted empty. A bump that
   * could not land is retried, and reads of that counter give unknown versions meanwhile.
   */
  incr(key: string): Promise<number>;
  /**
   * The counter at `key` as the cache holds it now, created when missing. When the cache cannot
   * vouch for it (unreachable, refusing writes, a bump of this process still pending), a new
   * number below zero instead, equal to no version anything was stored under.
   */
  version(key: string): Promise<number>;
  /** Whether the cache takes writes now (for Redis: and every failed bump has landed since). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type BusHandler = (message: unknown) => void;

/**
 * Returned by `Bus.subscribe`: call it to unsubscribe (idempotent). `ready` resolves `true` once
 * the transport confirmed the subscription (so a caller can "subscribe, then read the database,
 * then de-duplicate" without a gap), or `false` when it could not (Redis down: delivery resumes by
 * itself when Redis returns). It never rejects.
 */
export interface Subscription {
  (): void;
  readonly ready: Promise<boolean>;
}

/** Pub/sub of JSON messages on named channels. */
export interface Bus {
  readonly kind: "memory" | "redis";
  /** Never throws because the transport is down: the event is then lost (consumers replay). */
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: BusHandler): Subscription;
  /** Live local handler count, for leak tests. */
  listenerCount(): number;
  /** Channels subscribed on the transport (for Redis: the count Redis last reported), for leak tests. */
  subscribedChannelCount(): number;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The slice of a pino logger this package uses. */
export interface BusLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}
