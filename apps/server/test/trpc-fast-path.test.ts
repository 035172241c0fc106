import type { AppRouter } from "@dlsms/api";
import { reservations } from "@dlsms/db";
import { and, count, eq, inArray } from "@dlsms/db/drizzle";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastPathStats } from "../src/trpc-fast-path";
import { addMinutes, registerStudents, startTestServer, type TestServer, tomorrowAt } from "./helpers";

// The fast path (trpc-fast-path.ts) must answer exactly as tRPC's adapter does: an unknown query
// parameter (`via=trpc`, which tRPC ignores) sends the same request to the adapter.
let ts: TestServer;
let tokens: string[];
beforeAll(async () => {
  ts = await startTestServer();
  tokens = await registerStudents(ts, "FAST", 24);
});
afterAll(() => ts?.stop());

const token = (i: number) => tokens[i] as string;
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const window = {
  branch: "Main Library",
  startTime: tomorrowAt(13).toISOString(),
  endTime: tomorrowAt(15).toISOString(),
};

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  text: string;
}

async function send(
  path: string,
  init: { auth?: string; body?: string; type?: string } = {},
): Promise<Answer> {
  const res = await fetch(`${ts.url}/trpc/${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: {
      ...(init.auth ? { authorization: `Bearer ${init.auth}` } : {}),
      ...(init.body === undefined ? {} : { "content-type": init.type ?? "application/json" }),
    },
    body: init.body,
  });
  const headers = Object.fromEntries(
    ["content-type", "vary", "content-length"].map((h) => [h, res.headers.get(h)]),
  );
  return { status: res.status, headers, text: await res.text() };
}

/** The same request through the fast path and through tRPC's adapter. */
async function bothWays(path: string, init: { auth?: string; body?: string; type?: string } = {}) {
  const viaAdapter = `${path}${path.includes("?") ? "&" : "?"}via=trpc`;
  const before = fastPathStats.answered;
  const fast = await send(path, init);
  const answeredHere = fastPathStats.answered - before;
  return { fast, adapter: await send(viaAdapter, init), answeredHere };
}

describe("queries as the SPA and the typed client send them", () => {
  const finder = `notifications.list,reservations.mine,branches.list,seats.list?batch=1&input=${enc({
    0: { unreadOnly: true },
    1: { upcomingOnly: true },
    3: window,
  })}`;
  const cases: Array<[string, string]> = [
    ["the finder's first load (one batch of four)", finder],
    ["a seat list, batch of one", `seats.list?batch=1&input=${enc({ 0: window })}`],
    ["a seat list, unbatched", `seats.list?input=${enc(window)}`],
    [
      "a seat detail (batch of two)",
      `seats.get,seats.availability?batch=1&input=${enc({ 0: { id: 3 }, 1: { seatId: 3, from: window.startTime, to: window.endTime } })}`,
    ],
    ["branches, no input", "branches.list?batch=1"],
    ["mine, unbatched", `reservations.mine?input=${enc({ upcomingOnly: true })}`],
    ["a batch input that is not an object", `seats.list?batch=1&input=${enc([window])}`],
    ["input that is not JSON", "seats.list?input=%7Bnot-json"],
    [
      "a bad input beside a good one (207)",
      `seats.get,seats.get?batch=1&input=${enc({ 0: { id: 3 }, 1: { id: "x" } })}`,
    ],
    ["a missing seat (404)", `seats.get?batch=1&input=${enc({ 0: { id: 999 } })}`],
    [
      "a rule broken by the window",
      `seats.list?batch=1&input=${enc({ 0: { ...window, endTime: window.startTime } })}`,
    ],
    ["an unknown procedure", `nope.nothing,seats.list?batch=1&input=${enc({ 1: window })}`],
    ["a mutation over GET", `reservations.cancel?batch=1&input=${enc({ 0: { id: 1 } })}`],
  ];

  it.each(cases)("%s: the same status, headers and bytes as tRPC", async (_name, path) => {
    // Twice: the second answer comes from a warm copy, rendered once.
    for (let i = 0; i < 2; i++) {
      const { fast, adapter } = await bothWays(path, { auth: token(0) });
      expect(fast).toEqual(adapter);
    }
  });

  it("answers the shapes our clients send itself, and leaves the rest to the adapter", async () => {
    expect((await bothWays(finder, { auth: token(0) })).answeredHere).toBe(1);
    expect((await bothWays(`seats.list?input=${enc(window)}`, { auth: token(0) })).answeredHere).toBe(1);
    expect((await bothWays("nope.nothing?batch=1", { auth: token(0) })).answeredHere).toBe(0);
    expect((await bothWays("seats.list?input=%7Bnot-json", { auth: token(0) })).answeredHere).toBe(0);
  });

  it("refuses no token, a forged one and an expired session exactly as tRPC does", async () => {
    for (const auth of [undefined, `${token(0)}x`, "not-a-jwt"]) {
      const { fast, adapter } = await bothWays(finder, { auth });
      expect(fast.status).toBe(401);
      expect(fast).toEqual(adapter);
    }
  });

  it("shows a booking to the very next read of the same batch", async () => {
    const path = `seats.list?batch=1&input=${enc({ 0: window })}`;
    await send(path, { auth: token(1) });
    await ts
      .client(token(1))
      .reservations.create.mutate({ seatId: 2, startTime: window.startTime, endTime: window.endTime });
    const [answer] = JSON.parse((await send(path, { auth: token(2) })).text) as {
      result: { data: { id: number; available: boolean }[] };
    }[];
    expect(answer?.result.data.find((s) => s.id === 2)?.available).toBe(false);
  });
});

describe("mutations as the SPA sends them (batched POST)", () => {
  const booking = (seatId: number, start: Date) => ({
    seatId,
    startTime: start.toISOString(),
    endTime: addMinutes(start, 120).toISOString(),
  });

  it("books, then answers a loss, a bad input and a wrong login exactly as tRPC does", async () => {
    const start = tomorrowAt(8);
    const won = await send("reservations.create?batch=1", {
      auth: token(3),
      body: JSON.stringify({ 0: booking(30, start) }),
    });
    expect(won.status).toBe(200);
    expect(JSON.parse(won.text)[0].result.data).toMatchObject({ seatId: 30, status: "CONFIRMED" });
    const bodies: Array<[string, string, string | undefined]> = [
      ["reservations.create?batch=1", JSON.stringify({ 0: booking(30, start) }), token(4)],
      ["reservations.create", JSON.stringify(booking(30, start)), token(4)],
      [
        "reservations.create?batch=1",
        JSON.stringify({ 0: { ...booking(31, start), seatId: "x" } }),
        token(4),
      ],
      ["reservations.create?batch=1", JSON.stringify({ 0: booking(31, start) }), undefined],
      [
        "auth.login?batch=1",
        JSON.stringify({ 0: { studentId: "FAST005", password: "wrong-password" } }),
        undefined,
      ],
      ["reservations.create?batch=1", "{not json", token(4)],
      ["reservations.create?batch=1", "", token(4)],
      ["seats.list?batch=1", JSON.stringify({ 0: window }), token(4)],
    ];
    for (const [path, body, auth] of bodies) {
      const { fast, adapter } = await bothWays(path, { auth, body });
      expect(fast.status).toBeGreaterThanOrEqual(400);
      expect(fast).toEqual(adapter);
    }
    const wrongType = await bothWays("reservations.create?batch=1", {
      auth: token(4),
      body: JSON.stringify({ 0: booking(31, start) }),
      type: "text/plain",
    });
    expect(wrongType.fast.status).toBe(415);
    expect(wrongType.fast.headers["content-type"]).toBe("application/json");
    expect(wrongType.fast).toEqual(wrongType.adapter);
  });

  it("books the same as tRPC: status, headers and the reservation's shape", async () => {
    const start = tomorrowAt(10);
    const fast = await send("reservations.create?batch=1", {
      auth: token(5),
      body: JSON.stringify({ 0: booking(32, start) }),
    });
    const adapter = await send("reservations.create?batch=1&via=trpc", {
      auth: token(6),
      body: JSON.stringify({ 0: booking(33, start) }),
    });
    expect(fast.status).toBe(adapter.status);
    expect(fast.headers["content-type"]).toBe(adapter.headers["content-type"]);
    const shape = (text: string) =>
      Object.keys((JSON.parse(text) as { result: { data: object } }[])[0]?.result.data ?? {});
    expect(shape(fast.text)).toEqual(shape(adapter.text));
  });

  it("keeps exactly one winner per slot when 20 students storm 3 slots at once", async () => {
    const start = tomorrowAt(16);
    const slots = [40, 41, 42];
    const attempts = tokens
      .slice(0, 20)
      .flatMap((auth) =>
        slots.map((seatId) =>
          send("reservations.create?batch=1", { auth, body: JSON.stringify({ 0: booking(seatId, start) }) }),
        ),
      );
    const answers = await Promise.all(attempts);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(57);
    const [row] = await ts.database.db
      .select({ n: count() })
      .from(reservations)
      .where(and(inArray(reservations.seatId, slots), eq(reservations.status, "CONFIRMED")));
    expect(row?.n).toBe(3);
  });

  it("refuses a body over the server's limit with 413, as tRPC does, booking nothing", async () => {
    const big = JSON.stringify({ 0: { ...booking(34, tomorrowAt(18)), pad: "x".repeat(2_000_000) } });
    const { fast, adapter } = await bothWays("reservations.create?batch=1", { auth: token(7), body: big });
    expect(fast.status).toBe(413);
    expect(fast.status).toBe(adapter.status);
    const [row] = await ts.database.db
      .select({ n: count() })
      .from(reservations)
      .where(eq(reservations.seatId, 34));
    expect(row?.n).toBe(0);
  });
});

describe("the typed client's default link", () => {
  it("takes the fast path for its batched queries and mutations", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${ts.url}/trpc`, headers: { authorization: `Bearer ${token(8)}` } })],
    });
    const before = fastPathStats.answered;
    const [seats, branches, mine] = await Promise.all([
      client.seats.list.query(window),
      client.branches.list.query(),
      client.reservations.mine.query({ upcomingOnly: true }),
    ]);
    expect(fastPathStats.answered - before).toBe(1);
    expect(seats.length).toBeGreaterThan(10);
    expect(branches).toHaveLength(3);
    expect(mine).toEqual([]);
    const booked = await client.reservations.create.mutate({
      seatId: 5,
      startTime: tomorrowAt(19).toISOString(),
      endTime: tomorrowAt(20).toISOString(),
    });
    expect(fastPathStats.answered - before).toBe(2);
    expect(await client.reservations.mine.query({ upcomingOnly: true })).toMatchObject([{ id: booked.id }]);
  });
});
