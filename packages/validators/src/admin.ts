import { z } from "zod";
import { dateTime, noControlChars, PROSE, positiveId, SINGLE_LINE } from "./common";

const name = (field: string, max = 100, allowed = SINGLE_LINE) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} is required`)
    .max(max, `${field} is at most ${max} characters`)
    .regex(allowed, noControlChars(field));

export const adminReservationsInput = z
  .object({
    status: z
      .enum(["HELD", "CONFIRMED", "CHECKED_IN", "COMPLETED", "CANCELLED", "NO_SHOW", "EXPIRED"])
      .optional(),
    seatId: positiveId("seatId").optional(),
    studentId: z.string().trim().min(1).max(50).regex(SINGLE_LINE, noControlChars("studentId")).optional(),
    from: dateTime("from").optional(),
    to: dateTime("to").optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .optional();

export const setSeatStatusInput = z.object({
  seatId: positiveId("seatId"),
  status: z.enum(["ACTIVE", "MAINTENANCE"], { error: "status must be ACTIVE or MAINTENANCE" }),
});

export const staffCancelInput = z.object({
  id: positiveId("id"),
  reason: name("reason", 300, PROSE).optional(),
});

export const createBranchInput = z.object({
  name: name("name"),
  code: z
    .string()
    .trim()
    .regex(/^[A-Z]{1,6}$/, "code is 1–6 capital letters, e.g. ML"),
});

export const createSeatInput = z.object({
  branch: name("branch"),
  area: name("area"),
  hasPower: z.boolean().default(false),
  hasMonitor: z.boolean().default(false),
});

export const updateSeatInput = z.object({
  seatId: positiveId("seatId"),
  area: name("area").optional(),
  hasPower: z.boolean().optional(),
  hasMonitor: z.boolean().optional(),
});

export const utilisationInput = z.object({ from: dateTime("from"), to: dateTime("to") });

export const notifyWaitlistInput = z.object({
  seatId: positiveId("seatId"),
  message: z.string().trim().max(300).regex(PROSE, noControlChars("message")).optional(),
});
