import { signToken } from "@dlsms/api";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode } from "./grpc-harness";
import { registerStudents, startTestServer, TEST_JWT_SECRET, type TestServer } from "./helpers";
import { call } from "./rest-harness";

// Opening hours and closures through the real server: tRPC over HTTP, REST under /api, gRPC.
// The library's zone is UTC here (wall time = UTC); packages/api/test/opening-hours.test.ts runs
// the same rules in Europe/Berlin and across a DST change.
const ZONE = "UTC";
const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, open: "08:00", close: "20:00" }));
const BRANCH = "Science Library";

let ts: TestServer;
let grpcUrl: string;
let staffToken: string;
let students: string[];
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0", LIBRARY_TIMEZONE: ZONE });
  grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
  staffToken = (
    await signToken(
      { id: 11, studentId: "ADMIN001", name: "Library Admin", role: "admin" },
      TEST_JWT_SECRET,
      1,
    )
  ).token;
  students = await registerStudents(ts, "H", 12);
});
afterAll(() => ts?.stop());

const HOUR = 3_600_000;

/** An instant with the few operations these tests need (UTC wall time). */
class Instant {
  constructor(readonly ms: number) {}
  plus({ hours }: { hours: number }): Instant {
    return new Instant(this.ms + hours * HOUR);
  }
  set({ hour }: { hour: number }): Instant {
    const d = new Date(this.ms);
    d.setUTCHours(hour, 0, 0, 0);
    return new Instant(d.getTime());
  }
  toISODate(): string {
    return new Date(this.ms).toISOString().slice(0, 10);
  }
}

/** The next date (from tomorrow on) that is ISO weekday `weekday`, at `hour`:00 UTC. */
function nextLocal(weekday: number, hour: number): Instant {
  const d = new Date();
  d.setUTCHours(hour, 0, 0, 0);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (((d.getUTCDay() + 6) % 7) + 1 !== weekday);
  return new Instant(d.getTime());
}
const isoZ = (d: Instant) => new Date(d.ms).toISOString();

async function trpcFailure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return { code: (error.data as { code: string }).code, message: error.message };
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

async function seatsOf(branch: string): Promise<number[]> {
  const list = await ts.client(staffToken).seats.list.query({ branch });
  return list.map((s) => s.id);
}

