import type { AppRouter } from "@dlsms/api";
import { createTestDatabase, type TestDatabase } from "@dlsms/db/testing";
import { createTRPCClient, httpBatchLink, httpLink } from "@trpc/client";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDlsmsServer, type DlsmsServer } from "../src/server";
import { grpcClients, grpcCode } from "./grpc-harness";
import { outcome, testEnv, tomorrowAt } from "./helpers";

let server: DlsmsServer;
let database: TestDatabase;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 10 });
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  server = await createDlsmsServer({
    env: testEnv({ GRPC_PORT: "0", LOG_LEVEL: "info" }),
    logger,
    database,
    shutdownGraceMs: 50,
  });
});
afterAll(async () => {
  await server?.close();
  await database?.destroy();
});

async function scrape() {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await res.text());
}

function counter(families: Awaited<ReturnType<typeof scrape>>, name: string, labels: Record<string, string>) {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? 0);
}

const bookings = async () => {
  const families = await scrape();
  const of = (outcome: string) => counter(families, "dlsms_bookings_total", { outcome });
  return { booked: of("booked"), conflict: of("conflict"), rule: of("rule") };
};

async function login(studentId: string) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ student_id: studentId, password: "password123" }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe("GET /metrics", () => {
  it("parses as Prometheus text, with the process's default metrics", async () => {
    const families = await scrape();
    const names = families.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "dlsms_http_requests_total",
        "dlsms_http_request_duration_seconds",
        "dlsms_bookings_total",
        "dlsms_sweeper_runs_total",
        "dlsms_open_connections",
        "dlsms_process_cpu_seconds_total",
      ]),
    );
  });

  it("booking counters move by exactly the bookings made, on every door", async () => {
    const [alice, bob, carol] = await Promise.all(["S2021001", "S2021002", "S2021003"].map(login));
    const before = await bookings();

    // tRPC as the typed client sends it (a batch).
    const trpc = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${alice}` } })],
    });
    const slot = {
      seatId: 21,
      startTime: tomorrowAt(9).toISOString(),
      endTime: tomorrowAt(10).toISOString(),
    };
    expect(await outcome(trpc.reservations.create.mutate(slot))).toBe("OK");
    // REST, as the original's scripts call it: booked, then the same seat and time → conflict.
    const rest = (token: string | undefined, seatId: number) =>
      fetch(`${server.url}/api/reservations`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          seat_id: seatId,
          start_time: tomorrowAt(11).toISOString(),
          end_time: tomorrowAt(12).toISOString(),
        }),
      });
    expect((await rest(bob, 22)).status).toBe(201);
    expect((await rest(carol, 22)).status).toBe(409);
    // gRPC through a generated client: booked, then one longer than the rules allow → rule.
    const grpc = grpcClients(`http://127.0.0.1:${server.grpcPort}`, carol).reservations;
    const grpcSlot = { userId: 0, seatId: 23, startTime: tomorrowAt(13).toISOString() };
    expect(
      await grpcCode(grpc.createReservation({ ...grpcSlot, endTime: tomorrowAt(14).toISOString() })),
    ).toBe("OK");
    expect(
      await grpcCode(
        grpc.createReservation({ ...grpcSlot, seatId: 24, endTime: tomorrowAt(23).toISOString() }),
      ),
    ).toBe("InvalidArgument");
    // Not a booking attempt at all: no token.
    expect((await rest(undefined, 25)).status).toBe(401);

    const after = await bookings();
    expect(after).toEqual({
      booked: before.booked + 3,
      conflict: before.conflict + 1,
      rule: before.rule + 1,
    });
  });

  it("counts requests by door, procedure or route, and status; unknown paths share one label", async () => {
    const token = await login("S2021004");
    const auth = { authorization: `Bearer ${token}` };
    await fetch(`${server.url}/api/seats/1`, { headers: auth });
    await fetch(`${server.url}/trpc/seats.list,branches.list?batch=1&input={}`, { headers: auth });
    await fetch(`${server.url}/api/no-such-thing-${Date.now()}`);
    await fetch(`${server.url}/trpc/no.such.procedure-${Date.now()}`);
    const families = await scrape();
    const count = (labels: Record<string, string>) => counter(families, "dlsms_http_requests_total", labels);
    expect(count({ door: "rest", procedure: "GET /api/seats/{id}", status: "200" })).toBeGreaterThanOrEqual(
      1,
    );
    expect(count({ door: "trpc", procedure: "seats.list", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(count({ door: "trpc", procedure: "branches.list", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(count({ door: "rest", procedure: "other", status: "404" })).toBeGreaterThanOrEqual(1);
    expect(count({ door: "trpc", procedure: "other", status: "404" })).toBeGreaterThanOrEqual(1);
    const labels = families
      .find((f) => f.name === "dlsms_http_requests_total")
      ?.metrics.map((m) => m.labels?.procedure ?? "");
    expect(labels?.some((p) => p.includes("no-such") || p.includes("no.such"))).toBe(false);
    expect(
      count({ door: "grpc", procedure: "/library.ReservationService/CreateReservation", status: "200" }),
    ).toBe(2);
  });

  it("counts read-model cache hits and misses: a first read is a miss, a repeat a hit", async () => {
    const token = await login("S2021006");
    const trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
    });
    const reads = async (cache: string) => {
      const families = await scrape();
      const of = (result: string) => counter(families, "dlsms_cache_requests_total", { cache, result });
      return { hit: of("hit"), miss: of("miss") };
    };
    // A window nobody else in this file lists, and a seat nobody else opens.
    const window = {
      branch: "Science Library",
      startTime: tomorrowAt(15).toISOString(),
      endTime: tomorrowAt(16).toISOString(),
    };
    const reads2x = async (cache: string, read: () => Promise<unknown>) => {
      const before = await reads(cache);
      await read();
      const first = await reads(cache);
      await read();
      const second = await reads(cache);
      expect(first).toEqual({ hit: before.hit, miss: before.miss + 1 });
      expect(second).toEqual({ hit: first.hit + 1, miss: first.miss });
    };
    await reads2x("seat-listings", () => trpc.seats.list.query(window));
    await reads2x("seat-details", () => trpc.seats.get.query({ id: 40 }));
    await reads2x("student-reservations", () => trpc.reservations.mine.query());
    // The listing's load read the branch's catalogue (both loaded or served once).
    const catalogue = await reads("branch-catalogue");
    expect(catalogue.hit + catalogue.miss).toBeGreaterThanOrEqual(1);
  });

  it("writes one log line per request with method, path, status, duration and user, never the token", async () => {
    const token = await login("S2021005");
    const from = logLines.length;
    await fetch(`${server.url}/api/reservations/mine?secret=do-not-log`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.slice(from).filter((l) => l.msg === "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: "GET",
      path: "/api/reservations/mine",
      door: "rest",
      procedure: "GET /api/reservations/mine",
      status: 200,
      user: 5,
    });
    expect(typeof lines[0]?.ms).toBe("number");
    const text = JSON.stringify(logLines);
    expect(text).not.toContain(token);
    expect(text).not.toContain("do-not-log");
    expect(text).not.toContain("password123");
  });
});
