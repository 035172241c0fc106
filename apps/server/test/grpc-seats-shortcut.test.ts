import { type ClientHttp2Session, connect } from "node:http2";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { signToken } from "@dlsms/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetSeatsRequestSchema, GetSeatsResponseSchema } from "../src/grpc/gen/library_pb";
import { getSeatsShortcutStats } from "../src/grpc/seats-shortcut";
import { grpcClients, grpcLogin } from "./grpc-harness";
import { startTestServer, TEST_JWT_SECRET, type TestServer, tomorrowAt } from "./helpers";

// GetSeats answered beside Connect (grpc/seats-shortcut.ts) must be indistinguishable from
// Connect's own answer; `grpc-timeout` makes the shortcut step aside, so it shows Connect's.
let ts: TestServer;
let grpcUrl: string;
let token: string;
let session: ClientHttp2Session;
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0" });
  grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
  token = await grpcLogin(grpcUrl, "S2021003");
  session = connect(grpcUrl);
});
afterAll(async () => {
  session?.close();
  await ts?.stop();
});

interface Answer {
  headers: Record<string, unknown>;
  trailers: Record<string, unknown>;
  body: Buffer;
}

function frame(message: Uint8Array): Buffer {
  const f = Buffer.alloc(5 + message.length);
  f.writeUInt32BE(message.length, 1);
  f.set(message, 5);
  return f;
}

function call(
  body: Buffer,
  headers: Record<string, string> = {},
  auth: string | null = token,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": "/library.SeatService/GetSeats",
      "content-type": "application/grpc+proto",
      te: "trailers",
      ...(auth === null ? {} : { authorization: `Bearer ${auth}` }),
      ...headers,
    });
    const answer: Answer = { headers: {}, trailers: {}, body: Buffer.alloc(0) };
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      answer.headers = { ...h };
    });
    stream.on("trailers", (t) => {
      answer.trailers = { ...t };
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.once("error", reject);
    stream.once("close", () => resolve({ ...answer, body: Buffer.concat(chunks) }));
    stream.end(body);
  });
}

/** What a client can observe, without the per-response date. */
const observable = (a: Answer) => {
  const { date: _date, ...headers } = a.headers;
  const { date: _tdate, ...trailers } = a.trailers;
  return { headers, trailers, body: a.body.toString("base64") };
};

const window = () => ({
  branch: "Main Library",
  startTime: tomorrowAt(9).toISOString(),
  endTime: tomorrowAt(11).toISOString(),
});
const request = (fields: MessageInitShape<typeof GetSeatsRequestSchema>) =>
  frame(toBinary(GetSeatsRequestSchema, create(GetSeatsRequestSchema, fields)));
const viaConnect = { "grpc-timeout": "10S" };

describe("GetSeats beside Connect", () => {
  it("answers with Connect's status, headers, trailers and bytes, for a warm and a cold listing", async () => {
    for (const fields of [window(), { ...window(), availableOnly: true, hasPower: true }, {}]) {
      const connectAnswer = await call(request(fields), viaConnect);
      expect(connectAnswer.trailers["grpc-status"]).toBe("0");
      const answered = getSeatsShortcutStats.answered;
      const first = await call(request(fields));
      const again = await call(request(fields));
      expect(getSeatsShortcutStats.answered).toBe(answered + 2);
      expect(observable(first)).toEqual(observable(connectAnswer));
      expect(observable(again)).toEqual(observable(connectAnswer));
    }
  });

  it("gives a generated client the same listing as tRPC, and shows a booking at once", async () => {
    const seats = grpcClients(grpcUrl, token).seats;
    const before = await seats.getSeats(window());
    const viaTrpc = await ts.client(token).seats.list.query(window());
    expect(before.count).toBe(viaTrpc.length);
    expect(before.seats.map((s) => [s.id, s.isAvailable])).toEqual(viaTrpc.map((s) => [s.id, s.available]));
    await ts
      .client(token)
      .reservations.create.mutate({ seatId: 4, startTime: window().startTime, endTime: window().endTime });
    const after = fromBinary(GetSeatsResponseSchema, (await call(request(window()))).body.subarray(5));
    expect(after.seats.find((s) => s.id === 4)?.isAvailable).toBe(false);
  });

  it("leaves a missing, forged or expired token and bad input to Connect's own errors", async () => {
    await call(request(window())); // warm
    const cases: [Buffer, string | null][] = [
      [request(window()), null],
      [request(window()), `${token}x`],
      [
        request(window()),
        (await signToken(await ts.client(token).auth.me.query(), TEST_JWT_SECRET, -1)).token,
      ],
      [request({ ...window(), startTime: "not a time" }), token],
      [request({ ...window(), endTime: "" }), token],
      [Buffer.from([0, 0, 0, 0, 9, 1, 2]), token], // a frame that lies about its length
    ];
    for (const [body, auth] of cases) {
      const answered = getSeatsShortcutStats.answered;
      const shortcut = await call(body, {}, auth);
      expect(getSeatsShortcutStats.answered).toBe(answered);
      const connectAnswer = await call(body, viaConnect, auth);
      expect(shortcut.headers["grpc-status"] ?? shortcut.trailers["grpc-status"]).not.toBe("0");
      expect(observable(shortcut)).toEqual(observable(connectAnswer));
    }
  });

  it("leaves compressed and oversized requests to Connect", async () => {
    const gzip = await call(request(window()), { "grpc-encoding": "gzip" });
    const connectAnswer = await call(request(window()), { "grpc-encoding": "gzip", ...viaConnect });
    expect(observable(gzip)).toEqual(observable(connectAnswer));
    // 20 KB of branch name: over the shortcut's read, handed over mid-stream, refused by the door.
    const big = await call(request({ ...window(), branch: "x".repeat(20_000) }));
    const bigViaConnect = await call(request({ ...window(), branch: "x".repeat(20_000) }), viaConnect);
    expect(observable(big)).toEqual(observable(bigViaConnect));
  });
});
