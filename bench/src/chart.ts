import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { doorComparison } from "./doors";
import type { Report } from "./report";
import { ratio, refRatio } from "./targets";

/** The issue's ratio targets, drawn as ticks over the bars. */
const TARGET_PERCENT: Record<string, number> = {
  "discovery-cached": 60,
  "discovery-uncached": 100,
  branches: 70,
  create: 50,
};

/**
 * Three panels, one SVG: each scenario's share of its same-run ceiling (with the target),
 * each scenario's req/s beside the reference system's figure (log scale), and seat discovery
 * through each door (tRPC, REST, gRPC) beside the reference's 250–300 req/s.
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
  const doors = doorComparison(report.scenarios).map((d) => ({
    door: d.door.split(":")[0],
    rps: Math.round(d.rps),
    label: `${Math.round(d.rps)} req/s, p99 ${d.p99.toFixed(0)} ms${d.vsTrpc === undefined ? "" : ` (${d.vsTrpc.toFixed(2)}× tRPC)`}`,
  }));
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "DL-SMS bench",
      subtitle: `${report.startedAt} · ${report.machine.database} · ${report.machine.cpus} cores`,
    },
    vconcat: [
      {
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
              // A log scale has no zero: bars start at 10 req/s (else vega draws them 0 wide).
              x: {
                field: "rps",
                type: "quantitative",
                scale: { type: "log", domainMin: 10 },
                title: "req/s",
              },
              x2: { datum: 10 },
              color: { field: "system", type: "nominal", legend: { orient: "bottom", title: null } },
            },
          },
        ],
      },
      ...(doors.length > 0 ? [doorsPanel(doors)] : []),
    ],
    // Each panel keeps its own axes and colours (the panels measure different things).
    resolve: { scale: { x: "independent", y: "independent", color: "independent" } },
  };
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Seat discovery by door, linear req/s, with the reference's 250–300 req/s as a band. */
function doorsPanel(doors: { door: string | undefined; rps: number; label: string }[]) {
  return {
    title: "seat discovery by door (same windows, cache hits); red band = the reference's 250–300 req/s",
    width: 640,
    height: 90,
    layer: [
      {
        data: { values: doors },
        mark: { type: "bar" as const, tooltip: true, color: "#4c78a8" },
        encoding: {
          y: { field: "door", type: "nominal" as const, sort: null, title: null },
          x: { field: "rps", type: "quantitative" as const, title: "req/s" },
        },
      },
      {
        data: { values: [{ from: 250, to: 300 }] },
        mark: { type: "rect" as const, color: "#d62728", opacity: 0.5 },
        encoding: {
          x: { field: "from", type: "quantitative" as const },
          x2: { field: "to" },
        },
      },
      {
        data: { values: doors },
        mark: { type: "text" as const, align: "left" as const, dx: 3 },
        encoding: {
          y: { field: "door", type: "nominal" as const, sort: null },
          x: { field: "rps", type: "quantitative" as const },
          text: { field: "label", type: "nominal" as const },
        },
      },
    ],
  };
}
