import { users } from "@dlsms/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyToken } from "../src/auth/jwt";
import { Forbidden } from "../src/errors";
import { signInCampusStudent } from "../src/services/campus-sign-in.service";
import { createTestApi, TEST_JWT_SECRET, type TestApi } from "../src/testing";
import { expectTRPCError } from "./helpers";

// The service behind GET /auth/oidc/callback (apps/server/test/campus-sign-in.test.ts runs the
// whole flow against a real provider).
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(undefined, { poolSize: 10 });
});
afterAll(() => api?.destroy());

const accounts = (studentId: string) =>
  api.database.db.select().from(users).where(eq(users.studentId, studentId));
const signIn = (studentId: unknown, name: unknown) =>
  signInCampusStudent(api.deps.db, { studentId, name }, api.deps.config.auth);

describe("signInCampusStudent", () => {
  it("creates a passwordless student on first sign-in and returns a session like a password login", async () => {
    const session = await signIn("C2030001", "Cam Pus");
    expect(session.user).toEqual({
      id: session.user.id,
      studentId: "C2030001",
      name: "Cam Pus",
      role: "student",
    });
    const verified = await verifyToken(session.token, TEST_JWT_SECRET);
    expect(verified.ok && verified.user.id).toBe(session.user.id);
    expect(await accounts("C2030001")).toMatchObject([{ passwordHash: null, role: "student" }]);
    // Such an account has no password to log in with: refused just like a wrong password.
    await expectTRPCError(
      api.anonymous.auth.login({ studentId: "C2030001", password: "whatever1" }),
      "UNAUTHORIZED",
    );
  });

  it("reuses the account on later sign-ins, including one registered with a password", async () => {
    const first = await signIn("C2030002", "First Name");
    const again = await signIn("C2030002", "Renamed Elsewhere");
    expect(again.user).toEqual(first.user);
    const alice = await signIn("S2021001", "Alice From Campus");
    expect(alice.user).toMatchObject({ id: 1, studentId: "S2021001", name: "Alice Johnson" });
  });

  it("concurrent first sign-ins of one student make exactly one account", async () => {
    const sessions = await Promise.all(Array.from({ length: 12 }, () => signIn("C2030003", "Racer")));
    expect(new Set(sessions.map((s) => s.user.id)).size).toBe(1);
    expect(await accounts("C2030003")).toHaveLength(1);
  });

  it("never signs into a staff account, and refuses unusable student ids without creating anyone", async () => {
    await expect(signIn("ADMIN001", "Mallory")).rejects.toBeInstanceOf(Forbidden);
    for (const bad of [undefined, 42, "", "   ", "x".repeat(51), "two\nlines"]) {
      await expect(signIn(bad, "Nobody")).rejects.toBeInstanceOf(Forbidden);
    }
    expect(await accounts("")).toHaveLength(0);
  });

  it("takes the name claim on one line and within 100 characters, else the student id", async () => {
    expect((await signIn("C2030004", "Ann\u0000\nLee")).user.name).toBe("Ann Lee");
    expect((await signIn("C2030005", undefined)).user.name).toBe("C2030005");
    expect((await signIn("C2030006", "y".repeat(150))).user.name).toHaveLength(100);
  });
});
