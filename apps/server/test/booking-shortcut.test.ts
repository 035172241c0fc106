import { knownBookingLoss, lostRacesFor, signToken } from "@dlsms/api";
import { reservations } from "@dlsms/db";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMinutes,
  registerStudents,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  tomorrowAt,
} from "./helpers";

// A POST of reservations.create whose answer is a known loss is answered beside tRPC
// (booking-shortcut.ts); everything else must reach tRPC and be answered as before.
let ts: TestServer;
let tokens: string[];
beforeAll(async () => {
  ts = await startTestServer();
  tokens = await registerStudents(ts, "SHORT", 24);
});
afterAll(() => ts?.stop());

const token = (i: number) => tokens[i] as string;
const booking = (seatId: number, start: Date, minutes = 120) =>
  JSON.stringify({
    seatId,
    startTime: start.toISOString(),
    endTime: addMinutes(start, minutes).toISOString(),
  });

async function post(body: string, auth: string | undefined, query = "") {
  const res = await fetch(`${ts.url}/trpc/reservations.create${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body,
  });
  const headers = Object.fromEntries(["content-type", "vary"].map((h) => [h, res.headers.get(h)]));
  return { status: res.status, headers, text: await res.text() };
}

describe("reservations.create beside tRPC", () => {
  it("answers a repeated loss with tRPC's own status, headers and bytes", async () => {
    const start = tomorrowAt(8);
    const won = await post(booking(30, start), token(0));
    expect(won.status).toBe(200);
    // `?via=trpc` makes the shortcut step aside (tRPC ignores unknown parameters).
    const viaTrpc = await post(booking(30, start), token(1), "?via=trpc");
    expect(viaTrpc.status).toBe(409);
    expect(JSON.parse(viaTrpc.text).error.message).toContain("already booked");
    // The seat's first loss may be recorded under a version the win has moved (lostRacesForBooking);
    // the next is recorded under the version read fresh.
    expect(await post(booking(30, start), token(1), "?via=trpc")).toEqual(viaTrpc);
    const hits = lostRacesFor(ts.server.deps.cache).hits;
    const again = await post(booking(30, start), token(1));
    expect(again).toEqual(viaTrpc);
    expect(lostRacesFor(ts.server.deps.cache).hits).toBe(hits + 1);
    // The function behind the shortcut gives exactly those bytes.
    const direct = await knownBookingLoss(ts.server.deps, {
      authorization: `Bearer ${token(1)}`,
      json: JSON.parse(booking(30, start)),
    });
    expect(direct?.toString()).toBe(viaTrpc.text);
  });

  it("hands a booking that may succeed to tRPC, body intact, and shows a cancel at once", async () => {
    const start = tomorrowAt(11);
    const first = await post(booking(31, start), token(2));
    expect(first.status).toBe(200);
    const reservation = JSON.parse(first.text).result.data as { id: number; seatId: number; userId: number };
    expect(reservation.seatId).toBe(31);
    expect((await post(booking(31, start), token(3))).status).toBe(409);
    expect((await post(booking(31, start), token(3))).status).toBe(409);
    await ts.client(token(2)).reservations.cancel.mutate({ id: reservation.id });
    const next = await post(booking(31, start), token(3));
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text).result.data).toMatchObject({ seatId: 31, status: "CONFIRMED" });
  });

  it("still refuses no token, a forged or expired one, bad input and broken rules on a known loss", async () => {
    const start = tomorrowAt(14);
    expect((await post(booking(32, start), token(4))).status).toBe(200);
    expect((await post(booking(32, start), token(5))).status).toBe(409);
    expect((await post(booking(32, start), token(5))).status).toBe(409);

    expect((await post(booking(32, start), undefined)).status).toBe(401);
    expect((await post(booking(32, start), `${token(5)}x`)).status).toBe(401);
    const me = await ts.client(token(5)).auth.me.query();
    const { token: expired } = await signToken(me, TEST_JWT_SECRET, -1);
    const stale = await post(booking(32, start), expired);
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.text).error.message).toContain("expired");

    const bad = await post(JSON.stringify({ seatId: "32", startTime: start.toISOString() }), token(5));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.data.code).toBe("BAD_REQUEST");
    expect((await post("{not json", token(5))).status).toBe(400);
    const tooLong = await post(booking(32, start, 25 * 60), token(5));
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.text).error.message).toContain("at most");
  });

  it("leaves a body tRPC would not read as JSON to tRPC (415), even on a known loss", async () => {
    const start = tomorrowAt(21); // students 2 and 3: not among the storm's racers below
    expect((await post(booking(34, start), token(2))).status).toBe(200);
    expect((await post(booking(34, start), token(3))).status).toBe(409);
    expect((await post(booking(34, start), token(3))).status).toBe(409);
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const res = await fetch(`${ts.url}/trpc/reservations.create`, {
        method: "POST",
        headers: { "content-type": type, authorization: `Bearer ${token(3)}` },
        body: booking(34, start),
      });
      expect(res.status).toBe(415);
    }
    const charset = await fetch(`${ts.url}/trpc/reservations.create`, {
      method: "POST",
      headers: { "content-type": "Application/JSON; charset=utf-8", authorization: `Bearer ${token(3)}` },
      body: booking(34, start),
    });
    expect(charset.status).toBe(409);
  });

  it("leaves batches to tRPC", async () => {
    const start = tomorrowAt(17);
    const res = await fetch(`${ts.url}/trpc/reservations.create?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token(6)}` },
      body: JSON.stringify({ 0: JSON.parse(booking(33, start)) }),
    });
    expect(res.status).toBe(200);
    const [one] = (await res.json()) as { result: { data: { seatId: number } } }[];
    expect(one?.result.data.seatId).toBe(33);
  });

  it("keeps exactly one winner per slot when 20 students storm 3 slots in waves over HTTP", async () => {
    const start = tomorrowAt(19);
    const slots = [40, 41, 42];
    const racers = tokens.slice(4, 24);
    const wave = () => Promise.all(racers.flatMap((t) => slots.map((seat) => post(booking(seat, start), t))));
    const answers = [...(await wave()), ...(await wave()), ...(await wave())];
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(slots.length);
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const rows = await ts.database.db
      .select({ seatId: reservations.seatId, n: count() })
      .from(reservations)
      .where(
        and(
          inArray(reservations.seatId, slots),
          eq(reservations.startTime, start),
          inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"]),
        ),
      )
      .groupBy(reservations.seatId)
      .orderBy(reservations.seatId);
    expect(rows.map((r) => [r.seatId, r.n])).toEqual(slots.map((s) => [s, 1]));
  });
});

describe("plain bookings answered by the procedure itself, beside tRPC's adapter (callMutation)", () => {
  let students: string[];
  beforeAll(async () => {
    students = await registerStudents(ts, "DIRECT", 4);
  });
  const student = (i: number) => students[i] as string;
  const inDays = (days: number, hours: number, minutes = 0) =>
    addMinutes(tomorrowAt(hours, minutes), days * 24 * 60);
  /** The same call twice: answered here, then by tRPC's adapter (`?via=trpc`). */
  async function bothWays(body: string, auth: string | undefined) {
    const direct = await post(body, auth);
    const viaTrpc = await post(body, auth, "?via=trpc");
    return { direct, viaTrpc };
  }

  it("refuses exactly as tRPC does — status, headers, bytes — and changes nothing", async () => {
    const [a, b] = [student(0), student(1)];
    expect((await post(booking(43, inDays(2, 9)), a)).status).toBe(200);
    const me = await ts.client(b).auth.me.query();
    const { token: expired } = await signToken(me, TEST_JWT_SECRET, -1);
    const cases: [string, string | undefined][] = [
      [booking(999_999, inDays(2, 12)), b], // no such seat
      [JSON.stringify({ seatId: "43", startTime: inDays(2, 12).toISOString() }), b], // bad input
      [booking(44, inDays(2, 9)), undefined], // no token
      [booking(44, inDays(2, 9)), `${b}x`], // forged token
      [booking(44, inDays(2, 9)), expired], // expired token
      [booking(44, new Date(Date.now() - 3 * 3_600_000)), b], // starts in the past
      [booking(44, inDays(2, 10), 25 * 60), b], // too long
      [booking(45, inDays(2, 9, 30)), a], // a's own reservation overlaps
      [booking(43, inDays(2, 9)), b], // the seat is taken (the first loss is the database's)
      ["[]", b], // JSON, but not a booking
    ];
    const statuses: number[] = [];
    for (const [body, auth] of cases) {
      const { direct, viaTrpc } = await bothWays(body, auth);
      expect(direct).toEqual(viaTrpc);
      statuses.push(direct.status);
    }
    expect(statuses).toEqual([404, 400, 401, 401, 401, 400, 400, 409, 409, 400]);
    const mine = await ts.client(b).reservations.mine.query();
    expect(mine).toEqual([]);
  });

  it("refuses a booking over the limit as tRPC does", async () => {
    const c = student(2);
    for (const hours of [8, 11, 14]) expect((await post(booking(46, inDays(4, hours)), c)).status).toBe(200);
    const { direct, viaTrpc } = await bothWays(booking(46, inDays(4, 17)), c);
    expect(direct).toEqual(viaTrpc);
    expect(direct.status).toBe(400);
    expect(JSON.parse(direct.text).error.message).toContain("upcoming reservations");
    expect(await ts.client(c).reservations.mine.query()).toHaveLength(3);
  });

  it("books as tRPC books: the same status, headers and answer, and the reservation is stored", async () => {
    const d = student(3);
    const direct = await post(booking(47, inDays(5, 8)), d);
    const viaTrpc = await post(booking(48, inDays(5, 11)), d, "?via=trpc");
    expect([direct.status, viaTrpc.status]).toEqual([200, 200]);
    expect(direct.headers).toEqual(viaTrpc.headers);
    type Booked = { id: number; seatId: number; startTime: string; endTime: string; createdAt: string };
    const [mineDirect, mineTrpc] = [direct, viaTrpc].map((r) => JSON.parse(r.text).result.data as Booked);
    const shape = (r: Booked) => ({ ...r, id: 0, seatId: 0, startTime: "", endTime: "", createdAt: "" });
    expect(shape(mineDirect as Booked)).toEqual(shape(mineTrpc as Booked));
    expect(mineDirect).toMatchObject({
      seatId: 47,
      startTime: inDays(5, 8).toISOString(),
      status: "CONFIRMED",
    });
    const stored = await ts.client(d).reservations.get.query({ id: (mineDirect as Booked).id });
    expect(stored).toMatchObject({ id: (mineDirect as Booked).id, seatId: 47 });
  });
});

describe("a booking body over the server's limit", () => {
  it("is refused with 413 as tRPC's side refuses it, not booked beside it", async () => {
    const small = await startTestServer({ BODY_LIMIT_BYTES: "1024" });
    try {
      const [student] = await registerStudents(small, "LIMIT", 1);
      const start = tomorrowAt(9);
      const body = JSON.stringify({
        seatId: 44,
        startTime: start.toISOString(),
        endTime: addMinutes(start, 60).toISOString(),
        note: "x".repeat(1_500),
      });
      for (const path of ["reservations.create", "reservations.create?via=trpc"]) {
        const res = await fetch(`${small.url}/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${student}` },
          body,
        });
        expect(res.status).toBe(413);
      }
      expect(await small.client(student as string).reservations.mine.query()).toEqual([]);
    } finally {
      await small.stop();
    }
  });
});
