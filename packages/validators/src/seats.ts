import { z } from "zod";
import { dateTime, noControlChars, positiveId, SINGLE_LINE } from "./common";

const optionalText = (field: string) =>
  z
    .string({ error: `${field} must be text` })
    .trim()
    .max(100, `${field} is at most 100 characters`)
    .regex(SINGLE_LINE, noControlChars(field))
    .optional();

export const seatsListInput = z
  .object({
    branch: optionalText("branch"),
    area: optionalText("area"),
    hasPower: z.boolean({ error: "hasPower must be true or false" }).optional(),
    hasMonitor: z.boolean({ error: "hasMonitor must be true or false" }).optional(),
    availableOnly: z.boolean({ error: "availableOnly must be true or false" }).optional(),
    startTime: dateTime("startTime").optional(),
    endTime: dateTime("endTime").optional(),
  })
  .refine((v) => (v.startTime === undefined) === (v.endTime === undefined), {
    message: "Give both startTime and endTime, or neither (then the window is now → +1 hour)",
    path: ["endTime"],
  });
export type SeatsListInput = z.infer<typeof seatsListInput>;

export const seatGetInput = z.object({ id: positiveId("id") });

export const seatAvailabilityInput = z.object({
  seatId: positiveId("seatId"),
  from: dateTime("from"),
  to: dateTime("to"),
});
export type SeatAvailabilityInput = z.infer<typeof seatAvailabilityInput>;

export const seatsOnChangeInput = z.object({ branch: optionalText("branch") }).optional();
