import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { testEnv as dbTestEnv } from "@dlsms/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { grpcClients, grpcCode } from "./grpc-harness";
import { startTestServer, type TestServer } from "./helpers";

// The login throttle over real HTTP: concurrent guesses, batches, and the client address the
// server sees (each loopback address 127.0.0.x is a different client), on the in-process
// limiter and, with REDIS_URL set, on the Redis one (a namespace of its own per run).
const LIMIT = 10;
const PER_STUDENT = 25;
const REGISTRATIONS = 3;

const limiters: { name: string; env: Record<string, string> }[] = [
  { name: "in-process limiter", env: {} },
  ...(dbTestEnv.REDIS_URL
    ? [
        {
          name: "Redis limiter",
          env: {
            REDIS_URL: dbTestEnv.REDIS_URL,
            REDIS_NAMESPACE: `login-throttle-${randomBytes(4).toString("hex")}`,
          },
        },
      ]
    : []),
];

interface Answer {
  status: number;
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** POSTs JSON from the given local address: the server's `remoteAddress` for this request. */
function post(base: string, path: string, body: unknown, from: string): Promise<Answer> {
  const url = new URL(path, base);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), headers: res.headers }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const tally = (statuses: number[]) => {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

/** Sends tRPC WebSocket messages (an array is one batch) and collects the error code of each id. */
async function overWebSocket(base: string, from: string, frames: unknown[]): Promise<Map<number, string>> {
  const socket = new WebSocket(`${base.replace("http", "ws")}/trpc`, { localAddress: from });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const expected = frames.flat().length;
  const codes = new Map<number, string>();
  const done = new Promise<void>((resolve) => {
    socket.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { id: number; error?: { data?: { code?: string } } };
      codes.set(msg.id, msg.error?.data?.code ?? "OK");
      if (codes.size === expected) resolve();
    });
  });
  for (const frame of frames) socket.send(JSON.stringify(frame));
  await done;
  socket.close();
  return codes;
}

const trpcCode = (json: unknown) =>
  (json as { error?: { data?: { code?: string } } }).error?.data?.code ?? "OK";

