import { describe, expect, it } from "vitest";
import { loadBenchEnv } from "../src/env";
import { runBench } from "../src/run";

/**
 * The harness itself works end to end: data set, server process, one scenario, report.
 * Numbers are checked for existence only: no timings in tests (speed is `pnpm bench`'s job).
 */
describe("bench harness", () => {
  it("runs scenarios for a second each and produces numbers without errors", async () => {
    const env = loadBenchEnv({
      // gRPC too: the server's gRPC door on its own port, the generated client, the HTTP/2 load loop.
      BENCH_SCENARIOS: "branches,discovery-grpc",
      BENCH_SECONDS: "1",
      BENCH_WARMUP_SECONDS: "0.5",
      BENCH_CONNECTIONS: "4",
      BENCH_SCALE: "0.02",
      BENCH_BCRYPT_COST: "4",
      BENCH_CPU_PROF_DIR: undefined,
    });
    const report = await runBench(env, "smoke", () => {});
    const [branches, grpc] = report.scenarios;
    expect(branches?.id).toBe("branches");
    expect(branches?.measurement.requests).toBeGreaterThan(0);
    expect(branches?.measurement.errors).toBe(0);
    expect(Number.isFinite(branches?.measurement.rps)).toBe(true);
    expect(branches?.ceiling?.measurement.requests).toBeGreaterThan(0);
    expect(report.targets.length).toBeGreaterThan(0);
    // discovery-grpc checks itself that GetSeats and REST's /api/seats list the same seats.
    expect(grpc?.id).toBe("discovery-grpc");
    expect(grpc?.measurement.requests).toBeGreaterThan(0);
    expect(grpc?.measurement.errors).toBe(0);
    expect(grpc?.notes.seats).toBeGreaterThan(0);
    expect(report.doors?.map((d) => d.scenario)).toEqual(["discovery-grpc"]);
  });
});
