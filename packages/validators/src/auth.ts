import { z } from "zod";
import { NO_NUL, noControlChars, SINGLE_LINE } from "./common";

export const studentIdField = z
  .string({ error: "Student ID is required" })
  .trim()
  .min(1, "Student ID is required")
  .max(50, "Student ID is at most 50 characters")
  .regex(SINGLE_LINE, noControlChars("Student ID"));

export const loginInput = z.object({
  studentId: studentIdField,
  password: z
    .string({ error: "Password is required" })
    .min(1, "Password is required")
    .max(200, "Password is at most 200 characters")
    .regex(NO_NUL, "Password must not contain a NUL character"),
});
export type LoginInput = z.infer<typeof loginInput>;

export const registerInput = z.object({
  studentId: studentIdField.regex(/^[A-Za-z0-9_-]{3,50}$/, "Student ID is 3–50 letters, digits, '-' or '_'"),
  password: z
    .string({ error: "Password is required" })
    .min(8, "Password must be at least 8 characters")
    .max(200, "Password is at most 200 characters")
    .regex(NO_NUL, "Password must not contain a NUL character"),
  name: z
    .string({ error: "Name is required" })
    .trim()
    .min(1, "Name is required")
    .max(100, "Name is at most 100 characters")
    .regex(SINGLE_LINE, noControlChars("Name")),
});
export type RegisterInput = z.infer<typeof registerInput>;
