import autocannon from "autocannon";

/** One measured number set: what every scenario and ceiling reports. */
export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Socket errors, timeouts and any status the scenario did not expect. */
  errors: number;
  statusCounts: Record<string, number>;
  seconds: number;
}

export interface HttpLoad {
  url: string;
  connections: number;
  seconds: number;
  /** Builds each request: varying bodies/paths/headers come from here. */
  next: () => {
    method: "GET" | "POST";
    path: string;
    headers?: Record<string, string>;
    body?: string | undefined;
  };
  /** Status codes that count as success (default: 200 only). */
  okStatuses?: number[];
}

export async function runHttp(load: HttpLoad): Promise<Measurement> {
  const ok = new Set(load.okStatuses ?? [200]);
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => {
          const r = load.next();
          return {
            ...request,
            method: r.method,
            path: r.path,
            body: r.body,
            headers: { ...(r.body ? { "content-type": "application/json" } : {}), ...r.headers },
          };
        },
      },
    ],
  });
  const statusCounts: Record<string, number> = {};
  let unexpected = 0;
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    const n = stat.count ?? 0;
    statusCounts[code] = n;
    if (!ok.has(Number(code))) unexpected += n;
  }
  const requests = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    errors: result.errors + unexpected,
    statusCounts,
    seconds: result.duration,
  };
}

/** Exact percentiles from raw samples (milliseconds). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

/**
 * Drives an async operation from `concurrency` loops for `seconds`: the raw-SQL ceilings use
 * it so they run at the same concurrency as the HTTP scenarios.
 */
export async function runLoops(
  concurrency: number,
  seconds: number,
  op: () => Promise<void>,
): Promise<Measurement> {
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await op();
        samples.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return {
    rps: samples.length / elapsed,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    requests: samples.length + errors,
    errors,
    statusCounts: {},
    seconds: elapsed,
  };
}
