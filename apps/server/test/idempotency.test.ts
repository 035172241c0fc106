import type { AppRouter } from "@dlsms/api";
import { idempotencyKeys, reservations } from "@dlsms/db";
import { and, eq, sql } from "@dlsms/db/drizzle";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastPathStats } from "../src/trpc-fast-path";
import { outcome, registerStudents, startTestServer, type TestServer, tomorrowAt } from "./helpers";
import { call } from "./rest-harness";

// Acceptance 2 of issue 22: a booking retried with its Idempotency-Key books once, on both HTTP doors.
let ts: TestServer;
let tokens: string[];
beforeAll(async () => {
  ts = await startTestServer();
  tokens = await registerStudents(ts, "IK", 8);
});
afterAll(() => ts?.stop());

const token = (i: number) => tokens[i] as string;

/** A tRPC client whose every request carries the key; `batch` sends as the SPA does. */
function keyed(who: string, key: string, batch = false) {
  const options = {
    url: `${ts.url}/trpc`,
    headers: () => ({ authorization: `Bearer ${who}`, "idempotency-key": key }),
  };
  return createTRPCClient<AppRouter>({ links: [batch ? httpBatchLink(options) : httpLink(options)] });
}

const slot = (seatId: number, hour: number) => ({
  seatId,
  startTime: tomorrowAt(hour).toISOString(),
  endTime: tomorrowAt(hour + 1).toISOString(),
});
const restBody = (s: ReturnType<typeof slot>) => ({
  seat_id: s.seatId,
  start_time: s.startTime,
  end_time: s.endTime,
});
const restCreate = (who: string, key: string | undefined, body: unknown) =>
  call(ts.url, "POST", "/reservations", {
    token: who,
    body,
    headers: key === undefined ? {} : { "idempotency-key": key },
  });

async function activeOn(seatId: number): Promise<number[]> {
  const rows = await ts.database.db
    .select({ id: reservations.id })
    .from(reservations)
    .where(
      and(eq(reservations.seatId, seatId), sql`${reservations.status} in ('HELD','CONFIRMED','CHECKED_IN')`),
    );
  return rows.map((r) => r.id);
}

describe("Idempotency-Key on reservations.create (tRPC over HTTP)", () => {
  it("the same create sent twice returns one reservation; a changed body with the key is 422", async () => {
    const client = keyed(token(0), "trpc-twice-1", true);
    const first = await client.reservations.create.mutate(slot(1, 8));
    const again = await client.reservations.create.mutate(slot(1, 8));
    expect(again).toEqual(first);
    expect(await activeOn(1)).toEqual([first.id]);

    expect(await outcome(client.reservations.create.mutate(slot(2, 8)))).toBe("UNPROCESSABLE_CONTENT");
    expect(await activeOn(2)).toEqual([]);
    // The same booking without the key is a new attempt: it clashes with the first.
    expect(await outcome(ts.client(token(0)).reservations.create.mutate(slot(1, 8)))).toBe("CONFLICT");
  });

  it("10 concurrent repeats of one key book once and all answer the same reservation", async () => {
    const client = keyed(token(1), "trpc-storm");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => client.reservations.create.mutate(slot(3, 9))),
    );
    const ids = new Set(answers.map((a) => a.id));
    expect(ids.size).toBe(1);
    expect(await activeOn(3)).toEqual([...ids]);
  });

  it("also on tRPC's own adapters (a streaming batch does not take the fast path)", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: `${ts.url}/trpc`,
          headers: () => ({ authorization: `Bearer ${token(2)}`, "idempotency-key": "streamed" }),
        }),
      ],
    });
    const fastBefore = fastPathStats.answered;
    const first = await client.reservations.create.mutate(slot(18, 8));
    expect((await client.reservations.create.mutate(slot(18, 8))).id).toBe(first.id);
    expect(await outcome(client.reservations.create.mutate(slot(19, 8)))).toBe("UNPROCESSABLE_CONTENT");
    expect(fastPathStats.answered).toBe(fastBefore);
    expect(await activeOn(18)).toEqual([first.id]);
  });

  it("a batch with two keyed bookings is refused (a key covers one booking); nothing is booked", async () => {
    const client = keyed(token(2), "batch-of-two", true);
    const results = await Promise.all([
      outcome(client.reservations.create.mutate(slot(4, 10))),
      outcome(client.reservations.create.mutate(slot(5, 10))),
    ]);
    expect(results).toEqual(["BAD_REQUEST", "BAD_REQUEST"]);
    expect([...(await activeOn(4)), ...(await activeOn(5))]).toEqual([]);
  });

  it("stores a refusal too: a key that lost the seat keeps answering CONFLICT after the seat frees up", async () => {
    const winner = await ts.client(token(3)).reservations.create.mutate(slot(6, 11));
    const loser = keyed(token(4), "lost-race");
    expect(await outcome(loser.reservations.create.mutate(slot(6, 11)))).toBe("CONFLICT");
    await ts.client(token(3)).reservations.cancel.mutate({ id: winner.id });
    expect(await outcome(loser.reservations.create.mutate(slot(6, 11)))).toBe("CONFLICT");
    expect(await activeOn(6)).toEqual([]);
    // A new key is a new attempt.
    expect(await outcome(keyed(token(4), "lost-race-2").reservations.create.mutate(slot(6, 11)))).toBe("OK");
  });
});

