import { pardonInput, studentStandingInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { pardon, studentStanding } from "../services/standing.service";
import { adminProcedure } from "../trpc";

/** No-show standing at the desk; spread into the admin router (staff only). */
export const standingProcedures = {
  /** A student's open strikes and suspension, by student id (S2021001). */
  studentStanding: adminProcedure
    .input(studentStandingInput)
    .query(({ ctx, input }) => studentStanding(ctx.db, input.studentId, ctx.config.rules)),
  /** Clears the student's strikes and suspension; audited with the staff member and reason. */
  pardon: adminProcedure
    .input(pardonInput)
    .mutation(({ ctx, input }) => pardon(ctx.db, ctx.user.id, input, ctx.config.rules)),
} satisfies TRPCRouterRecord;
