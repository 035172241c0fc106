import type { IncomingMessage } from "node:http";
import { users } from "@dlsms/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { knownSession, signToken, verifyToken } from "../src/auth/jwt";
import { createContextFactory, createContextInner } from "../src/context";
import { createCaller } from "../src/root";
import { createTestApi, TEST_JWT_SECRET, type TestApi, testConfig } from "../src/testing";
import { expectTRPCError } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const alice = { id: 1, studentId: "S2021001", name: "Alice Johnson", role: "student" as const };
/** auth.me also answers the no-show standing (standing.service.ts): none for a fresh student. */
const GOOD_STANDING = { strikes: 0, suspendedUntil: null };
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function userCount(studentId: string) {
  const [row] = await api.database.db
    .select({ n: count() })
    .from(users)
    .where(eq(users.studentId, studentId));
  return row?.n ?? 0;
}

describe("register", () => {
  it("creates a student and returns a token for them", async () => {
    const session = await api.anonymous.auth.register({
      studentId: "S2029001",
      password: "correct horse",
      name: "Zed Newcomer",
    });
    expect(session.user).toEqual({
      id: session.user.id,
      studentId: "S2029001",
      name: "Zed Newcomer",
      role: "student",
    });
    const verified = await verifyToken(session.token, TEST_JWT_SECRET);
    expect(verified).toMatchObject({ ok: true, user: { id: session.user.id, studentId: "S2029001" } });
    const login = await api.anonymous.auth.login({ studentId: "S2029001", password: "correct horse" });
    expect(login.user.id).toBe(session.user.id);
  });

  it("a duplicate student id is CONFLICT and the existing account is untouched", async () => {
    await expectTRPCError(
      api.anonymous.auth.register({ studentId: "S2021001", password: "another-pass", name: "Mallory" }),
      "CONFLICT",
      "Student ID S2021001 is already registered",
    );
    expect(await userCount("S2021001")).toBe(1);
    const still = await api.anonymous.auth.login({ studentId: "S2021001", password: "password123" });
    expect(still.user.name).toBe("Alice Johnson");
  });

  it("a weak password is BAD_REQUEST and creates nothing", async () => {
    await expectTRPCError(
      api.anonymous.auth.register({ studentId: "S2029002", password: "short", name: "Weak" }),
      "BAD_REQUEST",
      "Password must be at least 8 characters",
    );
    expect(await userCount("S2029002")).toBe(0);
  });

  it("missing fields are BAD_REQUEST naming them", async () => {
    await expectTRPCError(
      api.anonymous.auth.register({ studentId: "S2029003", password: "long enough" } as {
        studentId: string;
        password: string;
        name: string;
      }),
      "BAD_REQUEST",
      "Name is required",
    );
  });
});

describe("login", () => {
  it("returns a token and the user", async () => {
    const session = await api.anonymous.auth.login({ studentId: "S2021001", password: "password123" });
    expect(session.user).toEqual(alice);
    expect(await verifyToken(session.token, TEST_JWT_SECRET)).toMatchObject({ ok: true, user: alice });
  });

  it("a wrong password and an unknown student get the same UNAUTHORIZED answer", async () => {
    const wrong = await expectTRPCError(
      api.anonymous.auth.login({ studentId: "S2021002", password: "not-the-password" }),
      "UNAUTHORIZED",
    );
    const unknown = await expectTRPCError(
      api.anonymous.auth.login({ studentId: "S2099999", password: "password123" }),
      "UNAUTHORIZED",
    );
    expect(unknown.message).toBe(wrong.message);
    expect(wrong.message).toBe("Student ID or password is incorrect");
  });

  it("is rate limited per student id: the next attempt is refused even with the right password", async () => {
    const limited = await createTestApi(testConfig({ auth: { loginAttemptsPerMinute: 3 } }));
    try {
      for (let i = 0; i < 3; i++) {
        await expectTRPCError(
          limited.anonymous.auth.login({ studentId: "S2021003", password: "guess" }),
          "UNAUTHORIZED",
        );
      }
      await expectTRPCError(
        limited.anonymous.auth.login({ studentId: "S2021003", password: "password123" }),
        "TOO_MANY_REQUESTS",
        /^Too many login attempts\. Try again in \d+ s\.$/,
      );
      // Another student is not affected.
      const other = await limited.anonymous.auth.login({ studentId: "S2021004", password: "password123" });
      expect(other.user.studentId).toBe("S2021004");
    } finally {
      await limited.destroy();
    }
  });
});

describe("auth.me and protected procedures", () => {
  it("auth.me returns the caller", async () => {
    expect(await (await api.as(1)).auth.me()).toEqual({
      ...alice,
      standing: GOOD_STANDING,
      email: null,
      emailNotifications: true,
    });
  });

  it("without a user every protected procedure is UNAUTHORIZED", async () => {
    const anon = api.anonymous;
    const calls: Array<() => Promise<unknown>> = [
      () => anon.auth.me(),
      () => anon.branches.list(),
      () => anon.seats.list(),
      () => anon.seats.get({ id: 1 }),
      () => anon.seats.availability({ seatId: 1, from: "2030-01-01T10:00:00Z", to: "2030-01-01T11:00:00Z" }),
      () => anon.reservations.mine(),
      () => anon.reservations.get({ id: 1 }),
      () =>
        anon.reservations.create({
          seatId: 1,
          startTime: "2030-01-01T10:00:00Z",
          endTime: "2030-01-01T11:00:00Z",
        }),
      () => anon.reservations.checkIn({ id: 1 }),
      () => anon.reservations.cancel({ id: 1 }),
      () => anon.reservations.release({ id: 1 }),
    ];
    for (const call of calls) await expectTRPCError(call(), "UNAUTHORIZED", "Please log in first.");
  });

  it("a user whose token expired is UNAUTHORIZED with 'expired' in the message", async () => {
    const caller = createCaller(
      createContextInner({ ...api.deps, user: { ...alice, exp: Math.floor(Date.now() / 1000) - 5 } }),
    );
    await expectTRPCError(caller.auth.me(), "UNAUTHORIZED", /expired/);
    await expectTRPCError(caller.reservations.mine(), "UNAUTHORIZED", /expired/);
  });
});