describe("opening hours on every door", () => {
  it("Mon–Fri 08:00–20:00: early and Sunday bookings are refused with the hours on tRPC, REST and gRPC", async () => {
    const staff = ts.client(staffToken);
    await staff.admin.setOpeningHours.mutate({ branch: BRANCH, hours: WEEKDAYS });
    const [seat, other] = await seatsOf(BRANCH);
    const student = students[0] as string;
    const early = nextLocal(1, 7);
    const sunday = nextLocal(7, 10);

    const viaTrpc = await trpcFailure(
      ts.client(student).reservations.create.mutate({
        seatId: seat as number,
        startTime: isoZ(early),
        endTime: isoZ(early.plus({ hours: 2 })),
      }),
    );
    expect(viaTrpc.code).toBe("BAD_REQUEST");
    expect(viaTrpc.message).toContain(`${BRANCH} is open 08:00–20:00 on Monday`);
    const sundayTrpc = await trpcFailure(
      ts.client(student).reservations.create.mutate({
        seatId: seat as number,
        startTime: isoZ(sunday),
        endTime: isoZ(sunday.plus({ hours: 2 })),
      }),
    );
    expect(sundayTrpc.message).toContain(`${BRANCH} is closed on Sunday`);
    expect(sundayTrpc.message).toContain("Mon–Fri 08:00–20:00");

    for (const start of [early, sunday]) {
      const rest = await call(ts.url, "POST", "/reservations", {
        token: student,
        body: { seat_id: seat, start_time: isoZ(start), end_time: isoZ(start.plus({ hours: 2 })) },
      });
      expect(rest.status).toBe(400);
      expect(rest.text).toContain(start === early ? "open 08:00–20:00 on Monday" : "closed on Sunday");
      const grpc = grpcClients(grpcUrl, student);
      const attempt = grpc.reservations.createReservation({
        userId: 0,
        seatId: seat as number,
        startTime: isoZ(start),
        endTime: isoZ(start.plus({ hours: 2 })),
      });
      expect(await grpcCode(attempt)).toBe("FailedPrecondition");
      const message = await grpc.reservations
        .createReservation({
          userId: 0,
          seatId: seat as number,
          startTime: isoZ(start),
          endTime: isoZ(start.plus({ hours: 2 })),
        })
        .catch((e: Error) => e.message);
      expect(message).toContain(start === early ? "08:00–20:00 on Monday" : "Mon–Fri 08:00–20:00");
    }

    // 09:00–11:00 on a weekday succeeds on every door.
    const tue = nextLocal(2, 9);
    const ok = await ts.client(student).reservations.create.mutate({
      seatId: seat as number,
      startTime: isoZ(tue),
      endTime: isoZ(tue.plus({ hours: 2 })),
    });
    expect(ok.status).toBe("CONFIRMED");
    const restOk = await call(ts.url, "POST", "/reservations", {
      token: students[1],
      body: { seat_id: other, start_time: isoZ(tue), end_time: isoZ(tue.plus({ hours: 2 })) },
    });
    expect(restOk.status).toBe(201);
    const grpcOk = await grpcClients(grpcUrl, students[2]).reservations.createReservation({
      userId: 0,
      seatId: seat as number,
      startTime: isoZ(nextLocal(3, 9)),
      endTime: isoZ(nextLocal(3, 11)),
    });
    expect(grpcOk.reservation?.status).toBe("CONFIRMED");

    // branches.list and REST GET /api/branches show the week.
    const listed = (await ts.client(student).branches.list.query()).find((b) => b.name === BRANCH);
    expect(listed?.openingHours).toEqual(WEEKDAYS);
    expect(typeof listed?.openNow).toBe("boolean");
    const restBranches = await call(ts.url, "GET", "/branches", { token: student });
    const restBranch = restBranches.body.branches.find((b: { branch: string }) => b.branch === BRANCH);
    expect(restBranch.opening_hours).toEqual(WEEKDAYS);
    expect(restBranch.open_now).toBe(listed?.openNow);
    const main = restBranches.body.branches.find((b: { branch: string }) => b.branch === "Main Library");
    expect(main).toMatchObject({ opening_hours: null, open_now: true, closures: [] });

    const grpcBranches = (await grpcClients(grpcUrl, student).seats.getBranches({})).branches;
    expect(grpcBranches.find((b) => b.branch === BRANCH)).toMatchObject({
      hoursSet: true,
      openingHours: WEEKDAYS,
      openNow: listed?.openNow,
    });
    expect(grpcBranches.find((b) => b.branch === "Main Library")).toMatchObject({
      hoursSet: false,
      openingHours: [],
      openNow: true,
    });

    // Discovery: seats outside the hours are unavailable on REST and gRPC too.
    const restSeats = await call(
      ts.url,
      "GET",
      `/seats?branch=${encodeURIComponent(BRANCH)}&available_only=false&start_time=${isoZ(early)}&end_time=${isoZ(early.plus({ hours: 2 }))}`,
      { token: student },
    );
    expect(restSeats.status).toBe(200);
    expect(restSeats.body.seats.length).toBeGreaterThan(0);
    expect(restSeats.body.seats.every((s: { is_available: boolean }) => !s.is_available)).toBe(true);
    const grpcSeats = await grpcClients(grpcUrl, student).seats.getSeats({
      branch: BRANCH,
      startTime: isoZ(sunday),
      endTime: isoZ(sunday.plus({ hours: 2 })),
    });
    expect(grpcSeats.seats.length).toBeGreaterThan(0);
    expect(grpcSeats.seats.every((s) => !s.isAvailable)).toBe(true);
  });

  it("staff only: a student token gets FORBIDDEN on every hours procedure", async () => {
    const student = ts.client(students[3]);
    const date = nextLocal(4, 0).toISODate() as string;
    for (const attempt of [
      () => student.admin.setOpeningHours.mutate({ branch: BRANCH, hours: [] }),
      () => student.admin.addClosure.mutate({ branch: BRANCH, date, reason: "x" }),
      () => student.admin.removeClosure.mutate({ branch: BRANCH, date }),
    ]) {
      expect((await trpcFailure(attempt())).code).toBe("FORBIDDEN");
    }
    // As plain HTTP: 403 for a student, 401 without a token.
    for (const [token, status] of [
      [students[3], 403],
      [undefined, 401],
    ] as const) {
      const res = await fetch(`${ts.url}/trpc/admin.addClosure`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ branch: BRANCH, date, reason: "x" }),
      });
      expect(res.status).toBe(status);
    }
    const listed = (await student.branches.list.query()).find((b) => b.name === BRANCH);
    expect(listed?.openingHours).toEqual(WEEKDAYS);
    expect(listed?.closures).toEqual([]);
    const bad = await trpcFailure(
      ts.client(staffToken).admin.setOpeningHours.mutate({
        branch: BRANCH,
        hours: [{ day: 1, open: "20:00", close: "08:00" }],
      }),
    );
    expect(bad).toMatchObject({ code: "BAD_REQUEST" });
    expect(bad.message).toContain("must be after opening time");
    expect((await student.branches.list.query()).find((b) => b.name === BRANCH)?.openingHours).toEqual(
      WEEKDAYS,
    );
  });
});

