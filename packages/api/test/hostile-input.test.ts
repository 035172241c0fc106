import { branches, reservations, seats, users, waitlist } from "@dlsms/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContextInner } from "../src/context";
import { RuleViolation } from "../src/errors";
import { createCaller } from "../src/root";
import { createTestApi, type TestApi } from "../src/testing";
import { parseLibraryTime } from "../src/time";
import { dayAt, expectTRPCError, iso } from "./helpers";

/**
 * Input the database cannot store or compare (a year 0, a NUL byte, a bigint beyond range, a
 * writer whose account is gone) used to reach Postgres and come back as a 500. Each is a 4xx
 * now, and changes nothing.
 */
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const counts = async () => {
  const db = api.database.db;
  return {
    users: await db.$count(users),
    reservations: await db.$count(reservations),
    waitlist: await db.$count(waitlist),
    branches: await db.$count(branches),
    seats: await db.$count(seats),
  };
};

const tomorrow = (hour: number) => iso(dayAt(1, hour));
type Caller = ReturnType<typeof createCaller>;

describe("timestamps outside what the database can hold", () => {
  // One-hour windows: years the database cannot hold, with and without an offset, and one that
  // is well-formed but already the year 10000 in UTC.
  const bad = [
    ["0000-06-01T10:00:00Z", "0000-06-01T11:00:00Z"],
    ["0000-06-01T10:00:00.000Z", "0000-06-01T11:00:00.000Z"],
    ["0001-06-01T10:00:00", "0001-06-01T11:00:00"],
    ["1969-06-01T10:00:00Z", "1969-06-01T11:00:00Z"],
    ["9999-12-31T20:00:00-05:00", "9999-12-31T21:00:00-05:00"],
  ] as const;

  it.each(bad)("%s → %s is BAD_REQUEST on every procedure that takes a time", async (from, to) => {
    const before = await counts();
    const alice = await api.as(1);
    const admin = await api.as(11);
    await expectTRPCError(alice.seats.list({ startTime: from, endTime: to }), "BAD_REQUEST", "startTime");
    await expectTRPCError(alice.seats.availability({ seatId: 1, from, to }), "BAD_REQUEST", "from");
    await expectTRPCError(
      alice.reservations.create({ seatId: 1, startTime: from, endTime: to }),
      "BAD_REQUEST",
      "startTime",
    );
    await expectTRPCError(
      alice.waitlist.join({ seatId: 1, desiredStart: from, desiredEnd: to }),
      "BAD_REQUEST",
      "desiredStart",
    );
    await expectTRPCError(admin.admin.reservations({ from, to }), "BAD_REQUEST", "from");
    await expectTRPCError(admin.admin.utilisation({ from, to }), "BAD_REQUEST", "from");
    expect(await counts()).toEqual(before);
  });

  it("parseLibraryTime itself refuses instants before 1970 or after 9999 (for adapters that call it)", () => {
    for (const value of ["0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T23:00:00-05:00"]) {
      expect(() => parseLibraryTime(value, "Asia/Taipei", "startTime")).toThrow(RuleViolation);
      expect(() => parseLibraryTime(value, "Asia/Taipei", "startTime")).toThrow(/startTime/);
    }
    expect(parseLibraryTime("1970-01-01T00:00:00Z", "UTC", "x").getTime()).toBe(0);
    expect(parseLibraryTime("9999-12-31T23:00:00Z", "UTC", "x").getUTCFullYear()).toBe(9999);
  });
});

describe("time zone offsets", () => {
  it.each(["+24:00", "-24:00", "+14:01", "+15:00", "-99:99", "+0960", "+12:60"])(
    "%s is BAD_REQUEST, nothing booked",
    async (offset) => {
      const before = await counts();
      const alice = await api.as(1);
      const day = iso(dayAt(3, 0)).slice(0, 10);
      const [from, to] = [`${day}T10:00:00${offset}`, `${day}T11:00:00${offset}`];
      await expectTRPCError(
        alice.reservations.create({ seatId: 2, startTime: from, endTime: to }),
        "BAD_REQUEST",
        "startTime",
      );
      await expectTRPCError(alice.seats.list({ startTime: from, endTime: to }), "BAD_REQUEST", "startTime");
      await expectTRPCError(
        alice.waitlist.join({ seatId: 2, desiredStart: from, desiredEnd: to }),
        "BAD_REQUEST",
        "desiredStart",
      );
      expect(await counts()).toEqual(before);
    },
  );

  it("offsets from -12:00 to +14:00 still work", async () => {
    const alice = await api.as(1);
    const day = iso(dayAt(3, 0)).slice(0, 10);
    for (const [from, to] of [
      [`${day}T20:00:00+14:00`, `${day}T21:00:00+1400`],
      [`${day}T08:00:00-12:00`, `${day}T09:00:00-12`],
    ] as const) {
      expect((await alice.seats.list({ startTime: from, endTime: to })).length).toBeGreaterThan(0);
    }
    // Alice's seeded bookings use up her upcoming allowance; Dave has none.
    const dave = await api.as(4);
    const booked = await dave.reservations.create({
      seatId: 2,
      startTime: `${day}T10:00:00+14:00`,
      endTime: `${day}T11:00:00+14:00`,
    });
    await dave.reservations.cancel({ id: booked.id });
  });
});

