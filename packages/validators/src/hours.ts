import { z } from "zod";
import { noControlChars, SINGLE_LINE } from "./common";

const branchName = z
  .string({ error: "branch is required" })
  .trim()
  .min(1, "branch is required")
  .max(100, "branch is at most 100 characters")
  .regex(SINGLE_LINE, noControlChars("branch"));

/** "HH:MM" wall time in the library's zone, 00:00 … 24:00 (24:00 only closes a day). */
const wallTime = (field: string) =>
  z
    .string({ error: `${field} is required, as "HH:MM"` })
    .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, `${field} must be a time "HH:MM" from 00:00 to 24:00`);

/** "YYYY-MM-DD", a real calendar date. */
const calendarDate = z
  .string({ error: 'date is required, as "YYYY-MM-DD"' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be "YYYY-MM-DD"')
  .refine((value) => {
    const d = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
  }, "date is not a real calendar date");

export const openingStretchInput = z.object({
  day: z
    .number({ error: "day must be a number from 1 (Monday) to 7 (Sunday)" })
    .int("day must be a whole number from 1 (Monday) to 7 (Sunday)")
    .min(1, "day must be from 1 (Monday) to 7 (Sunday)")
    .max(7, "day must be from 1 (Monday) to 7 (Sunday)"),
  open: wallTime("open"),
  close: wallTime("close"),
});

export const setOpeningHoursInput = z.object({
  branch: branchName,
  /** Every opening stretch of the week; a day not listed is closed. Order, overlaps: the service checks. */
  hours: z
    .array(openingStretchInput, { error: "hours must be a list of { day, open, close }" })
    .max(70, "hours can list at most 70 stretches"),
});

export const addClosureInput = z.object({
  branch: branchName,
  date: calendarDate,
  reason: z
    .string({ error: "reason is required: students are told it" })
    .trim()
    .min(1, "reason is required: students are told it")
    .max(300, "reason is at most 300 characters")
    .regex(SINGLE_LINE, noControlChars("reason")),
});

export const removeClosureInput = z.object({ branch: branchName, date: calendarDate });

export type OpeningStretchInput = z.infer<typeof openingStretchInput>;
export type SetOpeningHoursInput = z.infer<typeof setOpeningHoursInput>;
export type AddClosureInput = z.infer<typeof addClosureInput>;
export type RemoveClosureInput = z.infer<typeof removeClosureInput>;
