import type { AppRouter } from "@dlsms/api";
import { ADMIN_STUDENT_ID, rowsOf } from "@dlsms/db";
import { sql } from "@dlsms/db/drizzle";
import { createTestDatabase, type TestDatabase } from "@dlsms/db/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPendingSignIn, PENDING_COOKIE, sealPendingSignIn } from "../src/campus-sign-in/pending-cookie";
import { createDlsmsServer, type DlsmsServer } from "../src/server";
import { outcome, startTestServer, TEST_JWT_SECRET, testEnv } from "./helpers";
import { startTestProvider, type TestProvider, walkSignIn } from "./oidc-provider-harness";

// Acceptance 2 (issue 23): campus sign-in through a real OpenID provider started here.
let provider: TestProvider;
let database: TestDatabase;
let server: DlsmsServer;
let publicUrl: string;
const logLines: { msg?: string; err?: { message?: string } }[] = [];
/** The reason the server logged for the last refused sign-in. */
const lastRefusal = () =>
  logLines.filter((l) => l.msg === "campus sign-in refused").at(-1)?.err?.message ?? "";

const client = (token?: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.url}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });

beforeAll(async () => {
  provider = await startTestProvider({
    "alice-sub": { preferred_username: "S2026001", name: "Alice Campus" },
    "bob-sub": { preferred_username: "S2026002", name: "Bob Campus" },
    "carol-sub": { preferred_username: "S2026003", name: "Carol Campus" },
    "dave-sub": { preferred_username: "S2026004", name: "Dave Campus" },
    // The provider vouching for the seeded staff id must not make anyone staff.
    "staff-sub": { preferred_username: ADMIN_STUDENT_ID, name: "Not Staff" },
  });
  database = await createTestDatabase({ poolSize: 5 });
  server = await createDlsmsServer({
    env: testEnv({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
    }),
    logger: pino({ level: "warn" }, { write: (line: string) => void logLines.push(JSON.parse(line)) }),
    database,
    shutdownGraceMs: 50,
  });
  // PUBLIC_URL is unset: the server's own address on its port, as publicUrlOf makes it.
  publicUrl = `http://localhost:${server.port}`;
  provider.start(`${publicUrl}/auth/oidc/callback`);
});
afterAll(async () => {
  await server?.close();
  await database?.destroy();
  await provider?.close();
});

const loginUrl = () => `${publicUrl}/auth/oidc/login`;

/** The session the SPA receives in the landing URL's fragment. */
function landedSession(location: URL | undefined) {
  expect(location?.origin).toBe(publicUrl);
  expect(location?.pathname).toBe("/");
  const fragment = new URLSearchParams(location?.hash.slice(1));
  const token = fragment.get("campus-token");
  expect(token).toBeTruthy();
  return {
    token: token as string,
    user: JSON.parse(fragment.get("campus-user") ?? "null") as { id: number; studentId: string },
  };
}

const accountsWith = async (studentId: string) =>
  rowsOf<{ id: number; password_hash: string | null }>(
    await database.db.execute(sql`select id, password_hash from users where student_id = ${studentId}`),
  );

