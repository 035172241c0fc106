import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Database } from "./client";

const dialect = new PgDialect();

/**
 * Runs `statements` in order in one transaction and returns each one's rows. On Postgres the
 * whole transaction — BEGIN, the statements, COMMIT — goes out in ONE write on a reserved
 * connection (postgres.js pipelines a connection's queries), so it costs one round trip where
 * `db.transaction` costs one per await (BEGIN, the work, COMMIT): under load each round trip
 * is a wait for a CPU, and the connection is held throughout.
 *
 * Pipelining changes nothing about isolation: Postgres still executes the statements one after
 * the other, and under READ COMMITTED each takes its snapshot only when it starts. If one fails,
 * the rest fail with "transaction aborted" and COMMIT ends it as a rollback; the first error is
 * thrown. Statements must therefore not depend on each other's results in JS — only in SQL.
 * PGlite (one in-process connection, no round trips) runs them in an ordinary transaction.
 */
export async function transactionInOneTrip(db: Database, statements: SQL[]): Promise<unknown[][]> {
  const client = (db as { $client?: unknown }).$client as postgres.Sql | undefined;
  if (typeof client?.reserve !== "function") {
    return db.transaction(async (tx) => {
      const results: unknown[][] = [];
      for (const statement of statements) results.push(rowsOf(await tx.execute(statement)));
      return results;
    });
  }
  const connection = await client.reserve();
  try {
    const run = (statement: SQL) => {
      const query = dialect.sqlToQuery(statement);
      return connection.unsafe(query.sql, query.params as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      });
    };
    const sent = [connection.unsafe("begin"), ...statements.map(run), connection.unsafe("commit")];
    const settled = await Promise.allSettled(sent);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) {
      // COMMIT after a failed statement already rolled back; this only makes sure no
      // transaction outlives us on a connection that goes back to the pool.
      await connection.unsafe("rollback").catch(() => undefined);
      throw failure.reason;
    }
    return settled.slice(1, -1).map((r) => rowsOf((r as PromiseFulfilledResult<unknown>).value));
  } finally {
    connection.release();
  }
}

/** drizzle's execute returns an array (postgres.js) or `{ rows }` (PGlite). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
