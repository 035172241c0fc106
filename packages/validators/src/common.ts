import { z } from "zod";

/**
 * ISO 8601 date-time as clients send it: `2025-10-11T14:00:00`, with optional seconds,
 * fraction and offset (`Z`, `+02:00`). A value without an offset is read in the library's
 * time zone by the server. A space instead of `T` is accepted (the original's clients used both).
 */
export const ISO_DATE_TIME_RE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$/;

export const dateTime = (field: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${field} is required (a date and time like 2025-10-11T14:00:00)`
          : `${field} must be a date and time like 2025-10-11T14:00:00`,
    })
    .trim()
    .regex(
      ISO_DATE_TIME_RE,
      `${field} must be a date and time like 2025-10-11T14:00:00 (optionally ending in Z or +02:00)`,
    );

export const positiveId = (field: string) =>
  z
    .number({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a number`),
    })
    .int(`${field} must be a whole number`)
    .positive(`${field} must be a positive number`)
    .max(2_147_483_647, `${field} is too large`);

export const idInput = z.object({ id: positiveId("id") });
export type IdInput = z.infer<typeof idInput>;
