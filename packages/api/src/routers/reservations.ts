import { createReservationInput, idInput, myReservationsInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { lostRacesForBooking } from "../read-models/known-losses";
import { cachedMyReservations } from "../read-models/student-reservations";
import { withEffects } from "../services/events";
import * as service from "../services/reservations.service";
import { protectedProcedure } from "../trpc";
import { ownReservationHistory } from "./desk";

export const reservationsRouter = {
  create: protectedProcedure.input(createReservationInput).mutation(({ ctx, input }) =>
    withEffects(ctx, async (effects) => {
      // The seats version is read before the attempt: see known-losses.ts.
      const lostRaces = await lostRacesForBooking(ctx.cache, input.seatId);
      const reservation = await service.createReservation(
        ctx.db,
        ctx.user.id,
        input,
        ctx.config.rules,
        lostRaces,
      );
      effects.seat(reservation.seatId, "booked", reservation.userId);
      return reservation;
    }),
  ),
  mine: protectedProcedure
    .input(myReservationsInput)
    // Through this process's per-user copy, checked against the seats version (student-reservations.ts).
    .query(({ ctx, input }) =>
      cachedMyReservations(ctx, ctx.user.id, input?.upcomingOnly ?? false, ctx.config.rules),
    ),
  history: ownReservationHistory,
  get: protectedProcedure
    .input(idInput)
    .query(({ ctx, input }) => service.getReservation(ctx.db, ctx.user.id, input.id, ctx.config.rules)),
  checkIn: protectedProcedure.input(idInput).mutation(({ ctx, input }) =>
    withEffects(ctx, async (effects) => {
      const reservation = await service.checkIn(ctx.db, ctx.user.id, input.id, ctx.config.rules);
      effects.seat(reservation.seatId, "checked_in", reservation.userId);
      return reservation;
    }),
  ),
  cancel: protectedProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => service.cancel(ctx.db, ctx.user.id, input.id, ctx.config.rules, effects)),
    ),
  release: protectedProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        service.release(ctx.db, ctx.user.id, input.id, ctx.config.rules, effects),
      ),
    ),
} satisfies TRPCRouterRecord;
