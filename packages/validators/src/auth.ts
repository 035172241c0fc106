import { z } from "zod";
import { NO_NUL, noControlChars, SINGLE_LINE } from "./common";
import { emailField } from "./profile";

export const studentIdField = z
  .string({ error: "Student ID is required" })
  .trim()
  .min(1, "Student ID is required")
  .max(50, "Student ID is at most 50 characters")
  .regex(SINGLE_LINE, noControlChars("Student ID"));

/** bcrypt reads only the first 72 bytes of a password: refuse longer ones rather than cut them. */
export const MAX_PASSWORD_BYTES = 72;
const TOO_LONG = `Password is at most ${MAX_PASSWORD_BYTES} bytes (UTF-8: accented and non-Latin letters take 2–4 bytes each)`;
const utf8 = new TextEncoder();

const passwordField = (min: number, tooShort: string) =>
  z
    .string({ error: "Password is required" })
    .min(min, tooShort)
    // Characters first (and documented in OpenAPI), so a huge string is never encoded.
    .max(MAX_PASSWORD_BYTES, { message: TOO_LONG, abort: true })
    .regex(NO_NUL, "Password must not contain a NUL character")
    .refine((password) => utf8.encode(password).length <= MAX_PASSWORD_BYTES, TOO_LONG);

export const loginInput = z.object({
  studentId: studentIdField,
  password: passwordField(1, "Password is required"),
});
export type LoginInput = z.infer<typeof loginInput>;

export const registerInput = z.object({
  studentId: studentIdField.regex(/^[A-Za-z0-9_-]{3,50}$/, "Student ID is 3–50 letters, digits, '-' or '_'"),
  password: passwordField(8, "Password must be at least 8 characters"),
  name: z
    .string({ error: "Name is required" })
    .trim()
    .min(1, "Name is required")
    .max(100, "Name is at most 100 characters")
    .regex(SINGLE_LINE, noControlChars("Name")),
  /** Optional: where booking confirmations, reminders and offers are mailed. */
  email: emailField.optional(),
});
export type RegisterInput = z.infer<typeof registerInput>;
