import type { ApiDeps } from "@dlsms/api";
import { REPORT_GROUPS, reportDate } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { stringify } from "csv-stringify/sync";
import { callerFor, type RestEnv, requireUser } from "./context";
import { errorResponse } from "./schemas";

/** The CSV's columns: exactly the fields of admin.report's rows, in this order. */
export const REPORT_COLUMNS = [
  "key",
  "reservations",
  "bookedHours",
  "openHours",
  "utilisation",
  "noShows",
  "noShowRate",
] as const;

const dateParam = (name: "from" | "to", description: string) =>
  reportDate(name).openapi({
    param: { name, in: "query" },
    format: "date",
    example: name === "from" ? "2025-10-01" : "2025-10-31",
    description,
  });

const ReportQuery = z.object({
  from: dateParam("from", "First day of the report, in the library's time zone"),
  to: dateParam("to", "Last day of the report (included); at most 366 days after from"),
  group_by: z
    .enum(REPORT_GROUPS, { error: `group_by must be one of ${REPORT_GROUPS.join(", ")}` })
    .openapi({ param: { name: "group_by", in: "query" }, example: "day" }),
});

const reportsCsv = createRoute({
  method: "get",
  path: "/admin/reports.csv",
  tags: ["admin"],
  summary: "Staff report as CSV: the rows of admin.report, with a header row",
  description:
    'One row per branch, area ("Branch / Area"), day (YYYY-MM-DD) or hour of day (00–23). ' +
    "Capacity (openHours) is seats × opening hours. See docs/api.md, Reports, for what counts.",
  security: [{ bearer: [] }],
  middleware: requireUser,
  request: { query: ReportQuery },
  responses: {
    200: {
      content: {
        "text/csv": {
          schema: z.string().openapi({
            example:
              "key,reservations,bookedHours,openHours,utilisation,noShows,noShowRate\nMain Library,3,3,700,0.0043,1,0.3333\n",
          }),
        },
      },
      description: "The report",
    },
    400: errorResponse("Bad dates, a range over 366 days or an unknown group_by"),
    401: errorResponse("Missing, expired or invalid token"),
    403: errorResponse("Not a staff account"),
  },
});

export function registerReportRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(reportsCsv, async (c) => {
    const query = c.req.valid("query");
    const rows = await callerFor(deps, c).admin.report({
      from: query.from,
      to: query.to,
      groupBy: query.group_by,
    });
    // escape_formulas: a branch or area named "=…" must not run as a formula in a spreadsheet.
    const csv = stringify(rows, { header: true, columns: [...REPORT_COLUMNS], escape_formulas: true });
    const filename = `report-${query.group_by}-${query.from}-to-${query.to}.csv`;
    return c.body(csv, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    });
  });
}
