import { reservations, waitlist } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Doors, loginAs, startDoors, tomorrowAt } from "./rest-harness";

// Acceptance 3 (nobody touches another's data) and 4 (bad input is a 4xx JSON error, nothing written).
let doors: Doors;
let alice: string;
let bob: string;
let resvId: number;
let entryId: number;
const counts = async () => ({
  reservations: await doors.database.db.$count(reservations),
  waitlist: await doors.database.db.$count(waitlist),
});

beforeAll(async () => {
  doors = await startDoors();
  alice = await loginAs(doors.url, "S2021001");
  bob = await loginAs(doors.url, "S2021002");
  const now = new Date();
  const r = await call(doors.url, "POST", "/reservations", {
    token: alice,
    body: {
      seat_id: 3,
      start_time: now.toISOString(),
      end_time: new Date(now.getTime() + 3_600_000).toISOString(),
    },
  });
  resvId = r.body.id;
  const w = await call(doors.url, "POST", "/waitlist", {
    token: alice,
    body: { seat_id: 4, desired_time: tomorrowAt(9) },
  });
  entryId = w.body.id;
});
afterAll(() => doors?.stop());

describe("REST: another student's reservation or waitlist entry is not found", () => {
  it("404 on every route, and nothing changes", async () => {
    const attempts: [string, string][] = [
      ["GET", `/reservations/${resvId}`],
      ["DELETE", `/reservations/${resvId}`],
      ["POST", `/reservations/${resvId}/checkin`],
      ["POST", `/reservations/${resvId}/release`],
      ["POST", `/reservations/${resvId}/claim`],
      ["POST", `/reservations/${resvId}/decline`],
      ["DELETE", `/waitlist/${entryId}`],
    ];
    for (const [method, path] of attempts) {
      const res = await call(doors.url, method, path, { token: bob });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(typeof res.body.error).toBe("string");
    }
    const still = await call(doors.url, "GET", `/reservations/${resvId}`, { token: alice });
    expect(still.body).toMatchObject({ status: "CONFIRMED", checked_in_at: null });
    const list = await call(doors.url, "GET", "/waitlist/mine", { token: alice });
    expect(list.body.waitlist[0]).toMatchObject({ id: entryId, status: "WAITING" });
    expect((await call(doors.url, "GET", "/reservations/mine", { token: bob })).body.count).toBe(0);
    expect((await call(doors.url, "GET", "/waitlist/mine", { token: bob })).body.count).toBe(0);
    // The original's "list everyone's" route now lists only the caller's own.
    expect((await call(doors.url, "GET", "/reservations", { token: bob })).body.count).toBe(0);
    const seat = await call(doors.url, "GET", "/seats/3", { token: bob });
    expect(seat.body.upcoming_reservations[0]).toEqual(expect.objectContaining({ mine: false }));
    expect(JSON.stringify(seat.body)).not.toMatch(/user_id|student_id/);
  });
});

