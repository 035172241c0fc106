import { z } from "zod";
import { positiveId } from "./common";
import { createReservationInput } from "./reservations";

/**
 * No configuration allows more weeks (SERIES_MAX_WEEKS is at most 52); the server's own limit,
 * usually lower, is a booking rule it checks and explains.
 */
export const SERIES_WEEKS_CEILING = 52;

/** A weekly series: the same seat and times every week, from the first window on. */
export const createSeriesInput = createReservationInput.extend({
  weeks: z
    .number({ error: "weeks must be a whole number of weeks, 2 or more" })
    .int("weeks must be a whole number of weeks, 2 or more")
    .min(2, "weeks must be at least 2: a single week is an ordinary booking")
    .max(SERIES_WEEKS_CEILING, `weeks must be at most ${SERIES_WEEKS_CEILING}`),
});
export type CreateSeriesInput = z.infer<typeof createSeriesInput>;

export const seriesIdInput = z.object({ seriesId: positiveId("seriesId") });
export type SeriesIdInput = z.infer<typeof seriesIdInput>;
