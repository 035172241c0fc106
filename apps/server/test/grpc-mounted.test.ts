import { connect } from "node:http2";
import { createClient } from "@connectrpc/connect";
import { compressionGzip, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SeatService } from "../src/grpc/gen/library_pb";
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

  it("answers uncompressed even to a client that accepts gzip, and still reads gzip requests", async () => {
    const grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
    const login = await grpcClients(grpcUrl).auth.login({ studentId: "S2021004", password: "password123" });
    const session = connect(grpcUrl);
    try {
      const answer = await new Promise<Buffer>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/library.SeatService/GetSeats",
          "content-type": "application/grpc+proto",
          te: "trailers",
          "grpc-accept-encoding": "gzip",
          authorization: `Bearer ${login.token}`,
        });
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.once("error", reject);
        stream.once("close", () => resolve(Buffer.concat(chunks)));
        stream.end(Buffer.from([0, 0, 0, 0, 0])); // an empty GetSeatsRequest (every seat, ~2 KB back)
      });
      expect(answer[0]).toBe(0); // the message's compressed flag
      expect(answer.readUInt32BE(1)).toBe(answer.length - 5);
      expect(answer.length).toBeGreaterThan(1024); // large enough that connect would gzip it by default
    } finally {
      session.close();
    }
    // A generated client that compresses its requests (connect's gzip) is still understood.
    const gzipClient = createClient(
      SeatService,
      createGrpcTransport({
        baseUrl: grpcUrl,
        sendCompression: compressionGzip,
        compressMinBytes: 0,
        interceptors: [
          (next) => (req) => {
            req.header.set("authorization", `Bearer ${login.token}`);
            return next(req);
          },
        ],
      }),
    );
    expect((await gzipClient.getBranches({})).branches).toHaveLength(3);
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
