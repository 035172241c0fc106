import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@dlsms/api";
import { createTestDatabase, type TestDatabase, testEnv } from "@dlsms/db/testing";
import { loadEnv } from "@dlsms/server/src/env";
import { createDlsmsServer, type DlsmsServer } from "@dlsms/server/src/server";
import { createTRPCClient, httpLink } from "@trpc/client";
import { pino } from "pino";

export const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));
export const PASSWORD = "password123";
export const JWT_SECRET = "e2e-secret-e2e-secret-e2e-secret-e2e";

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface E2eServer {
  server: DlsmsServer;
  url: string;
  /** A tRPC client over real HTTP, acting as the given student (or anonymous). */
  api(token?: string): ApiClient;
  /** Logs a seeded student in through the API (other students' bookings are made this way). */
  tokenFor(studentId: string): Promise<string>;
  stop(): Promise<void>;
}

/** The real server, in-process, on a free loopback port, over a fresh seeded test database. */
export async function startServer(overrides: Record<string, string> = {}): Promise<E2eServer> {
  const database: TestDatabase = await createTestDatabase();
  const env = loadEnv({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    JWT_SECRET,
    BCRYPT_COST: "4",
    GRPC_PORT: "off",
    LOG_LEVEL: "silent",
    // Every browser and API call comes from 127.0.0.1: the per-IP login limit would throttle us.
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: "100000",
    // CI sets REDIS_URL: then live updates travel through real Redis pub/sub, in a namespace of
    // their own so parallel test files never see each other's events.
    ...(testEnv.REDIS_URL
      ? { REDIS_URL: testEnv.REDIS_URL, REDIS_NAMESPACE: `e2e-${randomBytes(4).toString("hex")}` }
      : {}),
    ...overrides,
  });
  const server = await createDlsmsServer({
    env,
    logger: pino({ level: "silent" }),
    database,
    webDist: WEB_DIST,
    shutdownGraceMs: 50,
  });
  const api = (token?: string): ApiClient =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${server.url}/trpc`,
          headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        }),
      ],
    });
  return {
    server,
    url: server.url,
    api,
    async tokenFor(studentId) {
      const { token } = await api().auth.login.mutate({ studentId, password: PASSWORD });
      return token;
    },
    async stop() {
      await server.close();
      await database.destroy();
    },
  };
}
