import { users } from "@dlsms/db";
import { TRPCError } from "@trpc/server";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressKey } from "../src/auth/limiter";
import { createContextInner } from "../src/context";
import { createCaller } from "../src/root";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { expectTRPCError } from "./helpers";

// The login throttle under concurrency, per address, and the register throttle, called the way
// every door calls them (createCaller with the client address the door saw).
const LIMIT = 10;
const PER_STUDENT = 25;
const REGISTRATIONS = 3;

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(
    testConfig({
      auth: {
        loginAttemptsPerMinute: LIMIT,
        loginAttemptsPerStudentPerMinute: PER_STUDENT,
        registrationsPerIpPerHour: REGISTRATIONS,
      },
    }),
  );
});
afterAll(() => api?.destroy());

const from = (clientIp: string) => createCaller(createContextInner({ ...api.deps, clientIp }));

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

const tally = (codes: string[]) => {
  const counts: Record<string, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
};

describe("login throttle", () => {
  it("200 concurrent wrong passwords: exactly the limit are checked, the rest are 429", async () => {
    const caller = from("10.0.0.1");
    const codes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        codeOf(caller.auth.login({ studentId: "S2021001", password: `wrong-${i}` })),
      ),
    );
    expect(tally(codes)).toEqual({ UNAUTHORIZED: LIMIT, TOO_MANY_REQUESTS: 200 - LIMIT });
  });

  it("the right password among 150 concurrent guesses is refused once the limit is spent", async () => {
    const caller = from("10.0.0.2");
    const guesses = Array.from({ length: 150 }, (_, i) => (i === 149 ? "password123" : `guess-${i}`));
    const codes = await Promise.all(
      guesses.map((password) => codeOf(caller.auth.login({ studentId: "S2021002", password }))),
    );
    expect(codes.filter((c) => c !== "TOO_MANY_REQUESTS")).toHaveLength(LIMIT);
    expect(codes[149]).toBe("TOO_MANY_REQUESTS");
    await expectTRPCError(
      caller.auth.login({ studentId: "S2021002", password: "password123" }),
      "TOO_MANY_REQUESTS",
      /^Too many login attempts\. Try again in \d+ s\.$/,
    );
  });

  it("a successful login gives its attempt back", async () => {
    const caller = from("10.0.0.3");
    for (let i = 0; i < 3 * LIMIT; i++) {
      await caller.auth.login({ studentId: "S2021003", password: "password123" });
    }
    for (let i = 0; i < LIMIT - 1; i++) {
      await expectTRPCError(caller.auth.login({ studentId: "S2021003", password: "nope" }), "UNAUTHORIZED");
    }
    expect((await caller.auth.login({ studentId: "S2021003", password: "password123" })).user.id).toBe(3);
  });

  it("a lockout from one address does not lock the student out of another", async () => {
    const attacker = from("10.0.1.1");
    const codes = await Promise.all(
      Array.from({ length: 50 }, () => codeOf(attacker.auth.login({ studentId: "S2021004", password: "x" }))),
    );
    expect(tally(codes)).toEqual({ UNAUTHORIZED: LIMIT, TOO_MANY_REQUESTS: 50 - LIMIT });
    await expectTRPCError(
      attacker.auth.login({ studentId: "S2021004", password: "password123" }),
      "TOO_MANY_REQUESTS",
    );
    const session = await from("10.0.1.2").auth.login({ studentId: "S2021004", password: "password123" });
    expect(session.user.studentId).toBe("S2021004");
  });

  it("failures from many addresses together meet the softer per-student ceiling", async () => {
    // Three addresses spend their own limits; the third is stopped by the student's ceiling.
    const spent = [];
    for (const ip of ["10.0.2.1", "10.0.2.2", "10.0.2.3"]) {
      const caller = from(ip);
      spent.push(
        ...(await Promise.all(
          Array.from({ length: LIMIT }, () =>
            codeOf(caller.auth.login({ studentId: "S2021005", password: "x" })),
          ),
        )),
      );
    }
    expect(tally(spent)).toEqual({ UNAUTHORIZED: PER_STUDENT, TOO_MANY_REQUESTS: 3 * LIMIT - PER_STUDENT });
    await expectTRPCError(
      from("10.0.2.9").auth.login({ studentId: "S2021005", password: "password123" }),
      "TOO_MANY_REQUESTS",
      /^Too many login attempts for this student\. Try again in \d+ s\.$/,
    );
    // Another student is not affected.
    expect(
      (await from("10.0.2.9").auth.login({ studentId: "S2021006", password: "password123" })).user.id,
    ).toBe(6);
  });

  it("IPv6 clients are keyed by their /64 and IPv4-mapped addresses by the IPv4 address", async () => {
    expect(addressKey("::ffff:127.0.0.2")).toBe("127.0.0.2");
    expect(addressKey("2001:db8:0:12::1")).toBe("2001:db8:0:12::/64");
    expect(addressKey("2001:0db8:0000:0012:ffff:1:2:3")).toBe("2001:db8:0:12::/64");
    const codes = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      codes.push(
        await codeOf(from(`2001:db8:0:7::${i + 1}`).auth.login({ studentId: "S2021007", password: "x" })),
      );
    }
    expect(codes.at(-1)).toBe("TOO_MANY_REQUESTS");
  });
});

