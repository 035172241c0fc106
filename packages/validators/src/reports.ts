import { z } from "zod";

/** A report covers at most this many days (a leap year), so one request cannot scan decades. */
export const MAX_REPORT_DAYS = 366;

export const REPORT_GROUPS = ["branch", "area", "day", "hour"] as const;
export type ReportGroupBy = (typeof REPORT_GROUPS)[number];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a real calendar date, or undefined (2026-02-30 is not one). */
export function epochDay(value: string): number | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms / 86_400_000;
}

export const reportDate = (field: string) =>
  z
    .string({ error: `${field} is required (a date like 2025-10-11)` })
    .trim()
    .regex(DATE_RE, { message: `${field} must be a date like 2025-10-11`, abort: true })
    .superRefine((value, ctx) => {
      const year = Number(value.slice(0, 4));
      if (year < 1970 || year > 9998)
        ctx.addIssue({ code: "custom", message: `${field} must be in the years 1970–9998` });
      else if (epochDay(value) === undefined)
        ctx.addIssue({ code: "custom", message: `${field} is not a real date: "${value}"` });
    });

export const reportGroupBy = z.enum(REPORT_GROUPS, {
  error: `groupBy must be one of ${REPORT_GROUPS.join(", ")}`,
});

/** `from` and `to` are local dates in the library's time zone, both included. */
export const reportInput = z
  .object({ from: reportDate("from"), to: reportDate("to"), groupBy: reportGroupBy })
  .superRefine((input, ctx) => {
    const from = epochDay(input.from);
    const to = epochDay(input.to);
    if (from === undefined || to === undefined) return;
    if (to < from) ctx.addIssue({ code: "custom", path: ["to"], message: "to must be on or after from" });
    else if (to - from + 1 > MAX_REPORT_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `A report covers at most ${MAX_REPORT_DAYS} days; this range has ${to - from + 1}`,
      });
  });
export type ReportInput = z.infer<typeof reportInput>;