describe.each(limiters)("$name", ({ env }) => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({
      ...env,
      GRPC_PORT: "0",
      LOGIN_FAILURES_PER_MINUTE: String(LIMIT),
      LOGIN_FAILURES_PER_STUDENT_PER_MINUTE: String(PER_STUDENT),
      REGISTRATIONS_PER_IP_PER_HOUR: String(REGISTRATIONS),
    });
  });
  afterAll(() => ts?.stop());

  const login = (studentId: string, password: string, from: string) =>
    post(ts.url, "/trpc/auth.login", { studentId, password }, from);

  it("200 concurrent wrong passwords: the limit get 401, the rest 429", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => login("S2021001", `wrong-${i}`, "127.0.0.2")),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: LIMIT, 429: 200 - LIMIT });
    expect(answers.find((a) => a.status === 429)?.json).toMatchObject({
      error: { data: { code: "TOO_MANY_REQUESTS" } },
    });
  });

  it("the lock from that address does not reach the student on another address", async () => {
    expect((await login("S2021001", "password123", "127.0.0.2")).status).toBe(429);
    const elsewhere = await login("S2021001", "password123", "127.0.0.3");
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.json).toMatchObject({ result: { data: { user: { studentId: "S2021001" } } } });
  });

  it("one batch of 200 logins: only its first call is checked, the rest are 429", async () => {
    const paths = Array(200).fill("auth.login").join(",");
    const inputs = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [String(i), { studentId: "S2021002", password: `wrong-${i}` }]),
    );
    const batch = await post(ts.url, `/trpc/${paths}?batch=1`, inputs, "127.0.0.4");
    const codes = (batch.json as unknown[]).map(trpcCode);
    expect(codes).toHaveLength(200);
    expect(codes[0]).toBe("UNAUTHORIZED");
    expect(codes.slice(1).every((c) => c === "TOO_MANY_REQUESTS")).toBe(true);
    // A batch holding just the login (what httpBatchLink sends) still logs in.
    const alone = await post(
      ts.url,
      "/trpc/auth.login?batch=1",
      { 0: { studentId: "S2021002", password: "password123" } },
      "127.0.0.4",
    );
    expect(alone.status).toBe(200);
    expect((alone.json as unknown[]).map(trpcCode)).toEqual(["OK"]);
  });

  it("over WebSocket: a batch checks only its first login, separate messages meet the limit", async () => {
    const message = (id: number) => ({
      id,
      method: "mutation",
      params: { path: "auth.login", input: { studentId: "S2021009", password: `ws-${id}` } },
    });
    const batch = await overWebSocket(ts.url, "127.0.0.14", [
      Array.from({ length: 20 }, (_, i) => message(i)),
    ]);
    expect(batch.get(0)).toBe("UNAUTHORIZED");
    expect([...batch.entries()].filter(([id, code]) => id > 0 && code === "TOO_MANY_REQUESTS")).toHaveLength(
      19,
    );
    const separate = await overWebSocket(
      ts.url,
      "127.0.0.14",
      Array.from({ length: 30 }, (_, i) => message(100 + i)),
    );
    // The batch's first login already took one attempt.
    expect(tally([...separate.values()].map((c) => (c === "UNAUTHORIZED" ? 401 : 429)))).toEqual({
      401: LIMIT - 1,
      429: 30 - LIMIT + 1,
    });
  });

  it("the right password among 150 concurrent guesses is refused once the limit is spent", async () => {
    let firstRefusal: () => void = () => {};
    const refused = new Promise<void>((resolve) => {
      firstRefusal = resolve;
    });
    const guesses = Array.from({ length: 149 }, (_, i) =>
      login("S2021003", `guess-${i}`, "127.0.0.5").then((answer) => {
        if (answer.status === 429) firstRefusal();
        return answer;
      }),
    );
    // Sent while the guesses are still being answered, once the limit is provably spent.
    await Promise.race([refused, Promise.allSettled(guesses)]);
    const right = await login("S2021003", "password123", "127.0.0.5");
    const statuses = [...(await Promise.all(guesses)).map((a) => a.status), right.status];
    expect(right.status).toBe(429);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
  });

  it("failures spread over addresses meet the softer per-student ceiling", async () => {
    const statuses: number[] = [];
    for (const from of ["127.0.0.6", "127.0.0.7", "127.0.0.8"]) {
      const answers = await Promise.all(
        Array.from({ length: LIMIT }, (_, i) => login("S2021004", `spread-${i}`, from)),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(tally(statuses)).toEqual({ 401: PER_STUDENT, 429: 3 * LIMIT - PER_STUDENT });
    expect((await login("S2021004", "password123", "127.0.0.9")).status).toBe(429);
    expect((await login("S2021005", "password123", "127.0.0.9")).status).toBe(200);
  });

  it("registration is throttled per address on every door", async () => {
    const register = (studentId: string, from: string) =>
      post(ts.url, "/trpc/auth.register", { studentId, password: "password123", name: "Newcomer" }, from);
    const statuses = await Promise.all([
      register("S2021006", "127.0.0.10"),
      ...Array.from({ length: 20 }, (_, i) => register(`S2040${String(i).padStart(3, "0")}`, "127.0.0.10")),
    ]);
    expect(statuses.filter((a) => a.status !== 429)).toHaveLength(REGISTRATIONS);
    const rest = await post(
      ts.url,
      "/api/auth/register",
      { student_id: "S2040999", password: "password123", name: "Newcomer" },
      "127.0.0.10",
    );
    expect(rest.status).toBe(429);
    expect(rest.headers["retry-after"]).toMatch(/^\d+$/);
    expect((await register("S2040999", "127.0.0.11")).status).toBe(200);
  });

  it("passwords over 72 bytes are 400 on tRPC and REST, INVALID_ARGUMENT on gRPC", async () => {
    const from = "127.0.0.12";
    const grpc = grpcClients(`http://127.0.0.1:${ts.server.grpcPort}`).auth;
    for (const password of ["a".repeat(73), "é".repeat(37)]) {
      const trpcLogin = await login("S2021007", password, from);
      expect(trpcLogin.status).toBe(400);
      expect(JSON.stringify(trpcLogin.json)).toContain("Password is at most 72 bytes");
      const trpcRegister = await post(
        ts.url,
        "/trpc/auth.register",
        { studentId: "S2041001", password, name: "L" },
        from,
      );
      expect(trpcRegister.status).toBe(400);
      const restLogin = await post(ts.url, "/api/auth/login", { student_id: "S2021007", password }, from);
      expect(restLogin.status).toBe(400);
      expect(JSON.stringify(restLogin.json)).toContain("Password is at most 72 bytes");
      const restRegister = await post(
        ts.url,
        "/api/auth/register",
        { student_id: "S2041001", password, name: "L" },
        from,
      );
      expect(restRegister.status).toBe(400);
      expect(await grpcCode(grpc.login({ studentId: "S2021007", password }))).toBe("InvalidArgument");
      expect(await grpcCode(grpc.register({ studentId: "S2041001", password, name: "L" }))).toBe(
        "InvalidArgument",
      );
    }
    // Refused before any counting: nothing was registered and the student can still log in.
    expect((await login("S2041001", "password123", from)).status).toBe(401);
    expect((await login("S2021007", "password123", from)).status).toBe(200);
  });

  it("the REST and gRPC doors answer a spent limit with 429 and RESOURCE_EXHAUSTED", async () => {
    // gRPC peers are seen from the loopback address the client uses: 127.0.0.1 here.
    const grpc = grpcClients(`http://127.0.0.1:${ts.server.grpcPort}`).auth;
    for (let i = 0; i < LIMIT; i++) {
      expect(await grpcCode(grpc.login({ studentId: "S2021008", password: `g-${i}` }))).toBe(
        "Unauthenticated",
      );
    }
    expect(await grpcCode(grpc.login({ studentId: "S2021008", password: "password123" }))).toBe(
      "ResourceExhausted",
    );
    const rest = await post(
      ts.url,
      "/api/auth/login",
      { student_id: "S2021008", password: "password123" },
      "127.0.0.1",
    );
    expect(rest.status).toBe(429);
    expect(rest.headers["retry-after"]).toMatch(/^\d+$/);
    expect(
      (
        await post(
          ts.url,
          "/api/auth/login",
          { student_id: "S2021008", password: "password123" },
          "127.0.0.13",
        )
      ).status,
    ).toBe(200);
  });
});
