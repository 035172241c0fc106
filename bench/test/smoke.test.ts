import { describe, expect, it } from "vitest";
import { loadBenchEnv } from "../src/env";
import { runBench } from "../src/run";

/**
 * The harness itself works end to end: data set, server process, one scenario, report.
 * Numbers are checked for existence only: no timings in tests (speed is `pnpm bench`'s job).
 */
describe("bench harness", () => {
  it("runs one scenario for a second and produces numbers without errors", async () => {
    const env = loadBenchEnv({
      BENCH_SCENARIOS: "branches",
      BENCH_SECONDS: "1",
      BENCH_WARMUP_SECONDS: "0.5",
      BENCH_CONNECTIONS: "4",
      BENCH_SCALE: "0.02",
      BENCH_BCRYPT_COST: "4",
      BENCH_CPU_PROF_DIR: undefined,
    });
    const report = await runBench(env, "smoke", () => {});
    const [branches] = report.scenarios;
    expect(branches?.id).toBe("branches");
    expect(branches?.measurement.requests).toBeGreaterThan(0);
    expect(branches?.measurement.errors).toBe(0);
    expect(Number.isFinite(branches?.measurement.rps)).toBe(true);
    expect(branches?.ceiling?.measurement.requests).toBeGreaterThan(0);
    expect(report.targets.length).toBeGreaterThan(0);
  });
});
