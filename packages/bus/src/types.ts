/** A small key-value cache with TTL. Values are JSON-serialisable. */
export interface Cache {
  readonly kind: "memory" | "redis";
  /** Resolves `undefined` on a miss — and, for Redis, while Redis is unreachable. */
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Atomically increments a counter (used as a version key for invalidation). */
  incr(key: string): Promise<number>;
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
