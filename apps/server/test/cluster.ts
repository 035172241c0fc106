import { randomBytes } from "node:crypto";
import type { AppRouter } from "@dlsms/api";
import { createBackends } from "@dlsms/bus";
import { createDatabase, type DbHandle } from "@dlsms/db";
import { createTestDatabase, testEnv as dbTestEnv, type TestDatabase } from "@dlsms/db/testing";
import { createTRPCClient, createWSClient, httpLink, wsLink } from "@trpc/client";
import { pino } from "pino";
import WebSocket from "ws";
import { createDlsmsServer, type DlsmsServer } from "../src/server";
import { testEnv } from "./helpers";

export interface Instance {
  server: DlsmsServer;
  http(token?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  /** A WebSocket tRPC client; close it when done. */
  ws(token: string): { client: ReturnType<typeof createTRPCClient<AppRouter>>; close(): void };
}

export interface Cluster {
  database: TestDatabase;
  instances: Instance[];
  /** Whether the instances share a real Redis (REDIS_URL set), else one in-process bus. */
  redis: boolean;
  stop(): Promise<void>;
}

function clientsFor(server: DlsmsServer): Omit<Instance, "server"> {
  return {
    http: (token) =>
      createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${server.url}/trpc`,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      }),
    ws(token) {
      const wsClient = createWSClient({
        url: `${server.url.replace("http", "ws")}/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: { token },
      });
      return {
        client: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] }),
        close: () => wsClient.close(),
      };
    },
  };
}

/**
 * N server instances on port 0 sharing one database: on real Postgres each has its own pool
 * and, with REDIS_URL, its own Redis connections (a unique namespace per cluster keeps parallel
 * test files apart) — a real scale-out. Without them, they share the PGlite handle and one
 * in-process bus, which is the most the embedded mode can model.
 */
export async function startCluster(count: number, overrides: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabase({ poolSize: 10 });
  const redisUrl = overrides.REDIS_URL ?? dbTestEnv.REDIS_URL;
  const namespace = `test-${randomBytes(4).toString("hex")}`;
  const shared = redisUrl ? undefined : createBackends({});
  const handles: DbHandle[] = [];
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const db = database.url ? await createDatabase({ databaseUrl: database.url, poolSize: 10 }) : database;
    if (db !== database) handles.push(db);
    const server = await createDlsmsServer({
      env: testEnv({
        ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_NAMESPACE: namespace } : {}),
        ...overrides,
      }),
      logger: pino({ level: "silent" }),
      database: db,
      backends: shared,
      shutdownGraceMs: 50,
    });
    instances.push({ server, ...clientsFor(server) });
  }
  return {
    database,
    instances,
    redis: Boolean(redisUrl),
    async stop() {
      for (const inst of instances) await inst.server.close();
      await shared?.close();
      for (const h of handles) await h.close();
      await database.destroy();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const login = async (inst: Instance, studentId: string) =>
  (await inst.http().auth.login.mutate({ studentId, password: "password123" })).token;
