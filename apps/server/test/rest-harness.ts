import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiDeps } from "@dlsms/api";
import { createTestApi, testConfig } from "@dlsms/api/testing";
import type { TestDatabase } from "@dlsms/db/testing";
import { pino } from "pino";
import { type GrpcDoor, startGrpcServer } from "../src/grpc/server";
import { createRestHandler, type RestDoor } from "../src/rest";

/**
 * Both doors over one fresh test database (PGlite, or Postgres when DATABASE_URL is set): REST on
 * a node:http server and gRPC on a node:http2 server, each on a free loopback port. Deps are
 * built the way the server builds them, so the doors are tested alone.
 */
export interface Doors {
  url: string;
  grpcUrl: string;
  deps: ApiDeps;
  database: TestDatabase;
  rest: RestDoor;
  grpc: GrpcDoor;
  stop(): Promise<void>;
}

export const TEST_SECRET = "doors-test-secret-doors-test-secret";

export async function startDoors(options: { keepaliveMs?: number } = {}): Promise<Doors> {
  const { database, deps } = await createTestApi(
    testConfig({ auth: { jwtSecret: TEST_SECRET, loginAttemptsPerIpPerMinute: 100_000 } }),
    { poolSize: 20 },
  );
  const logger = pino({ level: "silent" });
  const rest = createRestHandler({
    deps,
    logger,
    bodyLimitBytes: 1_048_576,
    publicUrl: () => "https://seats.example.edu",
    keepaliveMs: options.keepaliveMs,
  });
  const http: Server = createServer((req, res) => {
    if (req.url?.startsWith("/api")) return rest.handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const grpc = await startGrpcServer({ deps, port: 0, host: "127.0.0.1", logger });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    grpcUrl: `http://127.0.0.1:${grpc.port}`,
    deps,
    database,
    rest,
    grpc,
    async stop() {
      rest.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await grpc.close();
      await deps.bus.close();
      await deps.cache.close();
      await database.destroy();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields
  body: any;
  text: string;
}

/** One REST call; `body` objects are sent as JSON, strings as they are. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${base}/api${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function loginAs(base: string, studentId: string): Promise<string> {
  const res = await call(base, "POST", "/auth/login", {
    body: { student_id: studentId, password: "password123" },
  });
  if (res.status !== 200) throw new Error(`login ${studentId} failed: ${res.status} ${res.text}`);
  return res.body.token as string;
}

/** Tomorrow at hh:00 UTC, ISO with Z: inside the booking horizon, never in the past. */
export function tomorrowAt(hour: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

export const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
