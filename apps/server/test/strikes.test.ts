import { ConnectError } from "@connectrpc/connect";
import { runSweep } from "@dlsms/api/server";
import { auditLog, reservations } from "@dlsms/db";
import { eq, sql } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode, grpcLogin } from "./grpc-harness";
import { addMinutes, outcome, startTestServer, type TestServer, tomorrowAt } from "./helpers";
import { call } from "./rest-harness";

// Issue 21, acceptance 4 through a real server: with NO_SHOW_STRIKES=2, two no-shows suspend
// booking on every door, auth.me shows it, and admin.pardon lifts it.
const DAY = 24 * 60 * 60_000;
let ts: TestServer;
let grpcUrl: string;
let staff: string;
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0", NO_SHOW_STRIKES: "2" });
  grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
  staff = await login("ADMIN001", "admin-password");
});
afterAll(() => ts?.stop());

const login = (studentId: string, password = "password123") =>
  ts
    .client()
    .auth.login.mutate({ studentId, password })
    .then((s) => s.token);
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const window = (seatId: number, start: Date, minutes = 60) => ({
  seatId,
  startTime: start.toISOString(),
  endTime: addMinutes(start, minutes).toISOString(),
});

/** The sweeper as if it ran at `now` (its effects published), as the schedule would then. */
async function sweepAt(now: Date) {
  const { effects } = await runSweep(ts.database.db, ts.server.deps.config.rules, now);
  await effects.flush(ts.server.deps);
}

/** Two bookings the student never checks in to, swept after each one's grace. */
async function twoNoShows(token: string, seatId: number, firstHour: number): Promise<Date> {
  const student = ts.client(token);
  const starts = [tomorrowAt(firstHour), tomorrowAt(firstHour + 2)];
  for (const start of starts) {
    await student.reservations.create.mutate(window(seatId, start));
    await sweepAt(addMinutes(start, 16));
  }
  return new Date((starts[1] as Date).getTime() + 7 * DAY);
}

async function trpcMessage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(await outcome(Promise.reject(error))).toBe("FORBIDDEN");
  return (error as Error).message;
}

async function grpcRefusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  expect(await grpcCode(Promise.reject(error))).toBe("PermissionDenied");
  return (error as ConnectError).rawMessage;
}