describe("campus sign-in through a real OpenID provider", () => {
  it("the SPA is told campus sign-in is on", async () => {
    expect((await client().config.public.query()).campusSignIn).toBe(true);
  });

  it("GET /auth/oidc/login sends the browser to the provider with PKCE, state and nonce", async () => {
    const res = await fetch(loginUrl(), { redirect: "manual" });
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get("location") ?? "");
    expect(target.origin).toBe(provider.issuer);
    expect(target.searchParams.get("redirect_uri")).toBe(`${publicUrl}/auth/oidc/callback`);
    expect(target.searchParams.get("code_challenge_method")).toBe("S256");
    for (const param of ["code_challenge", "state", "nonce"])
      expect(target.searchParams.get(param)).toBeTruthy();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${PENDING_COOKIE}=`)) ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/auth\/oidc/);
  });

  it("a first sign-in creates the student from the claims and lands in the SPA signed in", async () => {
    expect(await accountsWith("S2026001")).toHaveLength(0);
    const walk = await walkSignIn(loginUrl(), "alice-sub");
    expect(walk.response.status).toBe(302);
    const session = landedSession(walk.location);
    const me = await client(session.token).auth.me.query();
    expect(me).toMatchObject({ studentId: "S2026001", name: "Alice Campus", role: "student" });
    expect(session.user).toMatchObject({ id: me.id, studentId: "S2026001" });
    // A campus-only account has no password, and password logins to it are refused cleanly.
    const rows = await accountsWith("S2026001");
    expect(rows).toEqual([{ id: me.id, password_hash: null }]);
    expect(await outcome(client().auth.login.mutate({ studentId: "S2026001", password: "anything" }))).toBe(
      "UNAUTHORIZED",
    );
  });

  it("a second sign-in of the same campus account reuses the student", async () => {
    const first = landedSession((await walkSignIn(loginUrl(), "bob-sub")).location);
    const second = landedSession((await walkSignIn(loginUrl(), "bob-sub")).location);
    expect(second.user.id).toBe(first.user.id);
    expect((await client(second.token).auth.me.query()).id).toBe(first.user.id);
    expect(await accountsWith("S2026002")).toHaveLength(1);
  });

  it("a callback whose state is not the one sent is refused and signs nobody in", async () => {
    const walk = await walkSignIn(loginUrl(), "carol-sub", {
      beforeCallback: (callback) => callback.searchParams.set("state", "forged-state"),
    });
    expect(walk.response.status).toBe(400);
    expect(walk.location).toBeUndefined();
    expect(await walk.response.text()).toMatch(/could not be verified/);
    expect(lastRefusal()).toMatch(/"state"/);
    expect(await accountsWith("S2026003")).toHaveLength(0);
  });

  it("an ID token whose nonce is not the one sent is refused and signs nobody in", async () => {
    const walk = await walkSignIn(loginUrl(), "carol-sub", {
      // The pending sign-in re-sealed with another nonce: state and PKCE still match.
      beforeCallback: async (callback, jar) => {
        const pending = await openPendingSignIn(jar.get(callback, PENDING_COOKIE), TEST_JWT_SECRET);
        if (!pending) throw new Error("no pending sign-in cookie");
        jar.set(
          callback,
          PENDING_COOKIE,
          await sealPendingSignIn({ ...pending, nonce: "another-nonce" }, TEST_JWT_SECRET),
        );
      },
    });
    expect(walk.response.status).toBe(400);
    expect(walk.location).toBeUndefined();
    expect(lastRefusal()).toMatch(/"nonce"/);
    expect(await accountsWith("S2026003")).toHaveLength(0);
  });

  it("a callback without the pending sign-in cookie (or with a forged one) is refused", async () => {
    const missing = await walkSignIn(loginUrl(), "dave-sub", {
      beforeCallback: (callback, jar) => jar.set(callback, PENDING_COOKIE, ""),
    });
    expect(missing.response.status).toBe(400);
    const forged = await walkSignIn(loginUrl(), "dave-sub", {
      beforeCallback: async (callback, jar) => {
        const pending = await openPendingSignIn(jar.get(callback, PENDING_COOKIE), TEST_JWT_SECRET);
        if (!pending) throw new Error("no pending sign-in cookie");
        jar.set(callback, PENDING_COOKIE, await sealPendingSignIn(pending, "someone-elses-secret"));
      },
    });
    expect(forged.response.status).toBe(400);
    expect(await accountsWith("S2026004")).toHaveLength(0);
  });

  it("a sign-in cancelled at the provider is refused and signs nobody in", async () => {
    const walk = await walkSignIn(loginUrl(), "dave-sub", { cancel: true });
    expect(walk.response.status).toBe(400);
    expect(walk.location).toBeUndefined();
    expect(await walk.response.text()).toMatch(/cancelled or refused by the campus provider/);
    expect(await accountsWith("S2026004")).toHaveLength(0);
  });

  it("a provider claim naming a staff account never signs in as staff", async () => {
    const walk = await walkSignIn(loginUrl(), "staff-sub");
    expect(walk.response.status).toBe(403);
    expect(walk.location).toBeUndefined();
  });
});

describe("campus sign-in with another student id claim, sent in the ID token", () => {
  it("takes the student id from OIDC_STUDENT_ID_CLAIM", async () => {
    const other = await startTestProvider(
      { "frank-sub": { preferred_username: "frank", student_number: "S2026201", name: "Frank Campus" } },
      { claimsInIdToken: true },
    );
    const ts = await startTestServer({
      OIDC_ISSUER: other.issuer,
      OIDC_CLIENT_ID: other.clientId,
      OIDC_CLIENT_SECRET: other.clientSecret,
      OIDC_STUDENT_ID_CLAIM: "student_number",
    });
    try {
      const url = `http://localhost:${ts.server.port}`;
      other.start(`${url}/auth/oidc/callback`);
      const walk = await walkSignIn(`${url}/auth/oidc/login`, "frank-sub");
      expect(walk.response.status).toBe(302);
      const token = new URLSearchParams(walk.location?.hash.slice(1)).get("campus-token") ?? "";
      expect(await ts.client(token).auth.me.query()).toMatchObject({
        studentId: "S2026201",
        name: "Frank Campus",
      });
    } finally {
      await ts.stop();
      await other.close();
    }
  });
});

describe("campus sign-in off (OIDC_* unset)", () => {
  it("answers 404 at /auth/oidc/login and tells the SPA it is off", async () => {
    const ts = await startTestServer();
    try {
      const res = await fetch(`${ts.url}/auth/oidc/login`, { redirect: "manual" });
      expect(res.status).toBe(404);
      expect((await ts.client().config.public.query()).campusSignIn).toBe(false);
    } finally {
      await ts.stop();
    }
  });
});
