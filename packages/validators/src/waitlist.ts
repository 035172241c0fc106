import { z } from "zod";
import { dateTime, noControlChars, positiveId, SINGLE_LINE } from "./common";

export const joinWaitlistInput = z
  .object({
    seatId: positiveId("seatId").optional(),
    branch: z
      .string({ error: "branch must be text" })
      .trim()
      .min(1)
      .max(100)
      .regex(SINGLE_LINE, noControlChars("branch"))
      .optional(),
    hasPower: z.boolean({ error: "hasPower must be true or false" }).optional(),
    hasMonitor: z.boolean({ error: "hasMonitor must be true or false" }).optional(),
    desiredStart: dateTime("desiredStart"),
    desiredEnd: dateTime("desiredEnd"),
  })
  .refine((v) => (v.seatId === undefined) !== (v.branch === undefined), {
    message: "Wait for either one seat (seatId) or any seat of a branch (branch), not both",
    path: ["seatId"],
  });
export type JoinWaitlistInput = z.infer<typeof joinWaitlistInput>;

export const offerInput = z.object({ reservationId: positiveId("reservationId") });
export type OfferInput = z.infer<typeof offerInput>;
