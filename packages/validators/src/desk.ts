import { z } from "zod";
import { dateTime, noControlChars, PROSE, positiveId, SINGLE_LINE } from "./common";

/** A student id as the library prints it on cards (S2021001): what staff type at the desk. */
const studentId = z
  .string({ error: "studentId is required" })
  .trim()
  .min(1, "studentId is required")
  .max(50, "studentId is at most 50 characters")
  .regex(SINGLE_LINE, noControlChars("studentId"));

/** Staff book for a student: the student's booking, with every student rule. */
export const bookForInput = z.object({
  studentId,
  seatId: positiveId("seatId"),
  startTime: dateTime("startTime"),
  endTime: dateTime("endTime"),
});
export type BookForInput = z.infer<typeof bookForInput>;

/** The desk's student search: part of a student id or of a name; empty lists everyone. */
export const studentSearchInput = z
  .object({
    query: z
      .string({ error: "query must be text" })
      .trim()
      .max(100, "query is at most 100 characters")
      .regex(SINGLE_LINE, noControlChars("query"))
      .default(""),
    limit: z.number().int().min(1).max(100).default(20),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
  .optional();

export const studentReservationsInput = z.object({
  studentId,
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export const reservationHistoryInput = z.object({ reservationId: positiveId("reservationId") });

/** A seat's or branch's trail (catalogue, maintenance and hours changes), or a user's (pardons). */
export const entityHistoryInput = z.object({
  entityType: z.enum(["seat", "branch", "user"], { error: "entityType must be seat, branch or user" }),
  entityId: positiveId("entityId"),
});

/** A student's no-show standing, as the desk shows it before a pardon. */
export const studentStandingInput = z.object({ studentId });

/** Staff lift a student's strikes and suspension; the reason goes into the audit trail. */
export const pardonInput = z.object({
  studentId,
  reason: z
    .string({ error: "reason is required" })
    .trim()
    .min(1, "reason is required")
    .max(300, "reason is at most 300 characters")
    .regex(PROSE, noControlChars("reason")),
});
export type PardonInput = z.infer<typeof pardonInput>;
