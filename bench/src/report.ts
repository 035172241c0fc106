import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderChart } from "./chart";
import type { ScenarioResult } from "./context";
import { DOOR_HEADER, type DoorRow, doorCells, doorComparison } from "./doors";
import { checkTargets, ratio, refRatio, type TargetCheck } from "./targets";

export interface Report {
  startedAt: string;
  command: string;
  machine: { cpus: number; node: string; database: string; cache: string };
  settings: Record<string, number | string>;
  scenarios: ScenarioResult[];
  targets: TargetCheck[];
  /** Seat discovery through tRPC, REST and gRPC side by side (derived from `scenarios`). */
  doors?: DoorRow[];
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "–");
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const pct = (x: number | undefined) => (x === undefined ? "–" : `${(x * 100).toFixed(0)} %`);

function rows(report: Report): string[][] {
  return report.scenarios.map((r) => {
    const m = r.measurement;
    const ref = refRatio(r);
    return [
      r.id,
      f0(m.rps),
      f1(m.p50),
      f1(m.p99),
      String(m.errors),
      r.ceiling ? `${f0(r.ceiling.measurement.rps)} (${r.ceiling.label})` : "–",
      pct(ratio(r)),
      ref === undefined ? "–" : `${ref.toFixed(0)}× of ${r.reference?.rps}`,
      r.serverCores === undefined ? "–" : r.serverCores.toFixed(2),
    ];
  });
}

const HEADER = [
  "scenario",
  "req/s",
  "p50 ms",
  "p99 ms",
  "errors",
  "ceiling req/s",
  "÷ ceiling",
  "÷ reference",
  "server cores",
];

export function terminalTable(report: Report): string {
  const all = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  const doorRows = [DOOR_HEADER, ...doorCells(doorComparison(report.scenarios))];
  const doorWidths = DOOR_HEADER.map((_, i) => Math.max(...doorRows.map((r) => (r[i] ?? "").length)));
  const doors =
    doorRows.length > 1
      ? [
          "",
          "seat discovery by door:",
          ...doorRows.map((r) => r.map((c, i) => c.padEnd(doorWidths[i] ?? 0)).join("  ")),
        ]
      : [];
  const targets = report.targets.map(
    (t) => `  ${t.met ? "MET " : "MISS"}  ${t.scenario}: ${t.target} — ${t.measured}`,
  );
  return [line(HEADER), ...rows(report).map(line), ...doors, "", "targets:", ...targets].join("\n");
}

export function markdown(report: Report): string {
  const esc = (c: string) => c.replaceAll("|", "\\|");
  const table = [HEADER, HEADER.map(() => "---"), ...rows(report)].map(
    (r) => `| ${r.map(esc).join(" | ")} |`,
  );
  const notes = report.scenarios
    .filter((r) => Object.keys(r.notes).length > 0 || r.alsoMeasured)
    .map((r) => {
      const parts = Object.entries(r.notes).map(([k, v]) => `${k}=${v}`);
      for (const a of r.alsoMeasured ?? [])
        parts.push(`${a.label}: ${f0(a.measurement.rps)} req/s, p99 ${f1(a.measurement.p99)} ms`);
      return `- **${r.id}**: ${parts.join(", ")}`;
    });
  const doorRows = doorCells(doorComparison(report.scenarios));
  const doors =
    doorRows.length > 0
      ? [
          "Seat discovery by door (same popular windows, cache hits, same concurrency; gRPC: in-flight calls over HTTP/2 connections):",
          "",
          ...[DOOR_HEADER, DOOR_HEADER.map(() => "---"), ...doorRows].map(
            (r) => `| ${r.map(esc).join(" | ")} |`,
          ),
          "",
        ]
      : [];
  const targets = report.targets.map(
    (t) => `| ${t.met ? "✅ met" : "❌ missed"} | ${t.scenario} | ${t.target} | ${t.measured} |`,
  );
  return [
    `Measured ${report.startedAt} with \`${report.command}\` on ${report.machine.cpus} cores, Node ${report.machine.node},`,
    `database ${report.machine.database}, cache ${report.machine.cache}; ${report.settings.seconds} s per scenario after ${report.settings.warmup} s warm-up, ${report.settings.connections} connections.`,
    "",
    ...table,
    "",
    ...notes,
    "",
    ...doors,
    "| | scenario | target | measured |",
    "| --- | --- | --- | --- |",
    ...targets,
    "",
  ].join("\n");
}

export async function writeReport(report: Report, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, "latest.md"), markdown(report));
  await writeFile(join(dir, "chart.svg"), await renderChart(report));
}

export { checkTargets };
