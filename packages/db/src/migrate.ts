import { fileURLToPath } from "node:url";
import type { MigrationConfig } from "drizzle-orm/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { DbHandle } from "./client";
import { type SeedOptions, seedSampleData } from "./seed";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../drizzle", import.meta.url));

/** Any constant: it names the lock that serialises migrate+seed across server instances. */
const MIGRATION_LOCK_KEY = 7_272_021;

/**
 * Runs the same drizzle-kit migrations on either driver, then seeds the sample data when the
 * database is empty.
 */
export async function migrateAndSeed(
  handle: DbHandle,
  seed: SeedOptions | false,
): Promise<{ seeded: boolean }> {
  const config: MigrationConfig = { migrationsFolder: MIGRATIONS_FOLDER };
  return handle.withExclusiveLock(MIGRATION_LOCK_KEY, async (db) => {
    if (handle.kind === "pglite") {
      await migratePglite(db as unknown as PgliteDatabase, config);
    } else {
      await migratePostgres(db as unknown as PostgresJsDatabase, config);
    }
    return { seeded: seed ? await seedSampleData(db, seed) : false };
  });
}
