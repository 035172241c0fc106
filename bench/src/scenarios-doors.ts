import { create, toBinary } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { GetSeatsRequestSchema, SeatService } from "../../apps/server/src/grpc/gen/library_pb";
import type { BenchContext, ScenarioResult } from "./context";
import { clientCores, warmAndMeasure } from "./context";
import { closeSessions, grpcFrame, openSessions, runCalls, unaryCall } from "./grpc-load";
import type { Measurement } from "./load";
import { popularRequests, REFERENCE, token } from "./scenarios-http";
import { bearer, pick } from "./workload";

/**
 * Seat discovery through the original's two doors, beside tRPC's `discovery-cached`: the same
 * popular windows and branches (so the same listing-cache hits), the same concurrency, the
 * same random student per request. All three end in the same `seats.list` procedure.
 */

const GET_SEATS = "/library.SeatService/GetSeats";

export const restSeatsPath = (q: { branch: string; startTime: string; endTime: string }) =>
  `/api/seats?${new URLSearchParams({
    branch: q.branch,
    start_time: q.startTime,
    end_time: q.endTime,
    // tRPC's seats.list and gRPC's GetSeats default to false; REST's default is the original's true.
    available_only: "false",
  })}`;

export async function discoveryRest(ctx: BenchContext): Promise<ScenarioResult> {
  const paths = popularRequests(ctx).map(restSeatsPath);
  const { measurement, serverCores, clientCores } = await warmAndMeasure(ctx, {
    next: () => ({ method: "GET", path: pick(paths), headers: bearer(token(ctx)) }),
  });
  const res = await fetch(`${ctx.server.url}${paths[0]}`, { headers: bearer(token(ctx)) });
  const body = Buffer.from(await res.arrayBuffer());
  const { count } = JSON.parse(body.toString()) as { count: number };
  return {
    id: "discovery-rest",
    title: "GET /api/seats, popular windows (cache hits)",
    measurement,
    serverCores,
    reference: REFERENCE.discovery,
    comparedWith: "discovery-cached",
    notes: { responseBytes: body.length, seats: count, windows: paths.length, clientCores },
  };
}

/** Warm-up, then the measured calls with the server's CPU use (as warmAndMeasure for HTTP). */
async function measureCalls(ctx: BenchContext, call: (worker: number) => Promise<string>) {
  const { BENCH_CONNECTIONS: n, BENCH_SECONDS: seconds, BENCH_WARMUP_SECONDS: warmup } = ctx.env;
  if (warmup > 0) await runCalls(n, warmup, call);
  const cpu0 = ctx.server.cpuSeconds();
  const own0 = process.cpuUsage();
  const measurement = await runCalls(n, seconds, call);
  return {
    measurement,
    serverCores: (ctx.server.cpuSeconds() - cpu0) / measurement.seconds,
    clientCores: clientCores(own0, measurement.seconds),
  };
}

async function connectStatus(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof ConnectError) return Code[error.code];
    throw error;
  }
}

export async function discoveryGrpc(ctx: BenchContext): Promise<ScenarioResult> {
  const requests = popularRequests(ctx).map((q) =>
    create(GetSeatsRequestSchema, {
      branch: q.branch,
      startTime: q.startTime,
      endTime: q.endTime,
      availableOnly: false,
    }),
  );
  const sessionCount = Math.min(ctx.env.BENCH_GRPC_CONNECTIONS, ctx.env.BENCH_CONNECTIONS);
  // Generated Connect-ES clients, one HTTP/2 connection (transport) each: the correctness
  // check, and the "what a generated client sees" measurement (it decodes every answer).
  const clients: Client<typeof SeatService>[] = Array.from({ length: sessionCount }, () =>
    createClient(
      SeatService,
      createGrpcTransport({
        baseUrl: ctx.server.grpcUrl,
        nodeOptions: { settings: { initialWindowSize: 1 << 20 } },
      }),
    ),
  );
  const first = requests[0];
  if (!first) throw new Error("no popular windows");
  const viaGrpc = await clients[0]?.getSeats(first, { headers: bearer(token(ctx)) });
  const rest = await fetch(`${ctx.server.url}${restSeatsPath(popularRequests(ctx)[0] ?? first)}`, {
    headers: bearer(token(ctx)),
  });
  const restCount = ((await rest.json()) as { count: number }).count;
  if (!viaGrpc || viaGrpc.count !== restCount || viaGrpc.seats.length !== restCount)
    throw new Error(`GetSeats answered ${viaGrpc?.count} seats, REST ${restCount}: not the same listing`);

  // The measured load: raw HTTP/2 streams carrying the generated encoding of each request,
  // answers counted not decoded (as autocannon treats the HTTP doors).
  const frames = requests.map((r) => grpcFrame(toBinary(GetSeatsRequestSchema, r)));
  const sessions = await openSessions(ctx.server.grpcUrl, sessionCount);
  let responseBytes = 0;
  let lean: { measurement: Measurement; serverCores: number; clientCores: number };
  try {
    lean = await measureCalls(ctx, async (worker) => {
      const session = sessions[worker % sessions.length];
      if (!session) throw new Error("no session");
      const answer = await unaryCall(session, GET_SEATS, pick(frames), bearer(token(ctx)));
      responseBytes = answer.bytes;
      return answer.status;
    });
  } finally {
    await closeSessions(sessions);
  }
  const generated = await measureCalls(ctx, (worker) =>
    connectStatus(
      (clients[worker % clients.length] as Client<typeof SeatService>).getSeats(pick(requests), {
        headers: bearer(token(ctx)),
      }),
    ),
  );
  return {
    id: "discovery-grpc",
    title: "library.SeatService/GetSeats, popular windows (cache hits)",
    measurement: lean.measurement,
    serverCores: lean.serverCores,
    alsoMeasured: [
      {
        label: `generated Connect-ES client, decoding every answer (server ${generated.serverCores.toFixed(2)} cores, bench ${generated.clientCores.toFixed(2)})`,
        measurement: generated.measurement,
      },
    ],
    reference: REFERENCE.discovery,
    comparedWith: "discovery-cached",
    notes: {
      responseBytes,
      seats: restCount,
      windows: frames.length,
      http2Connections: sessionCount,
      inFlight: ctx.env.BENCH_CONNECTIONS,
      clientCores: lean.clientCores,
    },
  };
}
