import { createCaller, createContextInner } from "@dlsms/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toSeat } from "../src/rest/schemas";
import { call, type Doors, ISO_Z, loginAs, startDoors, tomorrowAt } from "./rest-harness";

// Acceptance 1: the original's REST flow (its test script's steps) through /api.
let doors: Doors;
let alice: string;
let bob: string;
beforeAll(async () => {
  doors = await startDoors();
  alice = await loginAs(doors.url, "S2021001");
  bob = await loginAs(doors.url, "S2021002");
});
afterAll(() => doors?.stop());

describe("REST door: the original's flow", () => {
  it("healthz and login", async () => {
    expect((await call(doors.url, "GET", "/healthz")).body).toEqual({
      service: "gateway",
      status: "healthy",
    });
    const ok = await call(doors.url, "POST", "/auth/login", {
      body: { student_id: "S2021001", password: "password123" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user_id: 1, student_id: "S2021001", name: "Alice Johnson" });
    expect(typeof ok.body.token).toBe("string");
    const bad = await call(doors.url, "POST", "/auth/login", {
      body: { student_id: "S2021001", password: "wrong" },
    });
    expect(bad.status).toBe(401);
    expect(typeof bad.body.error).toBe("string");
  });

  it("register gives 201 and a token, then 409 for the same id", async () => {
    const body = { student_id: "S2099001", password: "long enough password", name: "New Student" };
    const first = await call(doors.url, "POST", "/auth/register", { body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ student_id: "S2099001", name: "New Student" });
    const again = await call(doors.url, "POST", "/auth/register", { body });
    expect(again.status).toBe(409);
    expect(typeof again.body.error).toBe("string");
  });

  it("every route but login/register needs a token", async () => {
    const res = await call(doors.url, "GET", "/seats");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Authentication token required" });
    const forged = await call(doors.url, "GET", "/branches", { token: "not.a.jwt" });
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: "Invalid token" });
  });

  it("seat filters match the sample data", async () => {
    const main = await call(doors.url, "GET", "/seats?branch=Main%20Library", { token: alice });
    expect(main.status).toBe(200);
    expect(main.body.count).toBe(25);
    expect(main.body.seats).toHaveLength(25);
    expect(main.body.seats[0]).toMatchObject({
      id: 1,
      branch: "Main Library",
      area: "Silent Study Zone",
      has_power: true,
      status: "AVAILABLE",
      is_available: true,
    });
    expect((await call(doors.url, "GET", "/seats?has_power=true", { token: alice })).body.count).toBe(41);
    expect((await call(doors.url, "GET", "/seats?has_monitor=true", { token: alice })).body.count).toBe(21);
    expect((await call(doors.url, "GET", "/seats", { token: alice })).body.count).toBe(50);
    const science = await call(doors.url, "GET", "/seats?branch=Science%20Library&area=Reading%20Room", {
      token: alice,
    });
    expect(science.body.seats.map((s: { id: number }) => s.id)).toEqual([31, 32, 33, 34, 35]);
  });

  it("branches", async () => {
    const res = await call(doors.url, "GET", "/branches", { token: alice });
    expect(res.status).toBe(200);
    expect(
      res.body.branches.map((b: Record<string, unknown>) => [
        b.branch,
        b.total_seats,
        b.power_seats,
        b.monitor_seats,
      ]),
    ).toEqual([
      ["Engineering Library", 13, 12, 8],
      ["Main Library", 25, 19, 8],
      ["Science Library", 12, 10, 5],
    ]);
  });

  it("book, conflict, list, get, seat views, cancel", async () => {
    const slot = { seat_id: 5, start_time: tomorrowAt(10), end_time: tomorrowAt(12) };
    const created = await call(doors.url, "POST", "/reservations", { token: alice, body: slot });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user_id: 1, seat_id: 5, status: "CONFIRMED", checked_in_at: null });
    expect(created.body.start_time).toMatch(ISO_Z);
    expect(created.body.created_at).toMatch(ISO_Z);
    const id = created.body.id as number;

    const clash = await call(doors.url, "POST", "/reservations", { token: bob, body: slot });
    expect(clash.status).toBe(409);
    expect(typeof clash.body.error).toBe("string");

    const mine = await call(doors.url, "GET", "/reservations/mine", { token: alice });
    expect(mine.status).toBe(200);
    expect(mine.body.count).toBe(1);
    expect(mine.body.reservations[0]).toMatchObject({
      id,
      seat_id: 5,
      branch: "Main Library",
      has_monitor: true,
    });
    const upcoming = await call(doors.url, "GET", "/reservations/mine?upcoming_only=true&status=CONFIRMED", {
      token: alice,
    });
    expect(upcoming.body.count).toBe(1);
    expect((await call(doors.url, "GET", "/reservations/mine", { token: bob })).body.count).toBe(0);

    const one = await call(doors.url, "GET", `/reservations/${id}`, { token: alice });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id,
      student_id: "S2021001",
      user_name: "Alice Johnson",
      area: "Silent Study Zone",
    });

    const seatForBob = await call(doors.url, "GET", "/seats/5", { token: bob });
    expect(seatForBob.status).toBe(200);
    expect(seatForBob.body.upcoming_reservations).toEqual([
      { start_time: slot.start_time, end_time: slot.end_time, mine: false },
    ]);
    expect(JSON.stringify(seatForBob.body)).not.toContain("user_id");
    const avail = await call(
      doors.url,
      "GET",
      `/seats/5/availability?start_time=${encodeURIComponent(tomorrowAt(11))}&end_time=${encodeURIComponent(tomorrowAt(13))}`,
      { token: bob },
    );
    expect(avail.body).toMatchObject({ seat_id: 5, available: false });
    expect(avail.body.conflicts).toHaveLength(1);
    const window = `start_time=${encodeURIComponent(tomorrowAt(11))}&end_time=${encodeURIComponent(tomorrowAt(12))}`;
    const free = await call(doors.url, "GET", `/seats?branch=Main%20Library&${window}`, { token: bob });
    expect(free.body.count).toBe(24);
    const all = await call(doors.url, "GET", `/seats?branch=Main%20Library&available_only=false&${window}`, {
      token: bob,
    });
    expect(all.body.count).toBe(25);
    expect(all.body.seats.find((s: { id: number }) => s.id === 5).is_available).toBe(false);

    const cancelled = await call(doors.url, "DELETE", `/reservations/${id}`, { token: alice });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: "CANCELLED" });
    const twice = await call(doors.url, "DELETE", `/reservations/${id}`, { token: alice });
    expect(twice.status).toBe(400);
    // The slot is free again.
    expect((await call(doors.url, "POST", "/reservations", { token: bob, body: slot })).status).toBe(201);
  });

  it("a booking starting now checks in", async () => {
    const now = new Date();
    const body = {
      seat_id: 7,
      start_time: now.toISOString(),
      end_time: new Date(now.getTime() + 3_600_000).toISOString(),
    };
    const created = await call(doors.url, "POST", "/reservations", { token: alice, body });
    expect(created.status).toBe(201);
    const checked = await call(doors.url, "POST", `/reservations/${created.body.id}/checkin`, {
      token: alice,
    });
    expect(checked.status).toBe(200);
    expect(checked.body.status).toBe("CHECKED_IN");
    expect(checked.body.checked_in_at).toMatch(ISO_Z);
    const seat = await call(doors.url, "GET", "/seats/7", { token: bob });
    expect(seat.body.is_available).toBe(false);
  });

  it("waitlist: add, mine, delete", async () => {
    const desired = tomorrowAt(15);
    const added = await call(doors.url, "POST", "/waitlist", {
      token: alice,
      body: { seat_id: 9, desired_time: desired },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      user_id: 1,
      seat_id: 9,
      branch: "Main Library",
      desired_time: desired,
      status: "WAITING",
    });
    expect(new Date(added.body.desired_end).getTime() - new Date(desired).getTime()).toBe(3_600_000);
    const byBranch = await call(doors.url, "POST", "/waitlist", {
      token: alice,
      body: { branch: "Science Library", desired_time: desired, desired_end: tomorrowAt(17) },
    });
    expect(byBranch.status).toBe(201);
    expect(byBranch.body).toMatchObject({ seat_id: null, branch: "Science Library" });

    const mine = await call(doors.url, "GET", "/waitlist/mine", { token: alice });
    expect(mine.status).toBe(200);
    expect(mine.body.count).toBe(2);
    const removed = await call(doors.url, "DELETE", `/waitlist/${added.body.id}`, { token: alice });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ id: added.body.id, message: "Removed from waitlist" });
    const after = await call(doors.url, "GET", "/waitlist/mine", { token: alice });
    expect(after.body.waitlist.find((e: { id: number }) => e.id === added.body.id).status).toBe("LEFT");
  });
});

