import type { RouterOutputs } from "@dlsms/api";
import type { ReportGroupBy } from "@dlsms/validators";

export type ReportRow = RouterOutputs["admin"]["report"][number];

export const GROUP_OPTIONS: readonly { value: ReportGroupBy; label: string; column: string }[] = [
  { value: "branch", label: "Branch", column: "Branch" },
  { value: "area", label: "Area", column: "Branch / area" },
  { value: "day", label: "Day", column: "Day" },
  { value: "hour", label: "Hour of day", column: "Hour" },
];

export const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
export const hours = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "14" → "14:00", so an hour of day reads as a time, not a count. */
export const hourLabel = (key: string) => `${key}:00`;

/** A local date (YYYY-MM-DD) in `timeZone`, `offsetDays` from the day containing `now`. */
export function localDate(timeZone: string, offsetDays = 0, now = new Date()): string {
  // en-CA formats as YYYY-MM-DD; the date is taken in the library's zone, then shifted by whole days.
  const today = new Intl.DateTimeFormat("en-CA", { timeZone }).format(now);
  if (offsetDays === 0) return today;
  const [y, m, d] = today.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + offsetDays)).toISOString().slice(0, 10);
}

/** A one-sentence reading of a series for people who cannot see the chart. */
export function describeSeries(
  rows: readonly ReportRow[],
  value: (r: ReportRow) => number,
  label: (key: string) => string,
): string {
  if (rows.length === 0) return "No data.";
  const max = rows.reduce((best, r) => (value(r) > value(best) ? r : best));
  if (value(max) === 0) return `${percent.format(0)} everywhere.`;
  return `Highest at ${label(max.key)}: ${percent.format(value(max))}.`;
}
