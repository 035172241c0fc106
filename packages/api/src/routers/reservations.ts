import { createReservationInput, idInput, myReservationsInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { announceSeatChanges } from "../services/events";
import * as service from "../services/reservations.service";
import { protectedProcedure } from "../trpc";

export const reservationsRouter = {
  create: protectedProcedure.input(createReservationInput).mutation(async ({ ctx, input }) => {
    const reservation = await service.createReservation(ctx.db, ctx.user.id, input, ctx.config.rules);
    await announceSeatChanges(ctx, [{ seatId: reservation.seatId, reason: "booked" }]);
    return reservation;
  }),
  mine: protectedProcedure
    .input(myReservationsInput)
    .query(({ ctx, input }) => service.myReservations(ctx.db, ctx.user.id, input?.upcomingOnly ?? false)),
  get: protectedProcedure
    .input(idInput)
    .query(({ ctx, input }) => service.getReservation(ctx.db, ctx.user.id, input.id)),
  checkIn: protectedProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const reservation = await service.checkIn(ctx.db, ctx.user.id, input.id, ctx.config.rules);
    await announceSeatChanges(ctx, [{ seatId: reservation.seatId, reason: "checked_in" }]);
    return reservation;
  }),
  cancel: protectedProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const reservation = await service.cancel(ctx.db, ctx.user.id, input.id, ctx.config.rules);
    await announceSeatChanges(ctx, [{ seatId: reservation.seatId, reason: "cancelled" }]);
    return reservation;
  }),
  release: protectedProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const reservation = await service.release(ctx.db, ctx.user.id, input.id);
    await announceSeatChanges(ctx, [{ seatId: reservation.seatId, reason: "released" }]);
    return reservation;
  }),
} satisfies TRPCRouterRecord;