describe("tokens", () => {
  const header = { alg: "HS256", typ: "JWT" };
  const claims = () => ({
    sub: "1",
    user_id: 1,
    student_id: "S2021001",
    name: "Alice Johnson",
    role: "student",
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
  });

  it("verifyToken accepts our own tokens", async () => {
    const { token } = await signToken(alice, TEST_JWT_SECRET, 1);
    expect(await verifyToken(token, TEST_JWT_SECRET)).toMatchObject({ ok: true, user: alice });
  });

  it("rejects a token signed with another secret", async () => {
    const { token } = await signToken(alice, "some-other-secret-some-other-secret", 1);
    expect(await verifyToken(token, TEST_JWT_SECRET)).toEqual({ ok: false, reason: "invalid" });
  });

  it("a token remembered as verified under its own secret is still refused under another", async () => {
    const other = "some-other-secret-some-other-secret";
    const { token } = await signToken(alice, other, 1);
    expect(await verifyToken(token, other)).toMatchObject({ ok: true, user: alice });
    expect(knownSession(token, other)).toMatchObject(alice);
    expect(knownSession(token, TEST_JWT_SECRET)).toBeUndefined();
    expect(await verifyToken(token, TEST_JWT_SECRET)).toEqual({ ok: false, reason: "invalid" });
    // ...and refusing it there did not forget it under its own.
    expect(knownSession(token, other)).toMatchObject(alice);
  });

  it("a remembered token stops being accepted when it expires", async () => {
    const { token, exp } = await signToken(alice, TEST_JWT_SECRET, 1);
    expect(await verifyToken(token, TEST_JWT_SECRET)).toMatchObject({ ok: true });
    expect(knownSession(token, TEST_JWT_SECRET)).toMatchObject(alice);
    vi.useFakeTimers({ toFake: ["Date"], now: exp * 1000 + 1 });
    try {
      expect(knownSession(token, TEST_JWT_SECRET)).toBeUndefined();
      expect(await verifyToken(token, TEST_JWT_SECRET)).toEqual({ ok: false, reason: "expired" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects alg: none", async () => {
    const none = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims())}.`;
    expect(await verifyToken(none, TEST_JWT_SECRET)).toEqual({ ok: false, reason: "invalid" });
  });

  it("rejects a valid signature over a tampered payload", async () => {
    const { token } = await signToken(alice, TEST_JWT_SECRET, 1);
    const [h, , s] = token.split(".");
    const tampered = `${h}.${b64url({ ...claims(), sub: "2", user_id: 2, role: "admin" })}.${s}`;
    expect(await verifyToken(tampered, TEST_JWT_SECRET)).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyToken(`${b64url(header)}.garbage`, TEST_JWT_SECRET)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("rejects an expired token as expired", async () => {
    const { token } = await signToken(alice, TEST_JWT_SECRET, -1);
    expect(await verifyToken(token, TEST_JWT_SECRET)).toEqual({ ok: false, reason: "expired" });
  });

  it("the context factory turns bad tokens into UNAUTHORIZED, never a thrown error", async () => {
    const createContext = createContextFactory(api.deps);
    const request = (authorization?: string) =>
      ({
        headers: authorization ? { authorization } : {},
        socket: { remoteAddress: "10.0.0.1" },
      }) as unknown as IncomingMessage;
    const meWith = async (authorization?: string) =>
      createCaller(await createContext({ req: request(authorization) })).auth.me();

    const good = await signToken(alice, TEST_JWT_SECRET, 1);
    expect(await meWith(`Bearer ${good.token}`)).toEqual({
      ...alice,
      standing: GOOD_STANDING,
      email: null,
      emailNotifications: true,
    });

    await expectTRPCError(meWith(), "UNAUTHORIZED", "Please log in first.");
    const forged = await signToken(alice, "some-other-secret-some-other-secret", 1);
    await expectTRPCError(meWith(`Bearer ${forged.token}`), "UNAUTHORIZED", /not valid/);
    const none = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims())}.`;
    await expectTRPCError(meWith(`Bearer ${none}`), "UNAUTHORIZED", /not valid/);
    const expired = await signToken(alice, TEST_JWT_SECRET, -1);
    await expectTRPCError(meWith(`Bearer ${expired.token}`), "UNAUTHORIZED", /expired/);
    await expectTRPCError(meWith("Basic dXNlcjpwYXNz"), "UNAUTHORIZED");

    // WebSocket connectionParams are read the same way.
    const ws = await createContext({ req: request(), info: { connectionParams: { token: expired.token } } });
    expect(ws).toMatchObject({ user: null, authProblem: "expired" });
  });
});
