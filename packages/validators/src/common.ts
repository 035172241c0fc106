import { z } from "zod";

/**
 * ISO 8601 date-time as clients send it: `2025-10-11T14:00:00`, with optional seconds,
 * fraction and offset (`Z`, `+02:00`). A value without an offset is read in the library's
 * time zone by the server. A space instead of `T` is accepted (the original's clients used both).
 */
export const ISO_DATE_TIME_RE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$/;

const MIN_YEAR = 1970;

/** Offsets run from -12:00 to +14:00 on Earth; anything beyond is a typo or a probe. */
const MAX_OFFSET_MINUTES = 14 * 60;
const OFFSET_RE = /[+-](\d{2}):?(\d{2})?$/;

/**
 * Why a well-formed date-time is still refused, or undefined. The database stores instants from
 * 1970 on (year 0 is not even a valid Postgres date), so earlier years are refused here rather
 * than failing deep inside a query.
 */
function dateTimeProblem(value: string, field: string): string | undefined {
  if (Number(value.slice(0, 4)) < MIN_YEAR) return `${field} must be in the years ${MIN_YEAR}–9999`;
  const offset = OFFSET_RE.exec(value.slice(16));
  if (offset) {
    const minutes = Number(offset[2] ?? "0");
    if (minutes > 59 || Number(offset[1]) * 60 + minutes > MAX_OFFSET_MINUTES)
      return `${field} has a time zone offset beyond ±14:00`;
  }
  return undefined;
}

export const dateTime = (field: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${field} is required (a date and time like 2025-10-11T14:00:00)`
          : `${field} must be a date and time like 2025-10-11T14:00:00`,
    })
    .trim()
    .regex(ISO_DATE_TIME_RE, {
      message: `${field} must be a date and time like 2025-10-11T14:00:00 (optionally ending in Z or +02:00)`,
      abort: true,
    })
    .superRefine((value, ctx) => {
      const problem = dateTimeProblem(value, field);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

/**
 * Text without control characters: a NUL cannot even be stored in a Postgres text column, and
 * the others (escape sequences, backspaces) have no business in a name or a filter.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
export const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
/** Free text (a message, a reason): tab and line breaks allowed, other control characters not. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
export const PROSE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
/** Passwords keep every character they had, except NUL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
export const NO_NUL = /^[^\u0000]*$/;
export const noControlChars = (field: string) => `${field} must not contain control characters`;

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

/**
 * A notification id as text (what `tracked()` and SSE's Last-Event-ID carry): digits within the
 * ids JavaScript numbers hold exactly, which covers every id the table will hand out.
 */
export const eventId = (field: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, `${field} must be a notification id`)
    .refine((v) => Number(v) <= Number.MAX_SAFE_INTEGER, `${field} must be a notification id`);
