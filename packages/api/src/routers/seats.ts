import { seatAvailabilityInput, seatGetInput, seatsListInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { getSeat, listSeats, seatAvailability } from "../services/seats.service";
import { protectedProcedure } from "../trpc";

export const seatsRouter = {
  list: protectedProcedure
    .input(seatsListInput.optional())
    .query(({ ctx, input }) => listSeats(ctx.db, input ?? {}, ctx.config.rules)),
  get: protectedProcedure
    .input(seatGetInput)
    .query(({ ctx, input }) => getSeat(ctx.db, input.id, ctx.user.id, ctx.config.rules)),
  availability: protectedProcedure
    .input(seatAvailabilityInput)
    .query(({ ctx, input }) => seatAvailability(ctx.db, input, ctx.user.id, ctx.config.rules)),
} satisfies TRPCRouterRecord;
