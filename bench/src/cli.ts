import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderChart } from "./chart";
import { loadBenchEnv } from "./env";
import { type Report, terminalTable, writeReport } from "./report";
import { runBench } from "./run";

const DEFAULT_RESULTS = fileURLToPath(new URL("../results", import.meta.url));

async function main() {
  const env = loadBenchEnv();
  const dir = env.BENCH_RESULTS_DIR ?? DEFAULT_RESULTS;
  if (process.argv.includes("--chart-only")) {
    // Re-draw chart.svg from latest.json (after a change to the chart, without re-measuring).
    const report = JSON.parse(await readFile(join(dir, "latest.json"), "utf8")) as Report;
    await writeFile(join(dir, "chart.svg"), await renderChart(report));
    return;
  }
  const shown = ["DATABASE_URL", "REDIS_URL", "BENCH_SECONDS", "BENCH_SCENARIOS"].filter((k) => k in env);
  const command =
    `${shown.map((k) => `${k}=${k.endsWith("_URL") ? "…" : String(env[k as keyof typeof env])}`).join(" ")} pnpm bench`.trim();
  const report = await runBench(env, command, (line) => console.log(`· ${line}`));
  console.log(`\n${terminalTable(report)}\n`);
  await writeReport(report, dir);
  console.log(`wrote ${dir}/latest.json, latest.md, chart.svg`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
