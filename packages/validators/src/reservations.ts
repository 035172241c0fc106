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
