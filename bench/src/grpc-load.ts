import { type ClientHttp2Session, connect } from "node:http2";
import { Code } from "@connectrpc/connect";
import { build } from "hdr-histogram-js";
import type { Measurement } from "./load";

/**
 * autocannon speaks HTTP/1.1 only, so gRPC gets its own load loop: `concurrency` calls in
 * flight at all times (as autocannon keeps one request in flight per connection), latencies
 * in an HDR histogram (µs resolution, as autocannon's), for `seconds`.
 */
export async function runCalls(
  concurrency: number,
  seconds: number,
  /** One call; resolves with its status ("OK" or a gRPC code name), rejects on a transport failure. */
  call: (worker: number) => Promise<string>,
): Promise<Measurement> {
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const statusCounts: Record<string, number> = {};
  let failures = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async (worker: number) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const status = await call(worker);
        histogram.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  const elapsed = (performance.now() - start) / 1000;
  const ok = statusCounts.OK ?? 0;
  const answered = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  const result: Measurement = {
    rps: answered / elapsed,
    p50: histogram.getValueAtPercentile(50) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
    requests: answered + failures,
    errors: answered - ok + failures,
    statusCounts: failures > 0 ? { ...statusCounts, transport: failures } : statusCounts,
    seconds: elapsed,
  };
  histogram.destroy();
  return result;
}

/** gRPC's length-prefixed message: flag byte 0 (uncompressed), 4-byte big-endian length. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

const statusName = (value: string | string[] | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(Array.isArray(value) ? value[0] : value);
  return n === 0 ? "OK" : (Code[n] ?? `grpc-status ${n}`);
};

export interface UnaryAnswer {
  status: string;
  /** Bytes of the response body (the framed message). */
  bytes: number;
}

/**
 * One unary call on a raw HTTP/2 session: the request already encoded (from the generated
 * schema), the answer counted but not decoded — as autocannon does not parse JSON, so the
 * load generator's CPU stays small beside the server's.
 */
export function unaryCall(
  session: ClientHttp2Session,
  path: string,
  frame: Buffer,
  metadata: Record<string, string>,
): Promise<UnaryAnswer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc+proto",
      te: "trailers",
      ...metadata,
    });
    let status: string | undefined;
    let bytes = 0;
    stream.on("response", (headers) => {
      // Trailers-only answers (errors) carry grpc-status in the headers.
      status =
        statusName(headers["grpc-status"]) ??
        (headers[":status"] === 200 ? undefined : `HTTP ${headers[":status"]}`);
    });
    stream.on("trailers", (trailers) => {
      status = statusName(trailers["grpc-status"]) ?? status;
    });
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.once("error", reject);
    stream.once("close", () => resolve({ status: status ?? "no grpc-status", bytes }));
    stream.end(frame);
  });
}

/** HTTP/2 sessions with large flow-control windows (a 250-seat answer is ~12 KB). */
export async function openSessions(url: string, count: number): Promise<ClientHttp2Session[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ClientHttp2Session>((resolve, reject) => {
          const session = connect(url, { settings: { initialWindowSize: 1 << 20 } });
          session.once("error", reject);
          session.once("connect", () => {
            session.off("error", reject);
            session.on("error", () => {});
            session.setLocalWindowSize(16 << 20);
            resolve(session);
          });
        }),
    ),
  );
}

export async function closeSessions(sessions: ClientHttp2Session[]): Promise<void> {
  await Promise.all(sessions.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}
