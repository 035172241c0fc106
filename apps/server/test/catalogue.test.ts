import { notifications, reservations } from "@dlsms/db";
import { and, eq, inArray } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, grpcCode } from "./grpc-harness";
import { addMinutes, outcome, startTestServer, type TestServer, tomorrowAt } from "./helpers";

// Issue 20 acceptance 5 (all but reports): a retired seat leaves every door's listings, its
// bookings ahead are cancelled with notifications, and its past stays in the database.
let ts: TestServer;
let grpcUrl: string;
beforeAll(async () => {
  ts = await startTestServer({ GRPC_PORT: "0" });
  grpcUrl = `http://127.0.0.1:${ts.server.grpcPort}`;
});
afterAll(() => ts?.stop());

async function login(studentId: string, password = "password123"): Promise<string> {
  return (await ts.client().auth.login.mutate({ studentId, password })).token;
}

async function rest(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${ts.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields
  return { status: res.status, body: (await res.json()) as any };
}

const iso = (d: Date) => d.toISOString();

/** The seat ids each door lists for a branch (busy or not), and the branch's seat count on each. */
async function doorsView(token: string, branch: string) {
  const trpc = ts.client(token);
  const grpc = grpcClients(grpcUrl, token);
  const query = `branch=${encodeURIComponent(branch)}&available_only=false`;
  const [t, r, g, tb, rb, gb] = await Promise.all([
    trpc.seats.list.query({ branch }),
    rest("GET", `/seats?${query}`, token),
    grpc.seats.getSeats({ branch }),
    trpc.branches.list.query(),
    rest("GET", "/branches", token),
    grpc.seats.getBranches({}),
  ]);
  return {
    trpc: t.map((s) => s.id),
    rest: (r.body.seats as { id: number }[]).map((s) => s.id),
    grpc: g.seats.map((s) => s.id),
    counts: [
      tb.find((b) => b.name === branch)?.seatCount,
      (rb.body.branches as { branch: string; total_seats: number }[]).find((b) => b.branch === branch)
        ?.total_seats,
      gb.branches.find((b) => b.branch === branch)?.totalSeats,
    ],
  };
}

describe("retiring a seat through the real server", () => {
  it("is staff-only on the door that exposes it", async () => {
    const student = ts.client(await login("S2021001"));
    expect(await outcome(student.admin.retireSeat.mutate({ seatId: 12, reason: "x" }))).toBe("FORBIDDEN");
    expect(await outcome(student.admin.retirePreview.query({ seatId: 12 }))).toBe("FORBIDDEN");
    expect(await outcome(student.admin.renameBranch.mutate({ branch: "Main Library", name: "X" }))).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(ts.client().admin.retireSeat.mutate({ seatId: 12, reason: "x" }))).toBe(
      "UNAUTHORIZED",
    );
  });

  it("cancels the bookings made on every door with notifications, keeps the past, and leaves every listing", async () => {
    const alice = await login("S2021001");
    const bob = await login("S2021002");
    const carol = await login("S2021003");
    const staff = ts.client(await login("ADMIN001", "admin-password"));
    const seatId = 12;
    const start = tomorrowAt(9);

    const before = await doorsView(alice, "Main Library");
    for (const ids of [before.trpc, before.rest, before.grpc]) expect(ids).toContain(seatId);

    const viaTrpc = await ts.client(alice).reservations.create.mutate({
      seatId,
      startTime: iso(start),
      endTime: iso(addMinutes(start, 60)),
    });
    const viaRest = await rest("POST", "/reservations", bob, {
      seat_id: seatId,
      start_time: iso(addMinutes(start, 60)),
      end_time: iso(addMinutes(start, 120)),
    });
    expect(viaRest.status).toBe(201);
    const viaGrpc = await grpcClients(grpcUrl, carol).reservations.createReservation({
      seatId,
      startTime: iso(addMinutes(start, 120)),
      endTime: iso(addMinutes(start, 180)),
    });
    const [past] = await ts.database.db
      .insert(reservations)
      .values({
        userId: 4,
        seatId,
        startTime: new Date(Date.now() - 30 * 3_600_000),
        endTime: new Date(Date.now() - 29 * 3_600_000),
        status: "COMPLETED",
      })
      .returning();
    const cancelledIds = [viaTrpc.id, viaRest.body.id as number, viaGrpc.reservation?.id as number];

    const preview = await staff.admin.retirePreview.query({ seatId });
    expect(preview.cancelled).toBe(3);
    const result = await staff.admin.retireSeat.mutate({
      seatId,
      reason: "The desk is being removed",
      expectedCancellations: 3,
    });
    expect(result).toMatchObject({ seatId, status: "RETIRED", cancelled: 3 });

    const after = await doorsView(alice, "Main Library");
    for (const ids of [after.trpc, after.rest, after.grpc]) {
      expect(ids).not.toContain(seatId);
      expect(ids).toHaveLength(before.trpc.length - 1);
    }
    expect(after.counts).toEqual(before.counts.map((n) => (n ?? 0) - 1));

    // Lookups: gone on every door.
    expect(await outcome(ts.client(alice).seats.get.query({ id: seatId }))).toBe("NOT_FOUND");
    expect((await rest("GET", `/seats/${seatId}`, alice)).status).toBe(404);
    expect(await grpcCode(grpcClients(grpcUrl, alice).seats.getSeat({ seatId }))).toBe("NotFound");
    // Booking it: refused with a clear message on every door.
    const later = tomorrowAt(15);
    const trpcBook = ts.client(alice).reservations.create.mutate({
      seatId,
      startTime: iso(later),
      endTime: iso(addMinutes(later, 60)),
    });
    await expect(trpcBook).rejects.toThrow("has been retired and can no longer be booked");
    const restBook = await rest("POST", "/reservations", bob, {
      seat_id: seatId,
      start_time: iso(later),
      end_time: iso(addMinutes(later, 60)),
    });
    expect(restBook.status).toBe(404);
    expect(restBook.body.error).toContain("has been retired");
    expect(
      await grpcCode(
        grpcClients(grpcUrl, carol).reservations.createReservation({
          seatId,
          startTime: iso(later),
          endTime: iso(addMinutes(later, 60)),
        }),
      ),
    ).toBe("NotFound");

    const rows = await ts.database.db
      .select()
      .from(reservations)
      .where(inArray(reservations.id, cancelledIds));
    expect(rows.map((r) => r.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
    const [kept] = await ts.database.db
      .select()
      .from(reservations)
      .where(eq(reservations.id, past?.id ?? 0));
    expect(kept).toMatchObject({ status: "COMPLETED", seatId });
    const notes = await ts.database.db
      .select()
      .from(notifications)
      .where(and(inArray(notifications.userId, [1, 2, 3]), eq(notifications.type, "RESERVATION_CANCELLED")));
    expect(notes.map((n) => n.payload.reservationId).sort()).toEqual([...cancelledIds].sort());
    for (const n of notes) expect(n.payload.reason).toContain("The desk is being removed");
    // The student reads it in their notifications.
    const feed = await ts.client(bob).notifications.list.query({});
    expect(JSON.stringify(feed)).toContain("The desk is being removed");

    expect(await outcome(staff.admin.retireSeat.mutate({ seatId, reason: "again" }))).toBe("CONFLICT");
  });

  it("race: bookings fired over REST and tRPC while staff retire the seat all fail cleanly or end cancelled", async () => {
    const staff = ts.client(await login("ADMIN001", "admin-password"));
    const seatId = 40;
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(`S20210${String(i + 1).padStart(2, "0")}`)),
    );
    const attempts = tokens.flatMap((token, i) =>
      [0, 1].map((k) => {
        const start = addMinutes(tomorrowAt(6 + (i % 5)), k * 24 * 60 + 24 * 60);
        const body = { startTime: iso(start), endTime: iso(addMinutes(start, 60)) };
        return async () => {
          if ((i + k) % 2 === 0) {
            const r = await rest("POST", "/reservations", token, {
              seat_id: seatId,
              start_time: body.startTime,
              end_time: body.endTime,
            });
            return r.status === 201 ? { id: r.body.id as number } : { status: r.status };
          }
          return ts
            .client(token)
            .reservations.create.mutate({ seatId, ...body })
            .then(
              (r) => ({ id: r.id }),
              async (e: unknown) => ({ status: await outcome(Promise.reject(e)) }),
            );
        };
      }),
    );
    const fired = attempts.map(async (run, n) => {
      await new Promise((resolve) => setTimeout(resolve, n % 4));
      return run();
    });
    const retiring = new Promise((resolve) => setTimeout(resolve, 2)).then(() =>
      staff.admin.retireSeat.mutate({ seatId, reason: "Race at the desk" }),
    );
    const results = await Promise.all(fired);
    const retired = await retiring;

    const active = await ts.database.db
      .select()
      .from(reservations)
      .where(
        and(
          eq(reservations.seatId, seatId),
          inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN"]),
        ),
      );
    expect(active).toHaveLength(0);
    const made = results.flatMap((r) => ("id" in r && r.id !== undefined ? [r.id] : []));
    for (const r of results) {
      // Clean refusals only: retired (404), taken (409), over a limit (400) — never a 5xx.
      if (!("id" in r) || r.id === undefined)
        expect(String(r.status)).toMatch(/^(404|409|400|NOT_FOUND|CONFLICT|BAD_REQUEST)$/);
    }
    expect(retired.cancelled).toBe(made.length);
    if (made.length > 0) {
      const rows = await ts.database.db.select().from(reservations).where(inArray(reservations.id, made));
      expect(rows.every((r) => r.status === "CANCELLED")).toBe(true);
      const notes = await ts.database.db
        .select()
        .from(notifications)
        .where(eq(notifications.type, "RESERVATION_CANCELLED"));
      const told = new Set(
        notes
          .filter((n) => String(n.payload.reason).includes("Race at the desk"))
          .map((n) => n.payload.reservationId),
      );
      for (const id of made) expect(told.has(id)).toBe(true);
    }
  });
});

