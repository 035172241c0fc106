import type { AppRouter } from "@dlsms/api";
import { reservations, users, waitlist } from "@dlsms/db";
import { eq } from "@dlsms/db/drizzle";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { grpcClients, grpcCode } from "./grpc-harness";
import { startTestServer, type TestServer, tomorrowAt } from "./helpers";
import { call } from "./rest-harness";

/**
 * Input that used to reach Postgres and come back as a 500 — a year 0, an offset of +24:00, a
 * NUL byte, a 23-digit Last-Event-ID, a token whose account was deleted — through each door of
 * one real server (tRPC over HTTP and WebSocket, REST under /api, gRPC): a 4xx, nothing written.
 */
let ts: TestServer;
let grpcUrl: string;
let token: string;
let ghostToken: string;
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0" });
  grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
  token = (await ts.client().auth.login.mutate({ studentId: "S2021004", password: "password123" })).token;
  const ghost = await ts.client().auth.register.mutate({
    studentId: "S2029200",
    password: "password123",
    name: "Soon Gone",
  });
  ghostToken = ghost.token;
  await ts.database.db.delete(users).where(eq(users.id, ghost.user.id));
});
afterAll(() => ts?.stop());

const counts = async () => ({
  users: await ts.database.db.$count(users),
  reservations: await ts.database.db.$count(reservations),
  waitlist: await ts.database.db.$count(waitlist),
});

/** One tRPC call over plain HTTP: a query as GET ?input=, a mutation as a POST body. */
async function trpc(kind: "query" | "mutation", path: string, input: unknown, bearer?: string) {
  const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
  const url = `${ts.url}/trpc/${path}`;
  const res =
    kind === "query"
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(input),
        });
  const body = (await res.json()) as { error?: { message: string; data: { code: string } } };
  return { status: res.status, code: body.error?.data.code, message: body.error?.message ?? "" };
}

const day = tomorrowAt(0).toISOString().slice(0, 10);
const YEAR_ZERO = ["0000-01-01T10:00:00Z", "0000-01-01T11:00:00Z"] as const;
const OFFSET_24 = [`${day}T10:00:00+24:00`, `${day}T11:00:00+24:00`] as const;
/** Well-formed, but in UTC already the year 10000, which toISOString cannot write as ISO. */
const PAST_9999 = ["9999-12-31T20:00:00-05:00", "9999-12-31T21:00:00-05:00"] as const;
const WINDOWS = { "year 0000": YEAR_ZERO, "offset +24:00": OFFSET_24, "past 9999 in UTC": PAST_9999 };
const ID_23_DIGITS = "12345678901234567890123";

describe("tRPC over HTTP", () => {
  it.each(Object.entries(WINDOWS))(
    "%s: 400 BAD_REQUEST on every procedure taking a time",
    async (_, [from, to]) => {
      const before = await counts();
      const answers = [
        await trpc("query", "seats.list", { startTime: from, endTime: to }, token),
        await trpc("query", "seats.availability", { seatId: 1, from, to }, token),
        await trpc("mutation", "reservations.create", { seatId: 1, startTime: from, endTime: to }, token),
        await trpc("mutation", "waitlist.join", { seatId: 1, desiredStart: from, desiredEnd: to }, token),
      ];
      for (const a of answers) expect(a).toMatchObject({ status: 400, code: "BAD_REQUEST" });
      expect(await counts()).toEqual(before);
    },
  );

  it("NUL in login, register and seat filters: 400 BAD_REQUEST", async () => {
    const before = await counts();
    const answers = [
      await trpc("mutation", "auth.login", { studentId: "S2021001\u0000", password: "password123" }),
      await trpc("mutation", "auth.login", { studentId: "S2021001", password: "password\u0000" }),
      await trpc("mutation", "auth.register", {
        studentId: "S2029201",
        password: "password123",
        name: "\u0000",
      }),
      await trpc("query", "seats.list", { branch: "Main\u0000Library" }, token),
      await trpc("query", "seats.list", { area: "Silent\u0000" }, token),
    ];
    for (const a of answers) expect(a).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(await counts()).toEqual(before);
  });

  it("a deleted account's token: 401 UNAUTHORIZED on writes", async () => {
    const before = await counts();
    const slot = { seatId: 6, startTime: tomorrowAt(9).toISOString(), endTime: tomorrowAt(10).toISOString() };
    expect(await trpc("mutation", "reservations.create", slot, ghostToken)).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
      message: expect.stringMatching(/no longer exists/),
    });
    const wait = { branch: "Main Library", desiredStart: slot.startTime, desiredEnd: slot.endTime };
    expect(await trpc("mutation", "waitlist.join", wait, ghostToken)).toMatchObject({ status: 401 });
    expect(await counts()).toEqual(before);
  });
});