describe("acceptance 4: no-show strikes suspend booking on every door", () => {
  it("two no-shows: FORBIDDEN / 403 / PERMISSION_DENIED with the end date; auth.me; pardon lifts it", async () => {
    const alice = await login("S2021001");
    const until = await twoNoShows(alice, 2, 8);
    const client = ts.client(alice);
    expect((await client.auth.me.query()).standing).toEqual({
      strikes: 2,
      suspendedUntil: until.toISOString(),
    });

    const next = tomorrowAt(15);
    expect(await trpcMessage(client.reservations.create.mutate(window(3, next)))).toContain(ymd(until));
    const body = { seat_id: 3, start_time: next.toISOString(), end_time: addMinutes(next, 60).toISOString() };
    const rest = await call(ts.url, "POST", "/reservations", { token: alice, body });
    expect(rest.status).toBe(403);
    expect(rest.body.error).toContain(`suspended until ${ymd(until)}`);
    const grpc = grpcClients(grpcUrl, await grpcLogin(grpcUrl, "S2021001"));
    const slot = { userId: 0, seatId: 3, startTime: body.start_time, endTime: body.end_time };
    expect(await grpcRefusal(grpc.reservations.createReservation(slot))).toContain(ymd(until));
    // Joining a waitlist is refused too, on each door; so is taking a free seat by scanning it.
    const waitlist = { seat_id: 3, desired_time: body.start_time };
    expect((await call(ts.url, "POST", "/waitlist", { token: alice, body: waitlist })).status).toBe(403);
    expect(
      await grpcRefusal(grpc.notify.addToWaitlist({ userId: 0, seatId: 3, desiredTime: body.start_time })),
    ).toContain(ymd(until));
    const { code } = await ts.client().seats.label.query({ id: 4 });
    expect(await trpcMessage(client.reservations.scan.mutate({ seatCode: code }))).toContain(ymd(until));
    const [none] = await ts.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(reservations)
      .where(eq(reservations.seatId, 3));
    expect(none?.n).toBe(0);

    const pardoned = await call(ts.url, "POST", "/admin/pardon", {
      token: staff,
      body: { student_id: "S2021001", reason: "Family emergency" },
    });
    expect(pardoned).toMatchObject({
      status: 200,
      body: { student_id: "S2021001", strikes: 0, suspended_until: null },
    });
    expect((await client.auth.me.query()).standing).toEqual({ strikes: 0, suspendedUntil: null });
    const [entry] = await ts.database.db.select().from(auditLog).where(eq(auditLog.action, "pardoned"));
    expect(entry).toMatchObject({ entityType: "user", entityId: 1, reason: "Family emergency" });

    expect(await outcome(client.reservations.create.mutate(window(3, next)))).toBe("OK");
    const later = tomorrowAt(18);
    const again = {
      seat_id: 5,
      start_time: later.toISOString(),
      end_time: addMinutes(later, 60).toISOString(),
    };
    expect((await call(ts.url, "POST", "/reservations", { token: alice, body: again })).status).toBe(201);
    const grpcSlot = { userId: 0, seatId: 6, startTime: tomorrowAt(20).toISOString() };
    const booked = await grpc.reservations.createReservation({
      ...grpcSlot,
      endTime: addMinutes(tomorrowAt(20), 60).toISOString(),
    });
    expect(booked.reservation?.status).toBe("CONFIRMED");
  });

  it("admin.pardon is staff-only on every door; bad input is a 4xx and changes nothing", async () => {
    const bob = await login("S2021002");
    const until = await twoNoShows(bob, 7, 8);
    expect(await outcome(ts.client(bob).admin.pardon.mutate({ studentId: "S2021002", reason: "me" }))).toBe(
      "FORBIDDEN",
    );
    const body = { student_id: "S2021002", reason: "please" };
    expect((await call(ts.url, "POST", "/admin/pardon", { token: bob, body })).status).toBe(403);
    expect((await call(ts.url, "POST", "/admin/pardon", { body })).status).toBe(401);
    const noReason = await call(ts.url, "POST", "/admin/pardon", {
      token: staff,
      body: { student_id: "S2021002" },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toContain("reason");
    const blank = { student_id: "S2021002", reason: "   " };
    expect((await call(ts.url, "POST", "/admin/pardon", { token: staff, body: blank })).status).toBe(400);
    const unknown = { student_id: "S2099999", reason: "typo" };
    expect((await call(ts.url, "POST", "/admin/pardon", { token: staff, body: unknown })).status).toBe(404);
    expect(await outcome(ts.client(staff).admin.pardon.mutate({ studentId: "S2021002", reason: "" }))).toBe(
      "BAD_REQUEST",
    );
    expect((await ts.client(bob).auth.me.query()).standing).toEqual({
      strikes: 2,
      suspendedUntil: until.toISOString(),
    });
  });

  it("20 bookings at once, over all three doors, by a just-suspended student: none succeeds", async () => {
    const carol = await login("S2021003");
    await twoNoShows(carol, 9, 8);
    const trpc = ts.client(carol);
    const grpc = grpcClients(grpcUrl, await grpcLogin(grpcUrl, "S2021003"));
    const attempts = Array.from({ length: 20 }, (_, i) => {
      const start = addMinutes(tomorrowAt(13), i * 5);
      const seatId = 10 + (i % 5);
      if (i % 3 === 0) return trpc.reservations.create.mutate(window(seatId, start)).then(() => 201);
      if (i % 3 === 1) {
        const body = {
          seat_id: seatId,
          start_time: start.toISOString(),
          end_time: addMinutes(start, 60).toISOString(),
        };
        return call(ts.url, "POST", "/reservations", { token: carol, body }).then((r) => r.status);
      }
      return grpc.reservations
        .createReservation({
          userId: 0,
          seatId,
          startTime: start.toISOString(),
          endTime: addMinutes(start, 60).toISOString(),
        })
        .then(() => 201);
    });
    const results = await Promise.allSettled(attempts);
    const succeeded = results.filter((r) => r.status === "fulfilled" && r.value === 201);
    expect(succeeded).toHaveLength(0);
    const [booked] = await ts.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(reservations)
      .where(sql`${reservations.userId} = 3 and ${reservations.status} = 'CONFIRMED'`);
    expect(booked?.n).toBe(0);
  });
});
