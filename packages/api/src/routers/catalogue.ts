import { renameBranchInput, retirePreviewInput, retireSeatInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import * as catalog from "../services/catalog.service";
import { withEffects } from "../services/events";
import { retirePreview, retireSeat } from "../services/retire.service";
import { adminProcedure } from "../trpc";

/** Staff's catalogue editing beyond create/update seat (admin.ts): spread into the admin router. */
export const catalogueProcedures = {
  /** Every branch with all its seats, retired ones included (marked), for the catalogue editor. */
  catalogue: adminProcedure.query(({ ctx }) => catalog.staffCatalogue(ctx.db)),
  renameBranch: adminProcedure
    .input(renameBranchInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => catalog.renameBranch(ctx.db, input, effects, ctx.user.id)),
    ),
  /** What retiring a seat would cancel, before staff confirm it. */
  retirePreview: adminProcedure
    .input(retirePreviewInput)
    .query(({ ctx, input }) => retirePreview(ctx.db, input.seatId)),
  retireSeat: adminProcedure
    .input(retireSeatInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => retireSeat(ctx.db, input, effects, ctx.user.id)),
    ),
} satisfies TRPCRouterRecord;
