import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as bookingTables from "./schema";
import * as recordTables from "./schema-records";

const schema = { ...bookingTables, ...recordTables };
export type Schema = typeof schema;
/** Either driver's database, or a transaction on it: service functions take this. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema>;

export type DatabaseKind = "postgres" | "pglite";

export interface DbHandle {
  db: Database;
  kind: DatabaseKind;
  /** Where the data lives, safe to log (no password). */
  location: string;
  /**
   * Runs fn while holding a cluster-wide lock (a Postgres session advisory lock), so several
   * instances starting at once migrate and seed once. On Postgres fn gets a database on the one
   * extra connection that holds the lock, so work under it never waits for the pool (a pool of
   * one would wait on itself). PGlite has one client: no lock needed, fn gets `db`.
   */
  withExclusiveLock<T>(key: number, fn: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL. When absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; "memory://" for a throwaway in-memory database. */
  dataDir?: string;
  poolSize?: number;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable url)";
  }
}

/**
 * drizzle's postgres-js driver sends every query unprepared (`prepare: false` unless the
 * query was built with `.prepare(name)`), so Postgres plans the same hot statements on every
 * call: planning cost more than executing `reservations.mine` on the bench data. This wraps
 * the client (and the clients of its transactions and savepoints) so postgres.js prepares and
 * caches each distinct statement per connection. Our SQL is parameterised, so the set of
 * distinct statements stays small.
 */
function alwaysPrepared<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  const wrapScope =
    (open: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const body = args.pop() as (inner: postgres.TransactionSql) => unknown;
      return open(...args, (inner: postgres.TransactionSql) => body(alwaysPrepared(inner)));
    };
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "unsafe") {
        return (query: string, params?: unknown[], options?: object) =>
          value.call(target, query, params, { ...options, prepare: true });
      }
      if (prop === "begin" || prop === "savepoint") return wrapScope(value.bind(target));
      return value;
    },
  });
}

const overPostgres = (client: postgres.Sql) =>
  drizzlePostgres({ client: alwaysPrepared(client), schema }) as unknown as Database;

export async function createDatabase(options: DatabaseOptions): Promise<DbHandle> {
  const { databaseUrl } = options;
  if (databaseUrl) {
    const connect = (max: number) =>
      postgres(databaseUrl, { max, onnotice: () => {}, connection: { application_name: "dlsms" } });
    const client = connect(options.poolSize ?? 10);
    return {
      db: overPostgres(client),
      kind: "postgres",
      location: redactUrl(databaseUrl),
      async withExclusiveLock(key, fn) {
        // A pool of one connection: everything under the lock runs on the session that holds it.
        const own = connect(1);
        try {
          await own`select pg_advisory_lock(${key})`;
          const result = await fn(overPostgres(own));
          await own`select pg_advisory_unlock(${key})`;
          return result;
        } finally {
          // Ending the session also drops the lock when fn failed.
          await own.end({ timeout: 5 });
        }
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir ?? "./.data";
  const client = await PGlite.create(dataDir === "memory://" ? undefined : dataDir, {
    extensions: { btree_gist },
  });
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    location: dataDir,
    withExclusiveLock: (_key, fn) => fn(db),
    close: () => client.close(),
  };
}
