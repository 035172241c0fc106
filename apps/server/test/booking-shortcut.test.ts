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
    const hits = lostRacesFor(ts.server.deps.cache).hits;
    const again = await post(booking(30, start), token(1));
    expect(again).toEqual(viaTrpc);
    expect(lostRacesFor(ts.server.deps.cache).hits).toBe(hits + 1);
    // The function behind the shortcut gives exactly those bytes.
    const direct = await knownBookingLoss(ts.server.deps, {
      authorization: `Bearer ${token(1)}`,
      body: booking(30, start),
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