describe("tRPC over WebSocket", () => {
  it("notifications.onEvent with a 23-digit lastEventId: BAD_REQUEST", async () => {
    const wsClient = createWSClient({
      url: `${ts.url.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
      const code = await new Promise<string | undefined>((resolve) => {
        const sub = client.notifications.onEvent.subscribe(
          { lastEventId: ID_23_DIGITS },
          {
            onError: (err) => resolve((err.data as { code?: string } | undefined)?.code),
            onData: () => resolve("DATA"),
          },
        );
        setTimeout(() => {
          sub.unsubscribe();
          resolve("NO ANSWER");
        }, 10_000);
      });
      expect(code).toBe("BAD_REQUEST");
    } finally {
      await wsClient.close();
    }
  });
});

describe("REST under /api", () => {
  it.each(Object.entries(WINDOWS))(
    "%s: 400 on seats, availability, reservations, waitlist",
    async (_, [from, to]) => {
      const before = await counts();
      const q = `start_time=${encodeURIComponent(from)}&end_time=${encodeURIComponent(to)}`;
      const answers = [
        await call(ts.url, "GET", `/seats?${q}`, { token }),
        await call(ts.url, "GET", `/seats/1/availability?${q}`, { token }),
        await call(ts.url, "POST", "/reservations", {
          token,
          body: { seat_id: 1, start_time: from, end_time: to },
        }),
        await call(ts.url, "POST", "/waitlist", { token, body: { seat_id: 1, desired_time: from } }),
        await call(ts.url, "POST", "/waitlist", {
          token,
          body: { branch: "Main Library", desired_time: from },
        }),
      ];
      for (const a of answers) {
        expect(a.status, a.text).toBe(400);
        expect(typeof a.body.error).toBe("string");
      }
      expect(await counts()).toEqual(before);
    },
  );

  it("NUL in login, register, query parameters and bodies: 400", async () => {
    const before = await counts();
    const answers = [
      await call(ts.url, "POST", "/auth/login", {
        body: { student_id: "S2021001\u0000", password: "password123" },
      }),
      await call(ts.url, "POST", "/auth/login", {
        body: { student_id: "S2021001", password: "pass\u0000word" },
      }),
      await call(ts.url, "POST", "/auth/register", {
        body: { student_id: "S2029202", password: "password123", name: "Nul\u0000" },
      }),
      await call(ts.url, "GET", "/seats?branch=Main%00Library", { token }),
      await call(ts.url, "GET", "/seats?area=%00&available_only=false", { token }),
      await call(ts.url, "POST", "/waitlist", {
        token,
        body: { branch: "Main\u0000", desired_time: tomorrowAt(9).toISOString() },
      }),
    ];
    for (const a of answers) {
      expect(a.status, a.text).toBe(400);
      expect(a.body.error).toMatch(/control characters|NUL/);
    }
    expect(await counts()).toEqual(before);
  });

  it("SSE with a 23-digit Last-Event-ID: 400, no stream opened", async () => {
    const res = await call(ts.url, "GET", "/notifications/stream", {
      token,
      headers: { "last-event-id": ID_23_DIGITS },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/Last-Event-ID/);
  });

  it("a deleted account's token: 401 on writes", async () => {
    const before = await counts();
    const start = tomorrowAt(9).toISOString();
    const booking = await call(ts.url, "POST", "/reservations", {
      token: ghostToken,
      body: { seat_id: 6, start_time: start, end_time: tomorrowAt(10).toISOString() },
    });
    expect(booking.status, booking.text).toBe(401);
    expect(booking.body.error).toMatch(/no longer exists/);
    const wait = await call(ts.url, "POST", "/waitlist", {
      token: ghostToken,
      body: { seat_id: 6, desired_time: start },
    });
    expect(wait.status, wait.text).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe("gRPC", () => {
  it.each(Object.entries(WINDOWS))(
    "%s: INVALID_ARGUMENT on every call taking a time",
    async (_, [from, to]) => {
      const before = await counts();
      const c = grpcClients(grpcUrl, token);
      const answers = [
        await grpcCode(c.seats.getSeats({ startTime: from, endTime: to })),
        await grpcCode(c.seats.checkAvailability({ seatId: 1, startTime: from, endTime: to })),
        await grpcCode(c.reservations.createReservation({ seatId: 1, startTime: from, endTime: to })),
        await grpcCode(c.notify.addToWaitlist({ seatId: 1, desiredTime: from })),
      ];
      expect(answers).toEqual(Array(4).fill("InvalidArgument"));
      expect(await counts()).toEqual(before);
    },
  );

  it("NUL in login, register and string fields: INVALID_ARGUMENT", async () => {
    const before = await counts();
    const anon = grpcClients(grpcUrl);
    const c = grpcClients(grpcUrl, token);
    const answers = [
      await grpcCode(anon.auth.login({ studentId: "S2021001\u0000", password: "password123" })),
      await grpcCode(anon.auth.login({ studentId: "S2021001", password: "pass\u0000word" })),
      await grpcCode(anon.auth.register({ studentId: "S2029203", password: "password123", name: "\u0000" })),
      await grpcCode(c.seats.getSeats({ branch: "Main\u0000Library" })),
      await grpcCode(c.seats.getSeats({ area: "\u0000" })),
      await grpcCode(
        c.notify.addToWaitlist({ branch: "Main\u0000", desiredTime: tomorrowAt(9).toISOString() }),
      ),
    ];
    expect(answers).toEqual(Array(6).fill("InvalidArgument"));
    expect(await counts()).toEqual(before);
  });

  it("Subscribe with a 23-digit last_event_id: INVALID_ARGUMENT", async () => {
    const stream = grpcClients(grpcUrl, token).notifications.subscribe({ lastEventId: ID_23_DIGITS });
    expect(await grpcCode(stream[Symbol.asyncIterator]().next())).toBe("InvalidArgument");
  });

  it("a deleted account's token: UNAUTHENTICATED on writes", async () => {
    const before = await counts();
    const ghost = grpcClients(grpcUrl, ghostToken);
    const start = tomorrowAt(9).toISOString();
    expect(
      await grpcCode(
        ghost.reservations.createReservation({
          seatId: 6,
          startTime: start,
          endTime: tomorrowAt(10).toISOString(),
        }),
      ),
    ).toBe("Unauthenticated");
    expect(await grpcCode(ghost.notify.addToWaitlist({ seatId: 6, desiredTime: start }))).toBe(
      "Unauthenticated",
    );
    expect(await counts()).toEqual(before);
  });
});
