import { signToken } from "@dlsms/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers";

// Queries (GET) take the fetch adapter, everything with a body the standalone one: both must
// answer in the same shapes and codes.
let ts: TestServer;
let token: string;
beforeAll(async () => {
  ts = await startTestServer();
  token = (await ts.client().auth.login.mutate({ studentId: "S2021001", password: "password123" })).token;
});
afterAll(() => ts?.stop());

const get = async (path: string, auth = true) => {
  const res = await fetch(`${ts.url}/trpc/${path}`, {
    headers: auth ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> | unknown[] };
};
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

describe("tRPC over HTTP GET", () => {
  it("answers a query, and a batch of queries", async () => {
    const one = await get(`branches.list`);
    expect(one.status).toBe(200);
    expect((one.body as { result: { data: unknown[] } }).result.data).toHaveLength(3);
    const batch = await get(`auth.me,seats.get?batch=1&input=${enc({ 0: null, 1: { id: 3 } })}`);
    expect(batch.status).toBe(200);
    const [me, seat] = batch.body as { result: { data: { name?: string; code?: string } } }[];
    expect(me?.result.data.name).toBe("Alice Johnson");
    expect(seat?.result.data.code).toBe("ML-03");
  });

  it("gives the same error shapes as POST: 400 with a readable message, 401, 404", async () => {
    const bad = await get(`seats.get?input=${enc({ id: "abc" })}`);
    expect(bad.status).toBe(400);
    const error = (bad.body as { error: { message: string; data: { code: string } } }).error;
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("id must be a number");
    expect((await get(`auth.me`, false)).status).toBe(401);
    expect((await get(`seats.get?input=${enc({ id: 999 })}`)).status).toBe(404);
    expect((await get(`nope.nothing`)).status).toBe(404);
    const malformed = await get(`seats.get?input=%7Bnot-json`);
    expect(malformed.status).toBe(400);
  });

  it("refuses a mutation over GET (405) and still serves mutations over POST", async () => {
    expect((await get(`reservations.cancel?input=${enc({ id: 1 })}`)).status).toBe(405);
    const post = await fetch(`${ts.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ studentId: "S2021002", password: "password123" }),
    });
    expect(post.status).toBe(200);
  });
});

describe("repeated seats.list / branches.list reads (answered from the stored bytes)", () => {
  const raw = async (path: string, auth = `Bearer ${token}`) => {
    const res = await fetch(`${ts.url}/trpc/${path}`, { headers: { authorization: auth } });
    const headers = Object.fromEntries(
      ["content-type", "vary", "content-length"].map((h) => [h, res.headers.get(h)]),
    );
    return { status: res.status, headers, text: await res.text() };
  };
  const tomorrow = (h: number) => {
    const d = new Date(Date.now() + 24 * 3_600_000);
    d.setUTCHours(h, 0, 0, 0);
    return d.toISOString();
  };
  const window = { branch: "Main Library", startTime: tomorrow(13), endTime: tomorrow(15) };

  it("sends the same status, headers and bytes as tRPC itself", async () => {
    // An unknown query parameter makes the shortcut step aside; tRPC ignores it.
    for (const path of [`seats.list?input=${enc(window)}`, "branches.list?", `branches.list?input=null`]) {
      const viaTrpc = await raw(`${path}${path.endsWith("?") ? "" : "&"}via=trpc`);
      const first = await raw(path);
      const again = await raw(path);
      expect(viaTrpc.status).toBe(200);
      expect(first).toEqual(viaTrpc);
      expect(again).toEqual(viaTrpc);
    }
  });

  it("shows a booking to the very next read", async () => {
    const path = `seats.list?input=${enc(window)}`;
    await raw(path);
    await raw(path);
    await ts
      .client(token)
      .reservations.create.mutate({ seatId: 2, startTime: window.startTime, endTime: window.endTime });
    const seats = JSON.parse((await raw(path)).text).result.data as { id: number; available: boolean }[];
    expect(seats.find((s) => s.id === 2)?.available).toBe(false);
  });

  it("still refuses a missing or forged token and bad input on a warm listing", async () => {
    const path = `seats.list?input=${enc(window)}`;
    await raw(path);
    expect((await raw(path, "")).status).toBe(401);
    expect((await raw(path, `Bearer ${token}x`)).status).toBe(401);
    const bad = await raw(`seats.list?input=${enc({ ...window, hasPower: "yes" })}`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toBe("hasPower must be true or false");
    const batch = await get(`seats.list?batch=1&input=${enc({ 0: window })}`);
    expect(batch.status).toBe(200);
  });
});

describe("repeated reservations.mine reads (answered from the caller's cached copy)", () => {
  const raw = async (path: string, auth: string) => {
    const res = await fetch(`${ts.url}/trpc/${path}`, { headers: { authorization: auth } });
    const headers = Object.fromEntries(
      ["content-type", "vary", "content-length"].map((h) => [h, res.headers.get(h)]),
    );
    return { status: res.status, headers, text: await res.text() };
  };
  const ids = (answer: { text: string }) =>
    (JSON.parse(answer.text).result.data as { id: number }[]).map((r) => r.id);
  const upcoming = `reservations.mine?input=${enc({ upcomingOnly: true })}`;
  const day = (days: number, h: number) => {
    const d = new Date(Date.now() + days * 24 * 3_600_000);
    d.setUTCHours(h, 0, 0, 0);
    return d.toISOString();
  };
  let bob: string;
  let bobToken: string;
  beforeAll(async () => {
    bobToken = (await ts.client().auth.login.mutate({ studentId: "S2021002", password: "password123" }))
      .token;
    bob = `Bearer ${bobToken}`;
  });

  it("sends the same status, headers and bytes as tRPC itself", async () => {
    await ts
      .client(bobToken)
      .reservations.create.mutate({ seatId: 5, startTime: day(3, 9), endTime: day(3, 10) });
    for (const path of [upcoming, "reservations.mine?", `reservations.mine?input=${enc({})}`]) {
      const viaTrpc = await raw(`${path}${path.endsWith("?") ? "" : "&"}via=trpc`, bob);
      const first = await raw(path, bob);
      const again = await raw(path, bob);
      expect(viaTrpc.status).toBe(200);
      expect(ids(viaTrpc)).toHaveLength(1);
      expect(first).toEqual(viaTrpc);
      expect(again).toEqual(viaTrpc);
    }
  });

  it("answers each signed-in user with their own reservations only", async () => {
    const alice = `Bearer ${token}`;
    const bobs = ids(await raw(upcoming, bob));
    const alices = ids(await raw(upcoming, alice));
    expect(bobs).toHaveLength(1);
    expect(alices.some((id) => bobs.includes(id))).toBe(false);
    expect(ids(await raw(upcoming, bob))).toEqual(bobs);
    expect(ids(await raw(upcoming, alice))).toEqual(alices);
  });

  it("shows a booking and a cancel to the very next read", async () => {
    const before = ids(await raw(upcoming, bob));
    const booked = await ts
      .client(bobToken)
      .reservations.create.mutate({ seatId: 6, startTime: day(4, 9), endTime: day(4, 10) });
    expect(ids(await raw(upcoming, bob))).toEqual([...before, booked.id]);
    await ts.client(bobToken).reservations.cancel.mutate({ id: booked.id });
    expect(ids(await raw(upcoming, bob))).toEqual(before);
  });

  it("still refuses a missing, forged or expired token and bad input on a warm copy", async () => {
    await raw(upcoming, bob);
    expect((await raw(upcoming, "")).status).toBe(401);
    expect((await raw(upcoming, `${bob}x`)).status).toBe(401);
    const me = await ts.client(bobToken).auth.me.query();
    const expired = await signToken(me, TEST_JWT_SECRET, -1 / 3600);
    const stale = await raw(upcoming, `Bearer ${expired.token}`);
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.text).error.message).toMatch(/expired/);
    const bad = await raw(`reservations.mine?input=${enc({ upcomingOnly: "yes" })}`, bob);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toBe("upcomingOnly must be true or false");
    expect((await raw("reservations.mine?input=null", bob)).status).toBe(400);
    expect((await raw("reservations.mine?input=%7Bnot-json", bob)).status).toBe(400);
  });
});
