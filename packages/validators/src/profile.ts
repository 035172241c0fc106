import { z } from "zod";

/** The longest address SMTP can carry (RFC 5321's path limit less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

export const emailField = z
  .string({ error: "E-mail must be text" })
  .trim()
  .max(MAX_EMAIL_LENGTH, `E-mail is at most ${MAX_EMAIL_LENGTH} characters`)
  .pipe(z.email({ error: "Enter a valid e-mail address, like name@example.edu" }));

/** Change one's e-mail address (null removes it) and/or whether mails are sent at all. */
export const updateProfileInput = z
  .object({
    email: emailField.nullable().optional(),
    emailNotifications: z.boolean({ error: "emailNotifications must be true or false" }).optional(),
  })
  .refine((input) => input.email !== undefined || input.emailNotifications !== undefined, {
    message: "Give email, emailNotifications or both",
  });
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;
