import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase, type DbHandle } from "../client";
import { migrateAndSeed } from "../migrate";
import { testEnv } from "./env";

export { testEnv };

export interface TestDatabase extends DbHandle {
  /** postgres:// URL of this test's own database, when running against real Postgres. */
  url: string | undefined;
  /** Closes the handle and drops the throwaway database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated and seeded database for one test file: on real Postgres a new database
 * (created from DATABASE_URL, dropped on destroy) so files never see each other's rows; else an
 * in-memory PGlite.
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const seed = { adminPassword: "admin-password", bcryptCost: 4 };
  const baseUrl = testEnv.DATABASE_URL;
  if (!baseUrl) {
    const handle = await createDatabase({ dataDir: "memory://" });
    await migrateAndSeed(handle, seed);
    return { ...handle, url: undefined, destroy: () => handle.close() };
  }
  const name = `dlsms_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ databaseUrl: url.toString(), poolSize: options.poolSize ?? 20 });
  await migrateAndSeed(handle, seed);
  return {
    ...handle,
    url: url.toString(),
    async destroy() {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
