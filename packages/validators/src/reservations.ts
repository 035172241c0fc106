import { z } from "zod";
import { dateTime, positiveId } from "./common";

export const createReservationInput = z.object({
  seatId: positiveId("seatId"),
  startTime: dateTime("startTime"),
  endTime: dateTime("endTime"),
});
export type CreateReservationInput = z.infer<typeof createReservationInput>;

export const myReservationsInput = z
  .object({ upcomingOnly: z.boolean({ error: "upcomingOnly must be true or false" }).optional() })
  .optional();
export type MyReservationsInput = z.infer<typeof myReservationsInput>;

/** What a seat's QR code carries: its code (scan to sit). */
export const scanInput = z.object({
  seatCode: z.string().trim().min(1, "seatCode is required").max(20, "seatCode is at most 20 characters"),
});
export type ScanInput = z.infer<typeof scanInput>;

/** An away break: the reservation and how long (the upper bound is AWAY_MAX_MINUTES, checked by the service). */
export const awayInput = z.object({
  id: positiveId("id"),
  minutes: z
    .number({
      error: (issue) => (issue.input === undefined ? "minutes is required" : "minutes must be a number"),
    })
    .int("minutes must be a whole number")
    .min(1, "minutes must be at least 1")
    .max(24 * 60, "minutes is too large"),
});
export type AwayInput = z.infer<typeof awayInput>;
