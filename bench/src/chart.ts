import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Report } from "./report";
import { ratio, refRatio } from "./targets";

/** The ratio targets, drawn as ticks over the bars. */
const TARGET_PERCENT: Record<string, number> = {
  "discovery-cached": 60,
  "discovery-uncached": 100,
  branches: 70,
  create: 50,
};

/**
 * Two panels, one SVG: each scenario's share of its same-run ceiling (with the target), and
 * each scenario's req/s beside the reference system's figure (log scale).
 */
export async function renderChart(report: Report): Promise<string> {
  const ratios = report.scenarios.flatMap((r) => {
    const x = ratio(r);
    return x === undefined
      ? []
      : [{ scenario: r.id, percent: Math.round(x * 100), target: TARGET_PERCENT[r.id] ?? null }];
  });
  const throughput = report.scenarios.flatMap((r) =>
    r.reference && refRatio(r) !== undefined
      ? [
          { scenario: r.id, system: "DL-SMS (this run)", rps: Math.round(r.measurement.rps) },
          { scenario: r.id, system: "reference", rps: r.reference.rps },
        ]
      : [],
  );
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "DL-SMS bench",
      subtitle: `${report.startedAt} · ${report.machine.database} · ${report.machine.cpus} cores`,
    },
    hconcat: [
      {
        title: "% of this machine's ceiling (same run); red = target",
        data: { values: ratios },
        width: 280,
        height: 200,
        layer: [
          {
            mark: { type: "bar", tooltip: true },
            encoding: {
              y: { field: "scenario", type: "nominal", sort: null, title: null },
              x: { field: "percent", type: "quantitative", title: "% of ceiling" },
            },
          },
          {
            mark: { type: "text", align: "left", dx: 3 },
            encoding: {
              y: { field: "scenario", type: "nominal", sort: null },
              x: { field: "percent", type: "quantitative" },
              text: { field: "percent", type: "quantitative" },
            },
          },
          {
            mark: { type: "tick", color: "#d62728", thickness: 2 },
            encoding: {
              y: { field: "scenario", type: "nominal", sort: null },
              x: { field: "target", type: "quantitative" },
            },
          },
        ],
      },
      {
        title: "req/s vs the reference's figure (log scale)",
        data: { values: throughput },
        width: 280,
        height: 200,
        mark: { type: "bar", tooltip: true },
        encoding: {
          y: { field: "scenario", type: "nominal", sort: null, title: null },
          yOffset: { field: "system" },
          x: { field: "rps", type: "quantitative", scale: { type: "log" }, title: "req/s" },
          color: { field: "system", type: "nominal", legend: { orient: "bottom", title: null } },
        },
      },
    ],
  };
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
