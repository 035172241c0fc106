import { reportInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { report } from "../services/reports.service";
import { adminProcedure } from "../trpc";

/** Staff reports; spread into the admin router, so they are `admin.report` etc. */
export const reportsProcedures = {
  /** Reservations, booked vs open seat-hours and no-shows for local dates from…to, grouped. */
  report: adminProcedure
    .input(reportInput)
    .query(({ ctx, input }) => report(ctx.db, input, ctx.config.rules.libraryTimezone)),
} satisfies TRPCRouterRecord;
