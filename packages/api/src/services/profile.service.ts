import { type Database, type User, users } from "@dlsms/db";
import type { UpdateProfileInput } from "@dlsms/validators";
import { eq } from "drizzle-orm";
import { NotFound } from "../errors";
import { toUserView, type UserView } from "./views";

/** auth.me: the user plus where and whether mails go to them. */
export interface ProfileView extends UserView {
  email: string | null;
  emailNotifications: boolean;
}

export function toProfileView(
  u: Pick<User, "id" | "studentId" | "name" | "role" | "email" | "emailNotifications">,
): ProfileView {
  return { ...toUserView(u), email: u.email, emailNotifications: u.emailNotifications };
}

/**
 * auth.updateProfile: sets what was given (an e-mail of null removes the address). Mails already
 * queued follow the new choice: the worker reads the address and the switch when it sends.
 */
export async function updateProfile(
  db: Database,
  userId: number,
  input: UpdateProfileInput,
): Promise<ProfileView> {
  const [row] = await db
    .update(users)
    .set({
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.emailNotifications !== undefined ? { emailNotifications: input.emailNotifications } : {}),
    })
    .where(eq(users.id, userId))
    .returning();
  if (!row) throw new NotFound("Your account no longer exists");
  return toProfileView(row);
}
