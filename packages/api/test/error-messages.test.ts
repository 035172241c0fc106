import { createMemoryCache } from "@dlsms/bus";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Context, createContextInner } from "../src/context";
import { appRouter } from "../src/root";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { countReservations, dayAt, HOUR, iso, slot } from "./helpers";

/**
 * What a client actually receives: the router answered through tRPC's fetch adapter (in process,
 * no port), so the error formatter and HTTP status mapping are part of what is checked.
 */
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ auth: { loginAttemptsPerMinute: 2 } }));
});
afterAll(() => api?.destroy());

interface ErrorBody {
  error: {
    message: string;
    code: number;
    data: { code: string; httpStatus: number; path?: string; stack?: unknown; validation?: boolean };
  };
}

async function call(path: string, input: unknown, asUser: number | null, method: "GET" | "POST" = "POST") {
  const user =
    asUser === null ? null : { ...(await (await api.as(asUser)).auth.me()), exp: Date.now() / 1000 + 600 };
  const createContext = (): Context => createContextInner({ ...api.deps, user });
  const url = new URL(`http://local/trpc/${path}`);
  if (method === "GET" && input !== undefined) url.searchParams.set("input", JSON.stringify(input));
  const req = new Request(url, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(input) : undefined,
  });
  const res = await fetchRequestHandler({ endpoint: "/trpc", req, router: appRouter, createContext });
  return { status: res.status, body: (await res.json()) as ErrorBody & { result?: { data: unknown } } };
}

async function expectHttpError(
  path: string,
  input: unknown,
  asUser: number | null,
  status: number,
  code: string,
  message: string | RegExp,
  method: "GET" | "POST" = "POST",
) {
  const { status: got, body } = await call(path, input, asUser, method);
  expect({ status: got, code: body.error?.data.code }).toEqual({ status, code });
  expect(body.error.data.httpStatus).toBe(status);
  expect(body.error.data.stack).toBeUndefined();
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else expect(body.error.message).toMatch(message);
  return body.error;
}

const tomorrow = (h: number) => iso(dayAt(1, h));

describe("error messages a client sees over HTTP", () => {
  it("validation: readable text naming the field, flagged as validation, no zod JSON", async () => {
    const error = await expectHttpError(
      "reservations.create",
      { seatId: "abc", startTime: "tomorrow", endTime: tomorrow(11) },
      1,
      400,
      "BAD_REQUEST",
      "seatId must be a number; startTime must be a date and time like 2025-10-11T14:00:00 (optionally ending in Z or +02:00)",
    );
    expect(error.data.validation).toBe(true);
    expect(error.message).not.toContain("{");
  });

  it("missing fields: 'is required'", async () => {
    await expectHttpError(
      "reservations.create",
      {},
      1,
      400,
      "BAD_REQUEST",
      /^seatId is required; startTime is required .*; endTime is required/,
    );
  });

  it("rule violations: 400 with the rule in words, and nothing written", async () => {
    const before = await countReservations(api);
    const error = await expectHttpError(
      "reservations.create",
      slot(1, dayAt(1, 10), dayAt(1, 10)),
      1,
      400,
      "BAD_REQUEST",
      "The end time must be after the start time",
    );
    expect(error.data.validation).toBe(false);
    await expectHttpError(
      "reservations.create",
      { seatId: 1, startTime: "2025-02-30T10:00:00", endTime: "2025-02-30T11:00:00" },
      1,
      400,
      "BAD_REQUEST",
      'startTime is not a valid date and time: "2025-02-30T10:00:00"',
    );
    expect(await countReservations(api)).toBe(before);
  });

  it("unknown seat: 404", async () => {
    await expectHttpError(
      "reservations.create",
      slot(77, dayAt(1, 10), dayAt(1, 11)),
      1,
      404,
      "NOT_FOUND",
      "Seat 77 does not exist",
    );
  });

  it("overlap: 409 with the student's own reservation or the seat named", async () => {
    const start = dayAt(2, 10);
    const ok = await call("reservations.create", slot(5, start, new Date(start.getTime() + HOUR)), 1);
    expect(ok.status).toBe(200);
    await expectHttpError(
      "reservations.create",
      slot(5, start, new Date(start.getTime() + HOUR)),
      2,
      409,
      "CONFLICT",
      /^Seat \S+ is already booked for part of that time\. Pick another time or seat\.$/,
    );
    await expectHttpError(
      "reservations.create",
      slot(6, start, new Date(start.getTime() + HOUR)),
      1,
      409,
      "CONFLICT",
      /^You already have a reservation for seat \S+ from .* that overlaps this time$/,
    );
  });

  it("not logged in: 401; someone else's reservation: 404", async () => {
    await expectHttpError(
      "reservations.mine",
      undefined,
      null,
      401,
      "UNAUTHORIZED",
      "Please log in first.",
      "GET",
    );
    const [mine] = await (await api.as(1)).reservations.mine();
    await expectHttpError(
      "reservations.get",
      { id: mine?.id },
      2,
      404,
      "NOT_FOUND",
      `Reservation ${mine?.id} not found`,
      "GET",
    );
  });

  it("login: 401 with one message for both failures, then 429", async () => {
    const wrong = await expectHttpError(
      "auth.login",
      { studentId: "S2021005", password: "nope" },
      null,
      401,
      "UNAUTHORIZED",
      "Student ID or password is incorrect",
    );
    const unknown = await expectHttpError(
      "auth.login",
      { studentId: "S2099005", password: "nope" },
      null,
      401,
      "UNAUTHORIZED",
      "Student ID or password is incorrect",
    );
    expect(unknown.code).toBe(wrong.code);
    await call("auth.login", { studentId: "S2021005", password: "nope" }, null);
    await expectHttpError(
      "auth.login",
      { studentId: "S2021005", password: "password123" },
      null,
      429,
      "TOO_MANY_REQUESTS",
      /^Too many login attempts\. Try again in \d+ s\.$/,
    );
  });

  it("duplicate registration: 409", async () => {
    await expectHttpError(
      "auth.register",
      { studentId: "S2021001", password: "password123", name: "Again" },
      null,
      409,
      "CONFLICT",
      "Student ID S2021001 is already registered",
    );
  });

  it("an unexpected failure is a 500 whose message hides the details", async () => {
    const broken: Context = createContextInner({
      ...api.deps,
      // A cache of its own: this user's reservations, read above, must not come from a copy.
      cache: createMemoryCache(),
      db: new Proxy(api.deps.db, {
        get() {
          throw new Error("connection string postgres://secret@db leaked");
        },
      }),
      user: {
        id: 1,
        studentId: "S2021001",
        name: "Alice Johnson",
        role: "student",
        exp: Date.now() / 1000 + 600,
      },
    });
    const res = await fetchRequestHandler({
      endpoint: "/trpc",
      req: new Request("http://local/trpc/reservations.mine"),
      router: appRouter,
      createContext: () => broken,
    });
    const body = (await res.json()) as ErrorBody;
    expect(res.status).toBe(500);
    expect(body.error.message).toBe("Something went wrong on our side. Please try again.");
    expect(JSON.stringify(body)).not.toContain("secret");
  });
});
