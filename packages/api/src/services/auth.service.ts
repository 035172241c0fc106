import { type Database, users } from "@dlsms/db";
import type { LoginInput, RegisterInput } from "@dlsms/validators";
import { eq } from "drizzle-orm";
import { signToken } from "../auth/jwt";
import type { LoginLimiter } from "../auth/limiter";
import { hashPassword, verifyPassword } from "../auth/password";
import type { AuthConfig } from "../config";
import { Conflict, NotFound, Unauthorized } from "../errors";
import { toUserView, type UserView } from "./views";

export interface Session {
  token: string;
  /** Token expiry as ISO 8601, so clients can warn before it lapses. */
  expiresAt: string;
  user: UserView;
}

async function sessionFor(user: UserView, auth: AuthConfig): Promise<Session> {
  const { token, exp } = await signToken(user, auth.jwtSecret, auth.jwtExpirationHours);
  return { token, expiresAt: new Date(exp * 1000).toISOString(), user };
}

export async function register(db: Database, input: RegisterInput, auth: AuthConfig): Promise<Session> {
  const passwordHash = await hashPassword(input.password, auth.bcryptCost);
  const [row] = await db
    .insert(users)
    .values({ studentId: input.studentId, name: input.name, passwordHash, role: "student" })
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
  await limiter.check(input.studentId, clientIp);
  const [row] = await db.select().from(users).where(eq(users.studentId, input.studentId)).limit(1);
  const ok = await verifyPassword(input.password, row?.passwordHash, auth.bcryptCost);
  if (!row || !ok) {
    await limiter.recordFailure(input.studentId);
    // The same answer for an unknown student and a wrong password.
    throw new Unauthorized("Student ID or password is incorrect");
  }
  return sessionFor(toUserView(row), auth);
}

export async function getUser(db: Database, id: number): Promise<UserView> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!row) throw new NotFound("Your account no longer exists");
  return toUserView(row);
}
