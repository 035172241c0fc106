import { createReservationInput, idInput, myReservationsInput, scanInput } from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { lostRacesForBooking } from "../read-models/known-losses";
import { withSuggestions } from "../read-models/seat-suggestions";
import { cachedMyReservations } from "../read-models/student-reservations";
import { withEffects } from "../services/events";
import { createReservationOnce } from "../services/idempotency";
import * as service from "../services/reservations.service";
import { scanSeat } from "../services/scan.service";
import { bookingProcedure, protectedProcedure } from "../trpc";
import { ownReservationHistory } from "./desk";

export const reservationsRouter = {
  create: bookingProcedure.input(createReservationInput).mutation(({ ctx, input }) =>
    withSuggestions(ctx, ctx.user.id, input, () =>
      withEffects(ctx, async (effects) => {
        const key = ctx.idempotencyKey;
        if (key) return createReservationOnce(ctx.db, ctx.user.id, key, input, ctx.config.rules, effects);
        // The seats version is read before the attempt: see known-losses.ts.
        const lostRaces = await lostRacesForBooking(ctx.cache, input.seatId);
        return service.createReservation(ctx.db, ctx.user.id, input, ctx.config.rules, effects, lostRaces);
      }),
    ),
  ),
  /** Scan to sit: check in to one's booking of the seat, take it if free, or learn when it is free. */
  scan: bookingProcedure
    .input(scanInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => scanSeat(ctx.db, ctx.user.id, input.seatCode, ctx.config.rules, effects)),
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
  checkIn: protectedProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        service.checkIn(ctx.db, ctx.user.id, input.id, ctx.config.rules, effects),
      ),
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
