import { signToken } from "@dlsms/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcome, postJson, startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers";

// Acceptance 5 (the wire part): every kind of bad token is a 401 over real HTTP.
let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.stop());

const alice = { id: 1, studentId: "S2021001", name: "Alice Johnson", role: "student" as const };
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function me(authorization?: string) {
  const res = await fetch(`${ts.url}/trpc/auth.me`, {
    headers: authorization ? { authorization } : {},
  });
  return { status: res.status, body: (await res.json()) as { error?: { data?: { code?: string } } } };
}

describe("tokens over HTTP", () => {
  it("a valid token works", async () => {
    const { token } = await signToken(alice, TEST_JWT_SECRET, 1);
    expect((await me(`Bearer ${token}`)).status).toBe(200);
  });

  it("a missing token is 401", async () => {
    const res = await me();
    expect(res.status).toBe(401);
    expect(res.body.error?.data?.code).toBe("UNAUTHORIZED");
  });

  it("a token signed with another secret is 401", async () => {
    const { token } = await signToken(alice, "some-other-secret-some-other-secret", 1);
    expect((await me(`Bearer ${token}`)).status).toBe(401);
  });

  it("an `alg: none` token is 401", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const payload = { sub: "1", user_id: 1, student_id: "S2021001", name: "Alice", role: "admin", exp };
    const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
    expect((await me(`Bearer ${unsigned}`)).status).toBe(401);
  });

  it("an expired token is 401 and says so", async () => {
    const { token } = await signToken(alice, TEST_JWT_SECRET, -1);
    const res = await me(`Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).toMatch(/expired/i);
  });

  it("garbage and non-Bearer schemes are 401", async () => {
    expect((await me("Bearer not.a.jwt")).status).toBe(401);
    const { token } = await signToken(alice, TEST_JWT_SECRET, 1);
    expect((await me(`Basic ${token}`)).status).toBe(401);
  });

  it("a protected mutation without a token is 401 and writes nothing", async () => {
    const res = await postJson(
      `${ts.url}/trpc/reservations.create`,
      JSON.stringify({ seatId: 1, startTime: "2030-01-01T10:00:00Z", endTime: "2030-01-01T11:00:00Z" }),
    );
    expect(res.status).toBe(401);
    const { token } = await signToken(alice, TEST_JWT_SECRET, 1);
    expect(await ts.client(token).reservations.mine.query({})).toEqual([]);
  });

  it("wrong password and unknown student get the same UNAUTHORIZED answer", async () => {
    const wrong = await postJson(
      `${ts.url}/trpc/auth.login`,
      JSON.stringify({ studentId: "S2021003", password: "nope-nope" }),
    );
    const unknown = await postJson(
      `${ts.url}/trpc/auth.login`,
      JSON.stringify({ studentId: "S9999999", password: "nope-nope" }),
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toBe(JSON.parse(unknown.body).error.message);
    expect(await outcome(ts.client().auth.login.mutate({ studentId: "S2021003", password: "x" }))).toBe(
      "UNAUTHORIZED",
    );
  });
});
