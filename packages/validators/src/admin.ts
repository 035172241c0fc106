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
      .enum(["HELD", "CONFIRMED", "CHECKED_IN", "AWAY", "COMPLETED", "CANCELLED", "NO_SHOW", "EXPIRED"])
      .optional(),
    seatId: positiveId("seatId").optional(),
    studentId: z.string().trim().min(1).max(50).regex(SINGLE_LINE, noControlChars("studentId")).optional(),
    from: dateTime("from").optional(),
    to: dateTime("to").optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .optional();

export const setSeatStatusInput = z
  .object({
    seatId: positiveId("seatId"),
    status: z.enum(["ACTIVE", "MAINTENANCE"], { error: "status must be ACTIVE or MAINTENANCE" }),
    /** Told to every student whose booking the closure cancels. */
    reason: name("reason", 300).optional(),
    /** When the closure ends: bookings from then on are kept, and the seat reopens by itself. */
    until: dateTime("until").optional(),
    /**
     * The number of cancellations the preview showed. If the bookings changed since, nothing
     * happens (CONFLICT), so staff never cancel more than they confirmed.
     */
    expectedCancellations: z
      .number({ error: "expectedCancellations must be a number" })
      .int("expectedCancellations must be a whole number")
      .min(0, "expectedCancellations cannot be negative")
      .max(100_000, "expectedCancellations is too large")
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.status !== "ACTIVE") return;
    for (const field of ["reason", "until", "expectedCancellations"] as const) {
      if (input[field] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `${field} only applies when closing a seat for maintenance`,
        });
    }
  });

export const maintenancePreviewInput = z.object({
  seatId: positiveId("seatId"),
  until: dateTime("until").optional(),
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

/** Seat codes as the seed writes them (ML-01): capitals and digits, with dashes between. */
const seatCode = z
  .string({ error: "code must be text like ML-31" })
  .trim()
  .toUpperCase()
  .max(20, "code is at most 20 characters")
  .regex(/^[A-Z0-9]+(-[A-Z0-9]+)*$/, "code is capital letters and digits with dashes between, e.g. ML-31");

export const createSeatInput = z.object({
  branch: name("branch"),
  area: name("area"),
  hasPower: z.boolean().default(false),
  hasMonitor: z.boolean().default(false),
  /** Omitted: the branch's code and the next free number (ML-31). */
  code: seatCode.optional(),
});

export const updateSeatInput = z.object({
  seatId: positiveId("seatId"),
  code: seatCode.optional(),
  area: name("area").optional(),
  hasPower: z.boolean().optional(),
  hasMonitor: z.boolean().optional(),
});

export const renameBranchInput = z.object({
  /** The branch's current name. */
  branch: name("branch"),
  name: name("name"),
});

export const retireSeatInput = z.object({
  seatId: positiveId("seatId"),
  /** Told to every student whose booking or waitlist entry the retirement cancels. */
  reason: name("reason", 300, PROSE),
  /** The number of cancellations the preview showed; if the bookings changed since, nothing happens (CONFLICT). */
  expectedCancellations: z
    .number({ error: "expectedCancellations must be a number" })
    .int("expectedCancellations must be a whole number")
    .min(0, "expectedCancellations cannot be negative")
    .max(100_000, "expectedCancellations is too large")
    .optional(),
});

export const retirePreviewInput = z.object({ seatId: positiveId("seatId") });

export const utilisationInput = z.object({ from: dateTime("from"), to: dateTime("to") });

export const notifyWaitlistInput = z.object({
  seatId: positiveId("seatId"),
  message: z.string().trim().max(300).regex(PROSE, noControlChars("message")).optional(),
});
