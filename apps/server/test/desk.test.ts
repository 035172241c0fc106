import { auditLog, reservations } from "@dlsms/db";
import { and, asc, eq, sql } from "@dlsms/db/drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMinutes, outcome, startTestServer, type TestServer, tomorrowAt } from "./helpers";
import { call } from "./rest-harness";

// Issue 20, acceptance 3 and 4 through a real server: the staff desk and the audit trail.
let ts: TestServer;
let staff: string;
let alice: string;
let bob: string;
beforeAll(async () => {
  ts = await startTestServer();
  const login = (studentId: string, password = "password123") =>
    ts
      .client()
      .auth.login.mutate({ studentId, password })
      .then((s) => s.token);
  staff = await login("ADMIN001", "admin-password");
  alice = await login("S2021001");
  bob = await login("S2021002");
});
afterAll(() => ts?.stop());

const db = () => ts.database.db;
const range = (seatId: number, start: Date, minutes: number) => ({
  seatId,
  startTime: start.toISOString(),
  endTime: addMinutes(start, minutes).toISOString(),
});

describe("acceptance 3: admin.bookFor", () => {
  it("books for the student: in their reservations.mine, notified, owned by them", async () => {
    const start = tomorrowAt(9);
    const r = await ts.client(staff).admin.bookFor.mutate({ studentId: "S2021001", ...range(6, start, 90) });
    expect(r).toMatchObject({ userId: 1, seatId: 6, status: "CONFIRMED" });
    const mine = await ts.client(alice).reservations.mine.query({ upcomingOnly: true });
    expect(mine.map((m) => m.id)).toContain(r.id);
    const notes = await ts.client(alice).notifications.list.query();
    const booked = notes.filter((n) => n.type === "RESERVATION_BOOKED");
    expect(booked).toHaveLength(1);
    expect(booked[0]?.payload).toMatchObject({ reservationId: r.id, seatId: 6 });
    const history = await ts.client(alice).reservations.history.query({ id: r.id });
    expect(history).toMatchObject([
      { action: "booked_for", actor: { studentId: "ADMIN001", role: "admin" }, reason: null },
    ]);
  });

  it("a student token is FORBIDDEN on every door", async () => {
    const input = { studentId: "S2021002", ...range(7, tomorrowAt(11), 60) };
    const student = ts.client(alice);
    expect(await outcome(student.admin.bookFor.mutate(input))).toBe("FORBIDDEN");
    expect(await outcome(student.admin.students.query({ query: "S" }))).toBe("FORBIDDEN");
    expect(await outcome(student.admin.studentReservations.query({ studentId: "S2021002" }))).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(student.admin.history.query({ reservationId: 1 }))).toBe("FORBIDDEN");
    const body = { student_id: "S2021002", seat_id: 7, start_time: input.startTime, end_time: input.endTime };
    expect((await call(ts.url, "POST", "/admin/book-for", { token: alice, body })).status).toBe(403);
    expect((await call(ts.url, "GET", "/admin/students?query=S", { token: alice })).status).toBe(403);
    expect((await call(ts.url, "POST", "/admin/book-for", { body })).status).toBe(401);
    // Refused before the body is read: a student learns nothing from a malformed staff request.
    const malformed = await call(ts.url, "POST", "/admin/book-for", { token: alice, body: { nonsense: 1 } });
    expect(malformed).toMatchObject({ status: 403, body: { error: "Staff only" } });
    const [n] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(reservations)
      .where(eq(reservations.seatId, 7));
    expect(n?.n).toBe(0);
  });

  it("REST: staff book for a student (201) and find students", async () => {
    const start = tomorrowAt(13);
    const res = await call(ts.url, "POST", "/admin/book-for", {
      token: staff,
      body: {
        student_id: "S2021002",
        seat_id: 8,
        start_time: start.toISOString(),
        end_time: addMinutes(start, 60).toISOString(),
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user_id: 2, seat_id: 8, status: "CONFIRMED" });
    const again = await call(ts.url, "POST", "/admin/book-for", {
      token: staff,
      body: {
        student_id: "S2021003",
        seat_id: 8,
        start_time: start.toISOString(),
        end_time: addMinutes(start, 60).toISOString(),
      },
    });
    expect(again.status).toBe(409);
    const bad = await call(ts.url, "POST", "/admin/book-for", {
      token: staff,
      body: { student_id: "S2021003", seat_id: 8, start_time: "soon", end_time: "later" },
    });
    expect(bad.status).toBe(400);
    const found = await call(ts.url, "GET", "/admin/students?query=grace", { token: staff });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      students: [{ id: 7, student_id: "S2021007", name: "Grace Hopper", upcoming: expect.any(Number) }],
      total: 1,
    });
    expect((await call(ts.url, "GET", "/admin/students?limit=1000", { token: staff })).status).toBe(400);
  });
});

