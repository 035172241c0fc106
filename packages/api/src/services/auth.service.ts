import { type Database, users } from "@dlsms/db";
import type { LoginInput, RegisterInput } from "@dlsms/validators";
import { eq } from "drizzle-orm";
import { signToken } from "../auth/jwt";
import type { LoginLimiter } from "../auth/limiter";
import { hashPassword, verifyPassword } from "../auth/password";
import type { AuthConfig } from "../config";
import { Conflict, NotFound, Unauthorized } from "../errors";
import { type ProfileView, toProfileView } from "./profile.service";
import { toUserView, type UserView } from "./views";

export interface Session {
  token: string;
  /** Token expiry as ISO 8601, so clients can warn before it lapses. */
  expiresAt: string;
  user: UserView;
}

export async function sessionFor(user: UserView, auth: AuthConfig): Promise<Session> {
  const { token, exp } = await signToken(user, auth.jwtSecret, auth.jwtExpirationHours);
  return { token, expiresAt: new Date(exp * 1000).toISOString(), user };
}

/**
 * "Already registered" tells whether a student id exists, so every attempt is counted per address
 * before any work; the refusal costs the same hash as a success, so time tells nothing more.
 */
export async function register(
  db: Database,
  input: RegisterInput,
  auth: AuthConfig,
  limiter: LoginLimiter,
  clientIp: string,
): Promise<Session> {
  await limiter.registration(clientIp);
  const passwordHash = await hashPassword(input.password, auth.bcryptCost);
  const [row] = await db
    .insert(users)
    .values({
      studentId: input.studentId,
      name: input.name,
      passwordHash,
      role: "student",
      email: input.email ?? null,
    })
    .onConflictDoNothing({ target: users.studentId })
    .returning();
  if (!row) throw new Conflict(`Student ID ${input.studentId} is already registered`);
  return sessionFor(toUserView(row), auth);
}

export async function login(
  db: Database,
  input: LoginInput,
  auth: AuthConfig,
  limiter: LoginLimiter,
  clientIp: string,
): Promise<Session> {
  // Taken before the password is checked: a check that only read the failures let every
  // concurrent guess through while the first ones were still hashing.
  const attempt = await limiter.attempt(input.studentId, clientIp);
  const [row] = await db.select().from(users).where(eq(users.studentId, input.studentId)).limit(1);
  // Campus-only accounts (no password hash) cost the same dummy check as unknown students.
  const ok = await verifyPassword(input.password, row?.passwordHash ?? undefined, auth.bcryptCost);
  // The same answer for an unknown student, a wrong password and a campus-only account.
  if (!row || !ok) throw new Unauthorized("Student ID or password is incorrect");
  await attempt.succeeded();
  return sessionFor(toUserView(row), auth);
}

export async function getUser(db: Database, id: number): Promise<ProfileView> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!row) throw new NotFound("Your account no longer exists");
  return toProfileView(row);
}
