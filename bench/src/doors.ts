import type { ScenarioResult } from "./context";
import { refRatio } from "./targets";

/** Seat discovery through each door: the original compared its REST and gRPC builds. */
export interface DoorRow {
  scenario: string;
  door: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  responseBytes: number | undefined;
  /** req/s ÷ tRPC's (discovery-cached) in the same run. */
  vsTrpc: number | undefined;
  /** req/s ÷ the reference's seat-discovery figure (top of 250–300 req/s). */
  vsReference: number | undefined;
  serverCores: number | undefined;
  /** CPU cores the bench process (load generator) used meanwhile. */
  clientCores: number | undefined;
}

export const DOORS: Record<string, string> = {
  "discovery-cached": "tRPC: typed client, GET /trpc/seats.list?batch=1 (HTTP/1.1, JSON)",
  "discovery-rest": "REST: GET /api/seats (HTTP/1.1, JSON)",
  "discovery-grpc": "gRPC: SeatService/GetSeats (HTTP/2, protobuf)",
};

export function doorComparison(scenarios: ScenarioResult[]): DoorRow[] {
  const trpc = scenarios.find((s) => s.id === "discovery-cached");
  return scenarios.flatMap((s) => {
    const door = DOORS[s.id];
    if (!door) return [];
    const bytes = s.notes.responseBytes;
    const client = s.notes.clientCores;
    return [
      {
        scenario: s.id,
        door,
        rps: s.measurement.rps,
        p50: s.measurement.p50,
        p99: s.measurement.p99,
        errors: s.measurement.errors,
        responseBytes: typeof bytes === "number" ? bytes : undefined,
        vsTrpc: trpc && trpc.measurement.rps > 0 ? s.measurement.rps / trpc.measurement.rps : undefined,
        vsReference: refRatio(s),
        serverCores: s.serverCores,
        clientCores: typeof client === "number" ? client : undefined,
      },
    ];
  });
}

const f = (x: number | undefined, digits: number, suffix = "") =>
  x === undefined || !Number.isFinite(x) ? "–" : `${x.toFixed(digits)}${suffix}`;

export const DOOR_HEADER = [
  "door",
  "req/s",
  "p50 ms",
  "p99 ms",
  "errors",
  "answer bytes",
  "÷ tRPC",
  "÷ reference (300)",
  "server cores",
  "bench cores",
];

export function doorCells(rows: DoorRow[]): string[][] {
  return rows.map((r) => [
    r.door,
    f(r.rps, 0),
    f(r.p50, 1),
    f(r.p99, 1),
    String(r.errors),
    f(r.responseBytes, 0),
    f(r.vsTrpc, 2, "×"),
    f(r.vsReference, 1, "×"),
    f(r.serverCores, 2),
    f(r.clientCores, 2),
  ]);
}