describe("NUL and control characters in text", () => {
  type Call = (t: { alice: Caller; admin: Caller }) => Promise<unknown>;
  const window = { desiredStart: tomorrow(9), desiredEnd: tomorrow(10) };
  const cases: [string, Call, string][] = [
    [
      "login studentId",
      () => api.anonymous.auth.login({ studentId: "S2021001\u0000", password: "password123" }),
      "Student ID",
    ],
    [
      "login password",
      () => api.anonymous.auth.login({ studentId: "S2021001", password: "pass\u0000word123" }),
      "Password",
    ],
    [
      "register name",
      () =>
        api.anonymous.auth.register({ studentId: "S2029001", password: "password123", name: "Eve\u0000" }),
      "Name",
    ],
    [
      "register password",
      () =>
        api.anonymous.auth.register({ studentId: "S2029001", password: "pass\u0000word123", name: "Eve" }),
      "Password",
    ],
    [
      "escape in a name",
      () =>
        api.anonymous.auth.register({
          studentId: "S2029001",
          password: "password123",
          name: "Eve\u001b[31m",
        }),
      "Name",
    ],
    ["seats.list branch", ({ alice }) => alice.seats.list({ branch: "Main\u0000Library" }), "branch"],
    ["seats.list area", ({ alice }) => alice.seats.list({ area: "\u0000" }), "area"],
    ["waitlist branch", ({ alice }) => alice.waitlist.join({ branch: "Main\u0000", ...window }), "branch"],
    ["branch name", ({ admin }) => admin.admin.createBranch({ name: "New\u0000", code: "NB" }), "name"],
    ["seat area", ({ admin }) => admin.admin.createSeat({ branch: "Main Library", area: "A\u0000" }), "area"],
    ["seat branch", ({ admin }) => admin.admin.createSeat({ branch: "Main\u0000", area: "A" }), "branch"],
    [
      "staff studentId filter",
      ({ admin }) => admin.admin.reservations({ studentId: "S\u0000" }),
      "studentId",
    ],
    [
      "staff message",
      ({ admin }) => admin.admin.notifyWaitlist({ seatId: 1, message: "hi\u0000" }),
      "message",
    ],
  ];

  it.each(cases)("%s: BAD_REQUEST naming the field, nothing written", async (_name, run, field) => {
    const before = await counts();
    await expectTRPCError(run({ alice: await api.as(1), admin: await api.as(11) }), "BAD_REQUEST", field);
    expect(await counts()).toEqual(before);
  });

  it("ordinary text with accents, tabs in messages and emoji still passes", async () => {
    const admin = await api.as(11);
    await expect(
      admin.admin.notifyWaitlist({ seatId: 1, message: "Réouverture\tdemain ☕" }),
    ).resolves.toBeDefined();
    const alice = await api.as(1);
    await expect(alice.seats.list({ branch: "Bibliothèque ☕" })).resolves.toEqual([]);
  });
});

describe("lastEventId beyond the id column", () => {
  it.each(["12345678901234567890123", "9007199254740992", "-1", "1e5"])("%s is BAD_REQUEST", async (id) => {
    const alice = await api.as(1);
    await expectTRPCError(alice.notifications.onEvent({ lastEventId: id }), "BAD_REQUEST", "lastEventId");
  });

  it("the largest safe id is accepted (and replays nothing)", async () => {
    const ac = new AbortController();
    const user = { ...(await (await api.as(1)).auth.me()), exp: Math.floor(Date.now() / 1000) + 600 };
    const alice = createCaller(createContextInner({ ...api.deps, user }), { signal: ac.signal });
    const stream = await alice.notifications.onEvent({ lastEventId: String(Number.MAX_SAFE_INTEGER) });
    const first = stream[Symbol.asyncIterator]().next();
    ac.abort();
    expect(await first).toMatchObject({ done: true });
  });
});

describe("a valid session whose account was deleted", () => {
  it("writes are UNAUTHORIZED, nothing written", async () => {
    const session = await api.anonymous.auth.register({
      studentId: "S2029100",
      password: "password123",
      name: "Gone Soon",
    });
    const ghost = await api.as(session.user.id);
    await api.database.db.delete(users).where(eq(users.id, session.user.id));
    const before = await counts();
    await expectTRPCError(
      ghost.reservations.create({ seatId: 5, startTime: tomorrow(9), endTime: tomorrow(10) }),
      "UNAUTHORIZED",
      /no longer exists/,
    );
    await expectTRPCError(
      ghost.waitlist.join({ seatId: 5, desiredStart: tomorrow(9), desiredEnd: tomorrow(10) }),
      "UNAUTHORIZED",
    );
    await expectTRPCError(
      ghost.waitlist.join({ branch: "Main Library", desiredStart: tomorrow(9), desiredEnd: tomorrow(10) }),
      "UNAUTHORIZED",
    );
    expect(await counts()).toEqual(before);
  });
});
