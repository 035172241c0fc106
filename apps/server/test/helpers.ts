import type { AppRouter } from "@dlsms/api";
import { createTestDatabase, type TestDatabase } from "@dlsms/db/testing";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { pino } from "pino";
import { type Env, loadEnv } from "../src/env";
import { createDlsmsServer, type DlsmsServer } from "../src/server";

// Our own: `@dlsms/api/testing` is not in that package's exports map.
export const TEST_JWT_SECRET = "server-test-secret-server-test-secret";

/** Env for an in-test server: a free port on loopback, fast bcrypt, no gRPC, quiet logs. */
export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_COST: "4",
    GRPC_PORT: "off",
    LOG_LEVEL: "silent",
    // Every request here comes from 127.0.0.1: the per-IP login limit would throttle the suite.
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: "100000",
    REGISTRATIONS_PER_IP_PER_HOUR: "100000",
    ...overrides,
  });
}

export interface TestServer {
  server: DlsmsServer;
  database: TestDatabase;
  url: string;
  client(token?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  stop(): Promise<void>;
}

/** A real HTTP server on port 0 over a fresh test database (PGlite, or Postgres with DATABASE_URL). */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  // 20 connections so the race tests really run concurrently on Postgres.
  const database = await createTestDatabase({ poolSize: 20 });
  const server = await createDlsmsServer({
    env: testEnv(overrides),
    logger: pino({ level: "silent" }),
    database,
    shutdownGraceMs: 50,
  });
  return {
    server,
    database,
    url: server.url,
    client: (token) =>
      createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${server.url}/trpc`,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      }),
    async stop() {
      await server.close();
      await database.destroy();
    },
  };
}

/** The tRPC error code of a failed call (e.g. "CONFLICT"), or "OK" when it succeeded. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string } | undefined;
      return data?.code ?? `HTTP_${String((error.meta?.response as Response | undefined)?.status)}`;
    }
    throw error;
  }
}

/** Tomorrow at hh:mm UTC: always in the booking window (not past, < 14 days ahead). */
export function tomorrowAt(hours: number, minutes = 0): Date {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hours, minutes, 0, 0);
  return d;
}

export const addMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

/** Registers `count` fresh students over HTTP and returns their tokens. */
export async function registerStudents(ts: TestServer, prefix: string, count: number): Promise<string[]> {
  const anon = ts.client();
  const tokens: string[] = [];
  // Sequential: registration is not what is under test, and bcrypt is CPU-bound anyway.
  for (let i = 0; i < count; i++) {
    const { token } = await anon.auth.register.mutate({
      studentId: `${prefix}${String(i).padStart(3, "0")}`,
      password: "password123",
      name: `Racer ${i}`,
    });
    tokens.push(token);
  }
  return tokens;
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: await res.text() };
}
