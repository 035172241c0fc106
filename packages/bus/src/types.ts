/** A small key-value cache with TTL. Values are JSON-serialisable. */
export interface Cache {
  readonly kind: "memory" | "redis";
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Atomically increments a counter (used as a version key for invalidation). */
  incr(key: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type BusHandler = (message: unknown) => void;

/** Pub/sub of JSON messages on named channels. */
export interface Bus {
  readonly kind: "memory" | "redis";
  publish(channel: string, message: unknown): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, handler: BusHandler): () => void;
  /** Live handler count, for leak tests. */
  listenerCount(): number;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
