import type { AppRouter } from "@dlsms/api";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { postJson, startTestServer, type TestServer } from "./helpers";

// Acceptance 7: oversized and broken bodies get a 4xx, and the server stays healthy.
let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.stop());

const twoMegabytes = () => JSON.stringify({ studentId: "S2021001", password: "x".repeat(2 * 1024 * 1024) });

async function expectHealthy() {
  const res = await fetch(`${ts.url}/healthz`);
  expect(res.status).toBe(200);
}

describe("hostile bodies", () => {
  it("a 2 MB body (Content-Length) is 413", async () => {
    const res = await postJson(`${ts.url}/trpc/auth.login`, twoMegabytes());
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { data: { code: "PAYLOAD_TOO_LARGE" } } });
    await expectHealthy();
  });

  it("a 2 MB chunked body (no Content-Length) is 413", async () => {
    const bytes = new TextEncoder().encode(twoMegabytes());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024)
          controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const res = await fetch(`${ts.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    await expectHealthy();
  });

  it("broken JSON is 400", async () => {
    for (const body of ["{bad", '{"studentId": "S2021001",', "\u0000\u0001", "[1,2"]) {
      const res = await postJson(`${ts.url}/trpc/auth.login`, body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { data: { code: "BAD_REQUEST" } } });
    }
    await expectHealthy();
  });

  it("unknown procedures are 404 and a wrong method is 4xx, both JSON", async () => {
    const missing = await postJson(`${ts.url}/trpc/nope.nothing`, "{}");
    expect(missing.status).toBe(404);
    const wrongMethod = await fetch(`${ts.url}/trpc/auth.login`);
    expect(wrongMethod.status).toBeGreaterThanOrEqual(400);
    expect(wrongMethod.status).toBeLessThan(500);
    const wrongHealth = await fetch(`${ts.url}/healthz`, { method: "DELETE" });
    expect(wrongHealth.status).toBe(405);
    await expectHealthy();
  });
});

describe("WebSocket on the same port", () => {
  it("serves tRPC over /trpc with the token in connectionParams", async () => {
    const login = await ts.client().auth.login.mutate({ studentId: "S2021001", password: "password123" });
    const wsClient = createWSClient({
      url: `${ts.url.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: login.token },
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
      expect(await client.auth.me.query()).toMatchObject({ name: "Alice Johnson" });
    } finally {
      await wsClient.close();
    }
  });

  it("refuses upgrades on other paths", async () => {
    const socket = new WebSocket(`${ts.url.replace("http", "ws")}/elsewhere`);
    const failed = await new Promise<boolean>((resolve) => {
      socket.on("open", () => resolve(false));
      socket.on("error", () => resolve(true));
    });
    expect(failed).toBe(true);
  });
});

describe("graceful shutdown", () => {
  it("tells WebSocket clients to reconnect, then stops accepting", async () => {
    const other = await startTestServer();
    const socket = new WebSocket(`${other.url.replace("http", "ws")}/trpc`);
    await new Promise((resolve, reject) => {
      socket.on("open", resolve);
      socket.on("error", reject);
    });
    const notice = new Promise<string>((resolve) => socket.on("message", (data) => resolve(String(data))));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    const stopping = other.stop();
    expect(JSON.parse(await notice)).toMatchObject({ method: "reconnect" });
    await closed;
    await stopping;
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
