import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode } from "./grpc-harness";
import { startTestServer, type TestServer } from "./helpers";

// The doors as the real server mounts them: REST under /api on PORT, gRPC on GRPC_PORT, one set
// of deps, and a clean stop with a live SSE stream and a live gRPC stream open.
let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0" });
});
afterAll(() => ts?.stop());

describe("doors mounted in createDlsmsServer", () => {
  it("REST at /api and gRPC on GRPC_PORT share one system", async () => {
    const grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
    const login = await grpcClients(grpcUrl).auth.login({ studentId: "S2021004", password: "password123" });
    const rest = await fetch(`${ts.url}/api/reservations/mine`, {
      headers: { authorization: `Bearer ${login.token}` },
    });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toEqual({ reservations: [], count: 0 });
    const unknown = await fetch(`${ts.url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "Endpoint not found" });
    expect(await grpcCode(grpcClients(grpcUrl).seats.getBranches({}))).toBe("Unauthenticated");
    expect((await grpcClients(grpcUrl, login.token).seats.getBranches({})).branches).toHaveLength(3);
  });

  it("GRPC_PORT=off starts no gRPC server", async () => {
    const off = await startTestServer();
    try {
      expect(off.server.grpcPort).toBeUndefined();
    } finally {
      await off.stop();
    }
  });

  it("stops cleanly with an SSE stream and a gRPC notification stream open", async () => {
    const grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
    const { token } = await grpcClients(grpcUrl).auth.login({
      studentId: "S2021005",
      password: "password123",
    });
    const sse = await fetch(`${ts.url}/api/notifications/stream`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(sse.status).toBe(200);
    const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"type":"connected"');
    const sub = grpcClients(grpcUrl, token).notifications.subscribe({});
    const first = sub[Symbol.asyncIterator]()
      .next()
      .catch(() => undefined);
    await ts.server.close();
    await first;
    // The SSE body ends rather than hanging.
    for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) break;
  });
});
