import { notifications, reservations } from "@dlsms/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, expectTRPCError, HOUR, iso, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const ADMIN = 11;

describe("admin procedures", () => {
  it("are refused to students (FORBIDDEN) and to anonymous callers (UNAUTHORIZED)", async () => {
    const alice = await api.as(1);
    await expectTRPCError(alice.admin.reservations(), "FORBIDDEN");
    await expectTRPCError(alice.admin.setSeatStatus({ seatId: 1, status: "MAINTENANCE" }), "FORBIDDEN");
    await expectTRPCError(
      api.anonymous.admin.utilisation({ from: iso(dayAt(-1, 0)), to: iso(dayAt(1, 0)) }),
      "UNAUTHORIZED",
    );
  });

  it("maintenance cancels upcoming bookings with a notification and blocks new ones; ACTIVE reopens", async () => {
    const staff = await api.as(ADMIN);
    const bob = await api.as(2);
    const start = dayAt(2, 10);
    const booked = await bob.reservations.create(slot(17, start, new Date(start.getTime() + HOUR)));
    const result = await staff.admin.setSeatStatus({ seatId: 17, status: "MAINTENANCE" });
    expect(result).toEqual({ seatId: 17, status: "MAINTENANCE", cancelled: 1, until: null, reason: null });
    expect((await bob.reservations.get({ id: booked.id })).status).toBe("CANCELLED");
    const notes = await api.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 2), eq(notifications.type, "RESERVATION_CANCELLED")));
    expect(notes).toHaveLength(1);
    await expectTRPCError(
      bob.reservations.create(slot(17, start, new Date(start.getTime() + HOUR))),
      "BAD_REQUEST",
      "maintenance",
    );
    const listed = await bob.seats.list({ branch: "Main Library" });
    expect(listed.find((s) => s.id === 17)).toMatchObject({ status: "MAINTENANCE", available: false });
    await staff.admin.setSeatStatus({ seatId: 17, status: "ACTIVE" });
    expect((await bob.reservations.create(slot(17, start, new Date(start.getTime() + HOUR)))).status).toBe(
      "CONFIRMED",
    );
  });

  it("staff cancel frees the slot for the waitlist and tells the student why", async () => {
    const staff = await api.as(ADMIN);
    const carol = await api.as(3);
    const start = dayAt(3, 11);
    const end = new Date(start.getTime() + HOUR);
    const booked = await carol.reservations.create(slot(18, start, end));
    await (await api.as(4)).waitlist.join({ seatId: 18, desiredStart: iso(start), desiredEnd: iso(end) });
    await staff.admin.cancelReservation({ id: booked.id, reason: "Room closed for an exam" });
    const [note] = await api.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, 3), eq(notifications.type, "RESERVATION_CANCELLED")));
    expect(note?.payload.reason).toBe("Room closed for an exam");
    const held = await api.database.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, 18), eq(reservations.status, "HELD")));
    expect(held.map((r) => r.userId)).toEqual([4]);
    await expectTRPCError(staff.admin.cancelReservation({ id: booked.id }), "BAD_REQUEST");
    await expectTRPCError(staff.admin.cancelReservation({ id: 999_999 }), "NOT_FOUND");
  });

  it("lists every student's reservations with filters, and computes utilisation", async () => {
    const staff = await api.as(ADMIN);
    const all = await staff.admin.reservations({ limit: 50, offset: 0 });
    expect(all.total).toBeGreaterThanOrEqual(3);
    expect(all.reservations[0]).toMatchObject({
      studentId: expect.any(String),
      userName: expect.any(String),
      branch: "Main Library",
    });
    const carols = await staff.admin.reservations({ studentId: "S2021003", limit: 50, offset: 0 });
    expect(carols.reservations.every((r) => r.studentId === "S2021003")).toBe(true);
    const stats = await staff.admin.utilisation({ from: iso(dayAt(0, 0)), to: iso(dayAt(5, 0)) });
    expect(stats.map((s) => s.branch)).toEqual(["Engineering Library", "Main Library", "Science Library"]);
    const main = stats.find((s) => s.branch === "Main Library");
    expect(main?.seats).toBe(25);
    expect(main?.bookedHours).toBeGreaterThanOrEqual(1);
    expect(main?.utilisation).toBeGreaterThan(0);
  });

  it("creates branches and seats (listings refresh), and notifies the first waiter on request", async () => {
    const staff = await api.as(ADMIN);
    const before = await staff.branches.list();
    await staff.admin.createBranch({ name: "Law Library", code: "LL" });
    await expectTRPCError(staff.admin.createBranch({ name: "Law Library", code: "LL" }), "CONFLICT");
    const seat = await staff.admin.createSeat({
      branch: "Law Library",
      area: "Reading Room",
      hasPower: true,
      hasMonitor: false,
    });
    expect(seat.code).toBe("LL-01");
    const after = await staff.branches.list();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((b) => b.name === "Law Library")).toMatchObject({ seatCount: 1, availableNow: 1 });
    await (await api.as(5)).waitlist.join({
      seatId: seat.id,
      desiredStart: iso(dayAt(1, 9)),
      desiredEnd: iso(dayAt(1, 10)),
    });
    expect(await staff.admin.notifyWaitlist({ seatId: seat.id })).toMatchObject({
      notified: true,
      studentId: "S2021005",
    });
    expect(await staff.admin.notifyWaitlist({ seatId: seat.id })).toMatchObject({ notified: false });
  });
});
