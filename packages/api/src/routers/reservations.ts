import {
  awayInput,
  createReservationInput,
  createSeriesInput,
  idInput,
  myReservationsInput,
  scanInput,
  seriesIdInput,
} from "@dlsms/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { lostRacesForBooking } from "../read-models/known-losses";
import { withSuggestions } from "../read-models/seat-suggestions";
import { cachedMyReservations } from "../read-models/student-reservations";
import { comeBack, stepAway } from "../services/away.service";
import { withEffects } from "../services/events";
import { createReservationOnce } from "../services/idempotency";
import * as service from "../services/reservations.service";
import { scanSeat } from "../services/scan.service";
import { assertMayBook } from "../services/standing.service";
import { bookingProcedure, protectedProcedure } from "../trpc";
import { ownReservationHistory } from "./desk";

export const reservationsRouter = {
  create: bookingProcedure.input(createReservationInput).mutation(({ ctx, input }) =>
    withSuggestions(ctx, ctx.user.id, input, () =>
      withEffects(ctx, async (effects) => {
        // The seats version is read before the attempt: see known-losses.ts. The suspension check
        // (one primary-key read) runs beside it, so it adds no wait.
        const [lostRaces] = await Promise.all([
          lostRacesForBooking(ctx.cache, input.seatId),
          assertMayBook(ctx.db, ctx.user.id, ctx.config.rules),
        ]);
        const key = ctx.idempotencyKey;
        if (key) {
          const { rules } = ctx.config;
          return createReservationOnce(ctx.db, ctx.user.id, key, input, rules, effects, lostRaces);
        }
        return service.createReservation(ctx.db, ctx.user.id, input, ctx.config.rules, effects, lostRaces);
      }),
    ),
  ),
  /** The same seat and times every week, all or nothing (services/series.service.ts). */
  createSeries: bookingProcedure
    .input(createSeriesInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        service.createSeries(ctx.db, ctx.user.id, input, ctx.config.rules, effects),
      ),
    ),
  /** Cancels the caller's own series' weeks that have not started; one week alone: `cancel`. */
  cancelSeries: protectedProcedure
    .input(seriesIdInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        service.cancelSeries(ctx.db, ctx.user.id, input.seriesId, ctx.config.rules, effects),
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
  /** A short break from a checked-in reservation (status AWAY until the break ends). */
  away: protectedProcedure
    .input(awayInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) =>
        stepAway(ctx.db, ctx.user.id, input.id, input.minutes, ctx.config.rules, effects),
      ),
    ),
  back: protectedProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      withEffects(ctx, (effects) => comeBack(ctx.db, ctx.user.id, input.id, ctx.config.rules, effects)),
    ),
} satisfies TRPCRouterRecord;