describe("REST door: seat discovery from the cached listing", () => {
  it("answers exactly what the procedure's path renders, and shows a booking at once", async () => {
    const window = { start_time: tomorrowAt(15), end_time: tomorrowAt(16) };
    const query = `/seats?branch=Science%20Library&available_only=false&start_time=${window.start_time}&end_time=${window.end_time}`;
    const viaProcedure = async () => {
      const user = {
        id: 1,
        studentId: "S2021001",
        name: "Alice Johnson",
        role: "student" as const,
        exp: 2e9,
      };
      const seats = await createCaller(createContextInner({ ...doors.deps, user })).seats.list({
        branch: "Science Library",
        availableOnly: false,
        startTime: window.start_time,
        endTime: window.end_time,
      });
      return JSON.stringify({ seats: seats.map(toSeat), count: seats.length });
    };
    const first = await call(doors.url, "GET", query, { token: bob });
    const again = await call(doors.url, "GET", query, { token: bob });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    expect(first.text).toBe(await viaProcedure());
    expect(again.text).toBe(first.text);
    const seat = first.body.seats[0] as { id: number; is_available: boolean };
    expect(seat.is_available).toBe(true);
    const booked = await call(doors.url, "POST", "/reservations", {
      token: bob,
      body: { seat_id: seat.id, ...window },
    });
    expect(booked.status).toBe(201);
    const after = await call(doors.url, "GET", query, { token: bob });
    expect(after.body.seats[0]).toMatchObject({ id: seat.id, is_available: false });
    expect(after.text).toBe(await viaProcedure());
    // Bad input and a missing token still get the door's errors.
    expect((await call(doors.url, "GET", `${query}&has_power=maybe`, { token: bob })).status).toBe(400);
    expect((await call(doors.url, "GET", query)).status).toBe(401);
  });
});
