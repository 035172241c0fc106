import { z } from "zod";

export const studentIdField = z
  .string({ error: "Student ID is required" })
  .trim()
  .min(1, "Student ID is required")
  .max(50, "Student ID is at most 50 characters");

export const loginInput = z.object({
  studentId: studentIdField,
  password: z
    .string({ error: "Password is required" })
    .min(1, "Password is required")
    .max(200, "Password is at most 200 characters"),
});
export type LoginInput = z.infer<typeof loginInput>;

export const registerInput = z.object({
  studentId: studentIdField.regex(/^[A-Za-z0-9_-]{3,50}$/, "Student ID is 3–50 letters, digits, '-' or '_'"),
  password: z
    .string({ error: "Password is required" })
    .min(8, "Password must be at least 8 characters")
    .max(200, "Password is at most 200 characters"),
  name: z
    .string({ error: "Name is required" })
    .trim()
    .min(1, "Name is required")
    .max(100, "Name is at most 100 characters"),
});
export type RegisterInput = z.infer<typeof registerInput>;
