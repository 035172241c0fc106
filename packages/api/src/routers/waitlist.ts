import { idInput, joinWaitlistInput, offerInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { withEffects } from "../services/events";
import * as service from "../services/waitlist.service";
import { protectedProcedure } from "../trpc";

export const waitlistRouter = {
  join: protectedProcedure
    .input(joinWaitlistInput)
    .mutation(({ ctx, input }) => service.joinWaitlist(ctx.db, ctx.user.id, input, ctx.config.rules)),
  mine: protectedProcedure.query(({ ctx }) => service.myWaitlist(ctx.db, ctx.user.id)),
  leave: protectedProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        service.leaveWaitlist(ctx.db, ctx.user.id, input.id, ctx.config.rules, effects),
      ),
    ),
  claim: protectedProcedure
    .input(offerInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => service.claimOffer(ctx.db, ctx.user.id, input.reservationId, effects)),
    ),
  decline: protectedProcedure
    .input(offerInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        service.declineOffer(ctx.db, ctx.user.id, input.reservationId, ctx.config.rules, effects),
      ),
    ),
} satisfies TRPCRouterRecord;