describe("closures on every door", () => {
  it("a closure on a day with 3 bookings cancels them, notifies each student with the reason, and refuses that day", async () => {
    const staff = ts.client(staffToken);
    const branch = "Engineering Library";
    const seats = await seatsOf(branch);
    const thursday = nextLocal(4, 10);
    const bookers = [students[4], students[5], students[6]] as string[];
    for (const [i, token] of bookers.entries()) {
      await ts.client(token).reservations.create.mutate({
        seatId: seats[i] as number,
        startTime: isoZ(thursday.plus({ hours: i })),
        endTime: isoZ(thursday.plus({ hours: i + 1 })),
      });
    }
    const date = thursday.toISODate() as string;
    const result = await staff.admin.addClosure.mutate({ branch, date, reason: "Heating repair" });
    expect(result.cancelled).toBe(3);
    for (const token of bookers) {
      const mine = await ts.client(token).reservations.mine.query({ upcomingOnly: false });
      expect(mine.map((r) => r.status)).toEqual(["CANCELLED"]);
      const notes = await ts.client(token).notifications.list.query({ unreadOnly: false });
      const cancelled = notes.find((n) => n.type === "RESERVATION_CANCELLED");
      expect(String((cancelled?.payload as { reason?: string } | undefined)?.reason)).toContain(
        "Heating repair",
      );
    }
    const later = thursday.set({ hour: 16 });
    const trpc = await trpcFailure(
      ts.client(students[7]).reservations.create.mutate({
        seatId: seats[5] as number,
        startTime: isoZ(later),
        endTime: isoZ(later.plus({ hours: 1 })),
      }),
    );
    expect(trpc.code).toBe("BAD_REQUEST");
    expect(trpc.message).toContain(`${branch} is closed on Thursday`);
    expect(trpc.message).toContain("Heating repair");
    const rest = await call(ts.url, "POST", "/reservations", {
      token: students[7],
      body: { seat_id: seats[5], start_time: isoZ(later), end_time: isoZ(later.plus({ hours: 1 })) },
    });
    expect(rest.status).toBe(400);
    expect(rest.text).toContain("Heating repair");
    expect(
      await grpcCode(
        grpcClients(grpcUrl, students[7]).reservations.createReservation({
          userId: 0,
          seatId: seats[5] as number,
          startTime: isoZ(later),
          endTime: isoZ(later.plus({ hours: 1 })),
        }),
      ),
    ).toBe("FailedPrecondition");
    const restBranch = (await call(ts.url, "GET", "/branches", { token: students[7] })).body.branches.find(
      (b: { branch: string }) => b.branch === branch,
    );
    expect(restBranch.closures).toEqual([{ date, reason: "Heating repair" }]);
  });

  it("a closure added while bookings for that day race in over HTTP leaves none of them active", async () => {
    const staff = ts.client(staffToken);
    const branch = "Main Library";
    const seats = await seatsOf(branch);
    const friday = nextLocal(5, 8);
    const attempts = students.flatMap((token, i) =>
      [0, 3, 6].map((h) =>
        ts.client(token).reservations.create.mutate({
          seatId: seats[i] as number,
          startTime: isoZ(friday.plus({ hours: h })),
          endTime: isoZ(friday.plus({ hours: h + 2 })),
        }),
      ),
    );
    const closing = staff.admin.addClosure.mutate({
      branch,
      date: friday.toISODate() as string,
      reason: "Power cut",
    });
    const outcomes = await Promise.allSettled(attempts);
    const closure = await closing;
    for (const o of outcomes) {
      if (o.status === "rejected") {
        expect(String((o.reason as Error).message)).toMatch(
          /closed on Friday \d+ \w+: Power cut|upcoming reservations|already have a reservation/,
        );
      }
    }
    // Every reservation of the branch's seats, as staff see them (the API, not a side door).
    const { reservations: all, total } = await staff.admin.reservations.query({ limit: 500 });
    expect(total).toBeLessThanOrEqual(500);
    const thatDay = all.filter(
      (r) =>
        seats.includes(r.seatId) &&
        ["HELD", "CONFIRMED", "CHECKED_IN"].includes(r.status) &&
        r.startTime.slice(0, 10) === friday.toISODate(),
    );
    expect(thatDay).toEqual([]);
    expect(closure.cancelled).toBe(outcomes.filter((o) => o.status === "fulfilled").length);
  });
});
