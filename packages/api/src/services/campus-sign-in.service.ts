import { type Database, users } from "@dlsms/db";
import { studentIdField } from "@dlsms/validators";
import { eq } from "drizzle-orm";
import type { AuthConfig } from "../config";
import { Forbidden } from "../errors";
import { type Session, sessionFor } from "./auth.service";
import { toUserView } from "./views";

/** Who the campus identity provider vouched for: the student id claim and, if sent, a display name. */
export interface CampusIdentity {
  studentId: unknown;
  name: unknown;
}

const NAME_MAX = 100;

/**
 * Signs in the student the campus provider vouched for, creating the account on first sign-in
 * (without a password: such a student signs in only through the provider). Staff accounts are
 * never reached this way: a provider claim matching a staff id must not grant staff rights, so
 * staff keep signing in with their password.
 */
export async function signInCampusStudent(
  db: Database,
  identity: CampusIdentity,
  auth: AuthConfig,
): Promise<Session> {
  const parsed = studentIdField.safeParse(identity.studentId);
  if (!parsed.success) throw new Forbidden("Your campus account does not carry a usable student id");
  const studentId = parsed.data;
  const name = displayName(identity.name, studentId);
  // On conflict nothing is inserted: the account exists (or a concurrent first sign-in made it).
  const [created] = await db
    .insert(users)
    .values({ studentId, name, passwordHash: null, role: "student" })
    .onConflictDoNothing({ target: users.studentId })
    .returning();
  const row = created ?? (await db.select().from(users).where(eq(users.studentId, studentId)).limit(1))[0];
  if (!row) throw new Forbidden("Your account could not be found; please try again");
  if (row.role !== "student") {
    throw new Forbidden("Staff accounts sign in with their password, not with the campus account");
  }
  return sessionFor(toUserView(row), auth);
}

/** The provider's name claim on one line and within the column, else the student id. */
function displayName(claim: unknown, studentId: string): string {
  if (typeof claim !== "string") return studentId;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const oneLine = claim.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return oneLine === "" ? studentId : oneLine.slice(0, NAME_MAX);
}