describe("acceptance 4: admin.history", () => {
  it("created (the student), staff_cancelled (staff member + reason), no_show (null), over tRPC and REST", async () => {
    const start = tomorrowAt(15);
    const r = await ts.client(bob).reservations.create.mutate(range(9, start, 60));
    await ts.client(staff).admin.cancelReservation.mutate({ id: r.id, reason: "Fire drill" });
    const history = await ts.client(staff).admin.history.query({ reservationId: r.id });
    expect(history.map((h) => [h.action, h.actor, h.reason])).toEqual([
      ["created", { studentId: "S2021002", name: "Bob Smith", role: "student" }, null],
      ["staff_cancelled", { studentId: "ADMIN001", name: expect.any(String), role: "admin" }, "Fire drill"],
    ]);

    // A booking whose check-in window passed: the sweeper (run over HTTP) marks it a no-show.
    const past = new Date(Date.now() - 30 * 60_000);
    const [missed] = await db()
      .insert(reservations)
      .values({ userId: 2, seatId: 10, startTime: past, endTime: addMinutes(past, 120) })
      .returning();
    const swept = await ts.client(staff).admin.sweep.mutate();
    expect(swept.noShows).toBe(1);
    const noShow = await ts.client(staff).admin.history.query({ reservationId: missed?.id ?? 0 });
    expect(noShow.map((h) => [h.action, h.actor?.studentId ?? null])).toEqual([
      ["created", "S2021002"],
      ["no_show", null],
    ]);

    const own = await call(ts.url, "GET", `/reservations/${r.id}/history`, { token: bob });
    expect(own.status).toBe(200);
    expect(own.body.history.map((h: { action: string }) => h.action)).toEqual(["created", "staff_cancelled"]);
    expect(own.body.history[1]).toMatchObject({
      actor: { student_id: "ADMIN001", role: "admin" },
      reason: "Fire drill",
    });
    expect((await call(ts.url, "GET", `/reservations/${r.id}/history`, { token: staff })).status).toBe(200);
    expect((await call(ts.url, "GET", `/reservations/${r.id}/history`, { token: alice })).status).toBe(404);
    expect(await outcome(ts.client(alice).reservations.history.query({ id: r.id }))).toBe("NOT_FOUND");
  });

  it("the trail is append-only in the database", async () => {
    const [first] = await db().select().from(auditLog).orderBy(asc(auditLog.id)).limit(1);
    const refusal = (work: Promise<unknown>) =>
      work.then(
        () => "accepted",
        (e: unknown) => String((e as { cause?: unknown }).cause ?? e),
      );
    expect(
      await refusal(
        db()
          .update(auditLog)
          .set({ reason: "rewritten" })
          .where(eq(auditLog.id, first?.id ?? 0)),
      ),
    ).toMatch(/append-only: UPDATE/);
    expect(await refusal(db().delete(auditLog))).toMatch(/append-only: DELETE/);
    const [again] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.id, first?.id ?? 0));
    expect(again).toEqual(first);
  });
});

describe("concurrency", () => {
  it("12 bookFor and student bookings for one seat and slot at once: one reservation, one audit entry", async () => {
    const start = tomorrowAt(18);
    const input = range(12, start, 60);
    const logins = await Promise.all(
      ["S2021003", "S2021004", "S2021005", "S2021006", "S2021007", "S2021008"].map((id) =>
        ts.client().auth.login.mutate({ studentId: id, password: "password123" }),
      ),
    );
    const outcomes = await Promise.all([
      ...["S2021003", "S2021004", "S2021005", "S2021006", "S2021009", "S2021010"].map((studentId) =>
        outcome(ts.client(staff).admin.bookFor.mutate({ studentId, ...input })),
      ),
      ...logins.map((s) => outcome(ts.client(s.token).reservations.create.mutate(input))),
    ]);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "OK").every((o) => o === "CONFLICT")).toBe(true);
    const rows = await db()
      .select({ id: reservations.id })
      .from(reservations)
      .where(and(eq(reservations.seatId, 12), eq(reservations.startTime, start)));
    expect(rows).toHaveLength(1);
    const entries = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "reservation"), eq(auditLog.entityId, rows[0]?.id ?? 0)));
    expect(entries).toHaveLength(1);
  });
});
