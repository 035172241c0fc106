import {
  adminReservationsInput,
  createBranchInput,
  createSeatInput,
  maintenancePreviewInput,
  notifyWaitlistInput,
  setSeatStatusInput,
  staffCancelInput,
  updateSeatInput,
  utilisationInput,
} from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import * as staff from "../services/admin.service";
import * as catalog from "../services/catalog.service";
import { withEffects } from "../services/events";
import * as maintenance from "../services/maintenance.service";
import { runSweep } from "../services/sweeper";
import { adminProcedure } from "../trpc";
import { catalogueProcedures } from "./catalogue";
import { deskProcedures } from "./desk";
import { openingHoursProcedures } from "./opening-hours";
import { reportsProcedures } from "./reports";
import { standingProcedures } from "./standing";

/** Library staff (role admin): catalogue, maintenance, every reservation, statistics. */
export const adminRouter = {
  ...deskProcedures,
  ...openingHoursProcedures,
  reservations: adminProcedure
    .input(adminReservationsInput)
    .query(({ ctx, input }) =>
      staff.listAllReservations(ctx.db, input ?? { limit: 100, offset: 0 }, ctx.config.rules),
    ),
  cancelReservation: adminProcedure
    .input(staffCancelInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        staff.staffCancel(ctx.db, input.id, input.reason, ctx.config.rules, effects, ctx.user.id),
      ),
    ),
  /** What closing a seat (until an optional end) would cancel, before staff confirm it. */
  maintenancePreview: adminProcedure
    .input(maintenancePreviewInput)
    .query(({ ctx, input }) => maintenance.maintenancePreview(ctx.db, input, ctx.config.rules)),
  setSeatStatus: adminProcedure
    .input(setSeatStatusInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        maintenance.setSeatStatus(ctx.db, input, ctx.config.rules, effects, ctx.user.id),
      ),
    ),
  createBranch: adminProcedure
    .input(createBranchInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => catalog.createBranch(ctx.db, input, effects, ctx.user.id)),
    ),
  createSeat: adminProcedure
    .input(createSeatInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => catalog.createSeat(ctx.db, input, effects, ctx.user.id)),
    ),
  updateSeat: adminProcedure
    .input(updateSeatInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => catalog.updateSeat(ctx.db, input, effects, ctx.user.id)),
    ),
  utilisation: adminProcedure
    .input(utilisationInput)
    .query(({ ctx, input }) => catalog.utilisation(ctx.db, input, ctx.config.rules)),
  notifyWaitlist: adminProcedure
    .input(notifyWaitlistInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => staff.notifyWaitlist(ctx.db, input.seatId, input.message, effects)),
    ),
  ...catalogueProcedures,
  /** One sweeper pass now (operators, tests); the schedule runs it anyway. */
  sweep: adminProcedure.mutation(async ({ ctx }) => {
    const { result, effects } = await runSweep(ctx.db, ctx.config.rules);
    await effects.flush(ctx);
    return result;
  }),
  ...reportsProcedures,
  ...standingProcedures,
} satisfies TRPCRouterRecord;
