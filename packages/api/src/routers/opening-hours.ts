import { addClosureInput, removeClosureInput, setOpeningHoursInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { withEffects } from "../services/events";
import * as hours from "../services/opening-hours";
import { adminProcedure } from "../trpc";

/** Staff: a branch's weekly opening hours and its closed days (spread into the admin router). */
export const openingHoursProcedures = {
  setOpeningHours: adminProcedure
    .input(setOpeningHoursInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => hours.setOpeningHours(ctx.db, input, effects, ctx.user.id)),
    ),
  addClosure: adminProcedure
    .input(addClosureInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => hours.addClosure(ctx.db, input, ctx.config.rules, effects, ctx.user.id)),
    ),
  removeClosure: adminProcedure
    .input(removeClosureInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => hours.removeClosure(ctx.db, input, effects, ctx.user.id)),
    ),
} satisfies TRPCRouterRecord;
