import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { describeSeries, hourLabel, percent, type ReportRow } from "./format";

interface ChartSpec {
  id: string;
  title: string;
  rows: readonly ReportRow[];
  value: (r: ReportRow) => number;
  label: (key: string) => string;
  keyHeader: string;
  valueHeader: string;
}

const COLOR = "#1f5fbf";

/**
 * One bar chart with its text alternatives: the figure's caption (its accessible name) says what
 * it shows and its peak, and the numbers behind the bars are a table anyone can open. The drawing
 * itself is hidden from assistive technology: it repeats the table, and an SVG of ticks and bars
 * read out one by one helps nobody.
 */
function ReportChart({ id, title, rows, value, label, keyHeader, valueHeader }: ChartSpec) {
  const summary = describeSeries(rows, value, label);
  const data = rows.map((r) => ({ name: label(r.key), value: value(r) }));
  return (
    <figure className="report-chart" data-chart={id}>
      <figcaption>
        <strong>{title}</strong> <span className="muted">{summary}</span>
      </figcaption>
      <div aria-hidden="true" className="report-chart-canvas">
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 12, fill: "#39414b" }} minTickGap={8} />
            <YAxis
              tickFormatter={(v: number) => percent.format(v)}
              tick={{ fontSize: 12, fill: "#39414b" }}
              width={48}
              domain={[0, (max: number) => Math.max(max, 0.05)]}
            />
            <Tooltip formatter={(v) => percent.format(Number(v))} />
            <Bar dataKey="value" name={valueHeader} fill={COLOR} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>{title}: the numbers</summary>
        <div className="table-wrap">
          <table className="staff-table">
            <thead>
              <tr>
                <th scope="col">{keyHeader}</th>
                <th scope="col">{valueHeader}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((d) => (
                <tr key={d.name}>
                  <th scope="row">{d.name}</th>
                  <td>{percent.format(d.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** The three charts staff asked for: utilisation by hour of day and by day, no-show rate by branch. */
export default function ReportCharts({
  byHour,
  byDay,
  byBranch,
}: {
  byHour: readonly ReportRow[];
  byDay: readonly ReportRow[];
  byBranch: readonly ReportRow[];
}) {
  const utilisation = (r: ReportRow) => r.utilisation;
  return (
    <div className="report-charts">
      <ReportChart
        id="chart-hour"
        title="Utilisation by hour of day"
        rows={byHour}
        value={utilisation}
        label={hourLabel}
        keyHeader="Hour"
        valueHeader="Utilisation"
      />
      <ReportChart
        id="chart-day"
        title="Utilisation by day"
        rows={byDay}
        value={utilisation}
        label={(k) => k}
        keyHeader="Day"
        valueHeader="Utilisation"
      />
      <ReportChart
        id="chart-branch"
        title="No-show rate by branch"
        rows={byBranch}
        value={(r) => r.noShowRate}
        label={(k) => k}
        keyHeader="Branch"
        valueHeader="No-show rate"
      />
    </div>
  );
}