describe("passwords longer than bcrypt reads", () => {
  const long = "a".repeat(73);
  // 37 characters, 74 bytes: under any character limit, over the byte limit.
  const accented = "é".repeat(37);

  it("register refuses them with BAD_REQUEST and creates nothing", async () => {
    const caller = from("10.0.3.1");
    for (const password of [long, accented]) {
      await expectTRPCError(
        caller.auth.register({ studentId: "S2030001", password, name: "Long" }),
        "BAD_REQUEST",
        "Password is at most 72 bytes",
      );
    }
    const [row] = await api.database.db
      .select({ n: count() })
      .from(users)
      .where(eq(users.studentId, "S2030001"));
    expect(row?.n).toBe(0);
  });

  it("login refuses them before the throttle, and exactly 72 bytes still work", async () => {
    const caller = from("10.0.3.2");
    for (let i = 0; i < 2 * LIMIT; i++) {
      await expectTRPCError(
        caller.auth.login({ studentId: "S2021008", password: i % 2 ? long : accented }),
        "BAD_REQUEST",
        "Password is at most 72 bytes",
      );
    }
    expect((await caller.auth.login({ studentId: "S2021008", password: "password123" })).user.id).toBe(8);
    const exact = `${"é".repeat(30)}${"b".repeat(12)}`;
    const registered = await from("10.0.3.3").auth.register({
      studentId: "S2030002",
      password: exact,
      name: "Exact",
    });
    expect((await caller.auth.login({ studentId: "S2030002", password: exact })).user.id).toBe(
      registered.user.id,
    );
    // One byte less is a different password: nothing was cut.
    await expectTRPCError(
      caller.auth.login({ studentId: "S2030002", password: exact.slice(0, -1) }),
      "UNAUTHORIZED",
    );
  });
});

describe("register throttle", () => {
  it("counts every attempt per address, concurrent ones too; another address is not affected", async () => {
    const caller = from("10.0.4.1");
    const codes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        codeOf(
          caller.auth.register({
            // Existing ids are answered CONFLICT: the throttle is what stops reading that answer at scale.
            studentId:
              i % 2 ? `S20210${String((i % 9) + 1).padStart(2, "0")}` : `S2031${String(i).padStart(3, "0")}`,
            password: "password123",
            name: `Newcomer ${i}`,
          }),
        ),
      ),
    );
    expect(codes.filter((c) => c !== "TOO_MANY_REQUESTS")).toHaveLength(REGISTRATIONS);
    const [row] = await api.database.db
      .select({ n: count() })
      .from(users)
      .where(eq(users.name, "Newcomer 0"));
    expect(row?.n).toBeLessThanOrEqual(1);
    await expectTRPCError(
      caller.auth.register({ studentId: "S2031999", password: "password123", name: "Late" }),
      "TOO_MANY_REQUESTS",
      /^Too many registrations from your network\. Try again in \d+ s\.$/,
    );
    const other = await from("10.0.4.2").auth.register({
      studentId: "S2031999",
      password: "password123",
      name: "Late",
    });
    expect(other.user.studentId).toBe("S2031999");
  });
});