describe("catalogue over REST (/api/admin)", () => {
  it("staff create and rename branches, add and edit seats and retire one; students get 403; bad input 400 changes nothing", async () => {
    const staff = await login("ADMIN001", "admin-password");
    const student = await login("S2021005");

    // Students: 403 on every route, and nothing changes.
    for (const [method, path, body] of [
      ["POST", "/admin/branches", { name: "Nope", code: "NOPE" }],
      ["PATCH", "/admin/branches/1", { name: "Nope" }],
      ["POST", "/admin/seats", { branch: "Main Library", area: "Nope" }],
      ["PATCH", "/admin/seats/5", { area: "Nope" }],
      ["GET", "/admin/seats/5/retire", undefined],
      ["POST", "/admin/seats/5/retire", { reason: "Nope" }],
    ] as const) {
      const res = await rest(method, path, student, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toBe("Staff only");
    }
    expect((await rest("GET", "/seats/5", student)).body).toMatchObject({ area: "Silent Study Zone" });
    expect((await rest("GET", "/branches", student)).body.branches).toHaveLength(3);
    const unauthenticated = await fetch(`${ts.url}/api/admin/seats/5/retire`);
    expect(unauthenticated.status).toBe(401);

    const created = await rest("POST", "/admin/branches", staff, { name: "Law Library", code: "LL" });
    expect(created).toMatchObject({ status: 201, body: { name: "Law Library", code: "LL" } });
    const dup = await rest("POST", "/admin/branches", staff, { name: "Law Library", code: "LW" });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toContain("Law Library");
    const bad = await rest("POST", "/admin/branches", staff, { name: "Bad", code: "lower1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("code");

    const renamed = await rest("PATCH", `/admin/branches/${created.body.id}`, staff, {
      name: "Law Faculty Library",
    });
    expect(renamed).toMatchObject({
      status: 200,
      body: { id: created.body.id, name: "Law Faculty Library" },
    });
    expect((await rest("PATCH", "/admin/branches/9999", staff, { name: "X" })).status).toBe(404);
    const taken = await rest("PATCH", `/admin/branches/${created.body.id}`, staff, { name: "Main Library" });
    expect(taken.status).toBe(409);

    const seat = await rest("POST", "/admin/seats", staff, {
      branch: "Law Faculty Library",
      area: "Stacks",
      has_power: true,
    });
    expect(seat).toMatchObject({
      status: 201,
      body: { code: "LL-01", area: "Stacks", has_power: true, status: "ACTIVE" },
    });
    const edited = await rest("PATCH", `/admin/seats/${seat.body.id}`, staff, {
      code: "LL-07",
      has_monitor: true,
    });
    expect(edited).toMatchObject({ status: 200, body: { code: "LL-07", has_monitor: true } });
    expect((await rest("PATCH", `/admin/seats/${seat.body.id}`, staff, { code: "ML-01" })).status).toBe(409);
    expect((await rest("PATCH", `/admin/seats/${seat.body.id}`, staff, { area: "" })).status).toBe(400);
    expect((await rest("PATCH", "/admin/seats/abc", staff, { area: "X" })).status).toBe(400);

    const preview = await rest("GET", `/admin/seats/${seat.body.id}/retire`, staff);
    expect(preview).toMatchObject({
      status: 200,
      body: { seat_code: "LL-07", cancelled: 0, reservations: [] },
    });
    expect((await rest("POST", `/admin/seats/${seat.body.id}/retire`, staff, {})).status).toBe(400);
    const retired = await rest("POST", `/admin/seats/${seat.body.id}/retire`, staff, {
      reason: "Moved to storage",
      expected_cancellations: 0,
    });
    expect(retired).toMatchObject({
      status: 200,
      body: { status: "RETIRED", cancelled: 0, reason: "Moved to storage" },
    });
    const again = await rest("POST", `/admin/seats/${seat.body.id}/retire`, staff, { reason: "Again" });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain("already been retired");
    expect((await rest("POST", "/admin/seats/99999/retire", staff, { reason: "x" })).status).toBe(404);
    // Gone from the branch's listing.
    const listed = await rest(
      "GET",
      `/seats?branch=${encodeURIComponent("Law Faculty Library")}&available_only=false`,
      staff,
    );
    expect(listed.body.seats).toEqual([]);
  });
});