describe("Idempotency-Key on POST /api/reservations", () => {
  it("the same create twice → 201 both times with one reservation id; a changed body → 422", async () => {
    const body = restBody(slot(7, 8));
    const first = await restCreate(token(5), "rest-twice", body);
    const again = await restCreate(token(5), "rest-twice", body);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(await activeOn(7)).toEqual([first.body.id]);

    const changed = await restCreate(token(5), "rest-twice", restBody(slot(8, 8)));
    expect(changed.status).toBe(422);
    expect(changed.body.error).toMatch(/different booking/);
    expect(await activeOn(8)).toEqual([]);
  });

  it("10 concurrent repeats → ten 201s with one id, one reservation", async () => {
    const body = restBody(slot(9, 9));
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => restCreate(token(5), "rest-storm", body)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(await activeOn(9)).toEqual([...ids]);
  });

  it("one key is shared by the doors: a REST repeat of a tRPC booking answers its reservation", async () => {
    const s = slot(10, 12);
    const viaTrpc = await keyed(token(6), "both-doors").reservations.create.mutate(s);
    const viaRest = await restCreate(token(6), "both-doors", restBody(s));
    expect(viaRest.status).toBe(201);
    expect(viaRest.body.id).toBe(viaTrpc.id);
    const changed = await restCreate(token(6), "both-doors", restBody(slot(11, 12)));
    expect(changed.status).toBe(422);
  });
});

describe("keys: bad ones are refused, each student has their own, they last 24 hours", () => {
  const bad = ["", "x".repeat(201), "tab\there", "caf\u00e9"];

  it.each(bad.map((key) => [JSON.stringify(key).slice(0, 20), key]))(
    "key %s → 400 on both doors, nothing booked",
    async (_label, key) => {
      const s = slot(12, 13);
      expect(await outcome(keyed(token(7), key).reservations.create.mutate(s))).toBe("BAD_REQUEST");
      const rest = await restCreate(token(7), key, restBody(s));
      expect(rest.status).toBe(400);
      expect(rest.body.error).toMatch(/Idempotency-Key/);
      expect(await activeOn(12)).toEqual([]);
    },
  );

  it("200 printable characters (spaces included) are a valid key", async () => {
    const key = `${"k".repeat(99)} ${"~".repeat(100)}`;
    const s = slot(13, 13);
    const first = await keyed(token(7), key).reservations.create.mutate(s);
    expect((await keyed(token(7), key).reservations.create.mutate(s)).id).toBe(first.id);
  });

  it("two students may use the same key: each gets their own booking", async () => {
    const a = await keyed(token(0), "shared-key").reservations.create.mutate(slot(14, 14));
    const b = await keyed(token(1), "shared-key").reservations.create.mutate(slot(15, 14));
    expect(a.id).not.toBe(b.id);
    expect(b.seatId).toBe(15);
  });

  it("after 24 hours a key is fresh: a repeat is a new attempt and another body is no longer 422", async () => {
    const client = keyed(token(2), "day-old");
    const first = await client.reservations.create.mutate(slot(16, 15));
    await ts.database.db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '24 hours 1 minute'` })
      .where(eq(idempotencyKeys.key, "day-old"));
    // Replayed it would be the same reservation; attempted again, it clashes with it.
    expect(await outcome(client.reservations.create.mutate(slot(16, 15)))).toBe("CONFLICT");
    await ts.database.db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(eq(idempotencyKeys.key, "day-old"));
    const other = await client.reservations.create.mutate(slot(17, 16));
    expect(other.id).not.toBe(first.id);
    expect(await activeOn(17)).toEqual([other.id]);
  });
});