describe("REST: bad input", () => {
  const slot = () => ({ seat_id: 10, start_time: tomorrowAt(13), end_time: tomorrowAt(14) });
  const cases: {
    name: string;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    status: number;
  }[] = [
    {
      name: "bad time",
      method: "POST",
      path: "/reservations",
      body: { ...slot(), start_time: "abc" },
      status: 400,
    },
    {
      name: "impossible date",
      method: "POST",
      path: "/reservations",
      body: { ...slot(), start_time: "2030-02-30T10:00:00" },
      status: 400,
    },
    {
      name: "end before start",
      method: "POST",
      path: "/reservations",
      body: { ...slot(), end_time: tomorrowAt(12) },
      status: 400,
    },
    {
      name: "missing field",
      method: "POST",
      path: "/reservations",
      body: { seat_id: 10, start_time: tomorrowAt(13) },
      status: 400,
    },
    {
      name: "string id",
      method: "POST",
      path: "/reservations",
      body: { ...slot(), seat_id: "10" },
      status: 400,
    },
    {
      name: "null id",
      method: "POST",
      path: "/reservations",
      body: { ...slot(), seat_id: null },
      status: 400,
    },
    {
      name: "negative id",
      method: "POST",
      path: "/reservations",
      body: { ...slot(), seat_id: -1 },
      status: 400,
    },
    { name: "array body", method: "POST", path: "/reservations", body: "[1,2]", status: 400 },
    { name: "broken JSON", method: "POST", path: "/reservations", body: '{"seat_id": 10,', status: 400 },
    {
      name: "not JSON",
      method: "POST",
      path: "/reservations",
      body: "seat_id=10",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      status: 415,
    },
    {
      name: "2 MB body",
      method: "POST",
      path: "/reservations",
      body: JSON.stringify({ ...slot(), pad: "x".repeat(2 * 1024 * 1024) }),
      status: 413,
    },
    {
      name: "waitlist: neither seat nor branch",
      method: "POST",
      path: "/waitlist",
      body: { desired_time: tomorrowAt(9) },
      status: 400,
    },
    {
      name: "waitlist: bad time",
      method: "POST",
      path: "/waitlist",
      body: { seat_id: 4, desired_time: "soon" },
      status: 400,
    },
    {
      name: "waitlist: end before start",
      method: "POST",
      path: "/waitlist",
      body: { seat_id: 4, desired_time: tomorrowAt(9), desired_end: tomorrowAt(8) },
      status: 400,
    },
    { name: "waitlist: missing time", method: "POST", path: "/waitlist", body: { seat_id: 4 }, status: 400 },
    {
      name: "waitlist: string seat",
      method: "POST",
      path: "/waitlist",
      body: { seat_id: "4", desired_time: tomorrowAt(9) },
      status: 400,
    },
    { name: "waitlist: broken JSON", method: "POST", path: "/waitlist", body: "{", status: 400 },
    {
      name: "waitlist: 2 MB",
      method: "POST",
      path: "/waitlist",
      body: JSON.stringify({ seat_id: 4, pad: "x".repeat(2 * 1024 * 1024) }),
      status: 413,
    },
    {
      name: "login: missing password",
      method: "POST",
      path: "/auth/login",
      body: { student_id: "S2021001" },
      status: 400,
    },
    { name: "login: broken JSON", method: "POST", path: "/auth/login", body: "{nope", status: 400 },
    {
      name: "register: short password",
      method: "POST",
      path: "/auth/register",
      body: { student_id: "S2098001", password: "x", name: "X" },
      status: 400,
    },
    {
      name: "register: missing name",
      method: "POST",
      path: "/auth/register",
      body: { student_id: "S2098001", password: "long enough password" },
      status: 400,
    },
    { name: "string path id", method: "DELETE", path: "/reservations/abc", status: 400 },
    { name: "string path id (checkin)", method: "POST", path: "/reservations/abc/checkin", status: 400 },
    { name: "string path id (waitlist)", method: "DELETE", path: "/waitlist/abc", status: 400 },
    { name: "huge path id", method: "GET", path: "/reservations/99999999999", status: 400 },
    { name: "bad query flag", method: "GET", path: "/seats?has_power=maybe", status: 400 },
    { name: "bad query time", method: "GET", path: "/seats?start_time=abc&end_time=def", status: 400 },
    {
      name: "half a window",
      method: "GET",
      path: `/seats?start_time=${encodeURIComponent(tomorrowAt(9))}`,
      status: 400,
    },
    { name: "availability without times", method: "GET", path: "/seats/1/availability", status: 400 },
    {
      name: "bad Last-Event-ID",
      method: "GET",
      path: "/notifications/stream",
      headers: { "last-event-id": "x" },
      status: 400,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} JSON, nothing written`, async () => {
      const before = await counts();
      const res = await call(doors.url, c.method, c.path, { token: alice, body: c.body, headers: c.headers });
      expect(res.status, res.text.slice(0, 200)).toBe(c.status);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(typeof res.body.error).toBe("string");
      expect(res.body.error).not.toMatch(/syntax|LINE|postgres|drizzle|stack/i);
      expect(await counts()).toEqual(before);
    });
  }

  it("an oversized chunked body (no Content-Length) → 413 JSON", async () => {
    const before = await counts();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${doors.url}/api/reservations`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(typeof ((await res.json()) as { error: unknown }).error).toBe("string");
    expect(await counts()).toEqual(before);
  });

  it("readable messages name the original's fields", async () => {
    const res = await call(doors.url, "POST", "/reservations", { token: alice, body: { seat_id: 10 } });
    expect(res.body.error).toMatch(/start_time/);
  });

  it("unknown path → 404 JSON (before auth); wrong method → 405 JSON", async () => {
    const unknown = await call(doors.url, "GET", "/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: "Endpoint not found" });
    expect((await call(doors.url, "GET", "/reservations/1/nothing", { token: alice })).status).toBe(404);
    expect((await call(doors.url, "GET", "/seats/", { token: alice })).status).toBe(404);
    for (const [method, path] of [
      ["GET", "/waitlist"],
      ["PUT", "/seats"],
      ["PATCH", "/reservations/1"],
      ["GET", "/auth/login"],
      ["DELETE", "/reservations/mine"],
    ] as const) {
      const res = await call(doors.url, method, path, { token: alice });
      if (method === "DELETE") {
        // DELETE /reservations/{id} exists: "mine" is just a bad id there.
        expect(res.status).toBe(400);
        continue;
      }
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(typeof res.body.error).toBe("string");
      expect(res.headers.get("allow")).toBeTruthy();
    }
  });

  it("repeated failed logins are throttled: 429 JSON with Retry-After", async () => {
    const attempt = () =>
      call(doors.url, "POST", "/auth/login", { body: { student_id: "S2021009", password: "wrong" } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(typeof blocked.body.error).toBe("string");
  });

  it("a stale or foreign-signed token is 401 JSON", async () => {
    const res = await call(doors.url, "GET", "/reservations/mine", {
      token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Invalid token" });
  });
});
