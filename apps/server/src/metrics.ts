import type { ApiObserver } from "@dlsms/api";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Which door a request came through: labels stay few, whatever clients send. */
export type Door = "trpc" | "rest" | "grpc" | "web" | "ops";

export interface RequestLabels {
  door: Door;
  /** A known procedure, REST route or gRPC method; "batch" for several tRPC calls; else "other". */
  procedure: string;
}

export interface SweepCounts {
  [change: string]: number;
}

/**
 * The Prometheus metrics of one server process (prom-client), served at GET /metrics. Label
 * values come only from fixed lists (procedure names, route patterns, gRPC methods), so a client
 * sending random paths cannot grow the registry.
 */
export function createMetrics(sources: {
  websockets: () => number;
  sse: () => number;
  /** Mails queued and not yet sent, from the shared database. */
  mailPending?: () => Promise<number>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "dlsms_" });
  const registers = [registry];
  const requests = new Counter({
    name: "dlsms_http_requests_total",
    help: "Requests answered, by door, procedure (or route, or gRPC method) and HTTP status",
    labelNames: ["door", "procedure", "status"] as const,
    registers,
  });
  const latency = new Histogram({
    name: "dlsms_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer's last byte, by door and procedure",
    labelNames: ["door", "procedure"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const bookings = new Counter({
    name: "dlsms_bookings_total",
    help: 'Booking attempts on every door by outcome: "booked", "conflict" (seat or student busy), "rule" (refused by a rule)',
    labelNames: ["outcome"] as const,
    registers,
  });
  const sweeps = new Counter({
    name: "dlsms_sweeper_runs_total",
    help: "Sweeper passes, by result",
    labelNames: ["result"] as const,
    registers,
  });
  const swept = new Counter({
    name: "dlsms_sweeper_changes_total",
    help: "What the sweeper changed (no-shows, completed, expired offers, reminders, reopened seats)",
    labelNames: ["change"] as const,
    registers,
  });
  new Gauge({
    name: "dlsms_open_connections",
    help: "Open live connections: tRPC WebSockets and REST server-sent event streams",
    labelNames: ["kind"] as const,
    registers,
    collect() {
      this.set({ kind: "websocket" }, sources.websockets());
      this.set({ kind: "sse" }, sources.sse());
    },
  });
  new Gauge({
    name: "dlsms_mail_outbox_pending",
    help: "Mails queued in the shared outbox and not yet sent (the same on every instance)",
    registers,
    async collect() {
      // A database that does not answer must not take the other metrics down with it.
      if (sources.mailPending) this.set(await sources.mailPending().catch(() => Number.NaN));
    },
  });
  const mails = new Counter({
    name: "dlsms_mails_total",
    help: 'Outbox rows this process handled, by result: "sent", "skipped" (nothing to send any more), "retry" (send failed)',
    labelNames: ["result"] as const,
    registers,
  });
  for (const outcome of ["booked", "conflict", "rule"]) bookings.inc({ outcome }, 0);
  const cacheRequests = new Counter({
    name: "dlsms_cache_requests_total",
    help: 'Reads of each read model (cache): "hit" answered from this process\'s fresh copy, "miss" loaded (or joined a load)',
    labelNames: ["cache", "result"] as const,
    registers,
  });

  const observer: ApiObserver = {
    bookingAttempt: (outcome) => bookings.inc({ outcome }),
    // Called once per read model (the copies keep what it returns): a read costs one increment.
    cacheReads(cache) {
      const hits = cacheRequests.labels({ cache, result: "hit" });
      const misses = cacheRequests.labels({ cache, result: "miss" });
      hits.inc(0);
      misses.inc(0);
      return { hit: () => hits.inc(), miss: () => misses.inc() };
    },
  };
  return {
    registry,
    observer,
    request(labels: RequestLabels, status: number, seconds: number, calls: readonly string[] = []) {
      latency.observe(labels, seconds);
      // A batch counts once per call, so each procedure's count is its calls.
      if (calls.length > 1) for (const procedure of calls) requests.inc({ ...labels, procedure, status });
      else requests.inc({ ...labels, status });
    },
    mail(result: string) {
      mails.inc({ result });
    },
    sweep(result: SweepCounts | "failed") {
      if (result === "failed") {
        sweeps.inc({ result: "failed" });
        return;
      }
      sweeps.inc({ result: "ok" });
      for (const [change, n] of Object.entries(result)) if (n > 0) swept.inc({ change }, n);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
