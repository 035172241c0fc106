import { reservations, seats, waitlist } from "@dlsms/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import {
  cancelNotes,
  dayAt,
  type ErrorCode,
  expectTRPCError,
  HOUR,
  insertReservation,
  iso,
  reservationRow,
  seatRow,
  slot,
} from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

const ADMIN = 11;

describe("maintenance preview, reason and end time", () => {
  it("every maintenance call is staff-only: students get FORBIDDEN, anonymous callers UNAUTHORIZED", async () => {
    const student = await api.as(1);
    await expectTRPCError(student.admin.maintenancePreview({ seatId: 2 }), "FORBIDDEN");
    await expectTRPCError(
      student.admin.setSeatStatus({ seatId: 2, status: "MAINTENANCE", reason: "x", until: iso(dayAt(2, 9)) }),
      "FORBIDDEN",
    );
    await expectTRPCError(api.anonymous.admin.maintenancePreview({ seatId: 2 }), "UNAUTHORIZED");
    expect((await seatRow(api, 2)).status).toBe("ACTIVE");
  });

  it("the preview names the bookings a closure would cancel, honours until, and changes nothing", async () => {
    const staff = await api.as(ADMIN);
    const early = await (await api.as(2)).reservations.create(slot(3, dayAt(2, 9), dayAt(2, 10)));
    const next = await (await api.as(5)).reservations.create(slot(3, dayAt(2, 10), dayAt(2, 11)));
    const late = await (await api.as(3)).reservations.create(slot(3, dayAt(2, 14), dayAt(2, 15)));
    // Checked in right now: a closure never throws a student out of their seat.
    const seated = await insertReservation(api, {
      userId: 4,
      seatId: 3,
      start: new Date(Date.now() - HOUR / 2),
      end: new Date(Date.now() + HOUR / 2),
      status: "CHECKED_IN",
    });

    const all = await staff.admin.maintenancePreview({ seatId: 3 });
    expect(all).toMatchObject({ seatId: 3, status: "ACTIVE", until: null, cancelled: 3 });
    expect(all.reservations.map((r) => [r.id, r.studentId])).toEqual([
      [early.id, "S2021002"],
      [next.id, "S2021005"],
      [late.id, "S2021003"],
    ]);
    // A closure until noon keeps the afternoon booking.
    const untilNoon = await staff.admin.maintenancePreview({ seatId: 3, until: iso(dayAt(2, 12)) });
    expect(untilNoon.until).toBe(iso(dayAt(2, 12)));
    expect(untilNoon.reservations.map((r) => r.id)).toEqual([early.id, next.id]);
    // Of a booking ending exactly at `until` and one starting exactly then, only the first overlaps.
    const edge = await staff.admin.maintenancePreview({ seatId: 3, until: iso(dayAt(2, 10)) });
    expect(edge.reservations.map((r) => r.id)).toEqual([early.id]);

    for (const id of [early.id, next.id, late.id])
      expect((await reservationRow(api, id)).status).toBe("CONFIRMED");
    expect((await reservationRow(api, seated.id)).status).toBe("CHECKED_IN");
    expect((await seatRow(api, 3)).status).toBe("ACTIVE");
  });

  it("closing until an end time cancels only the overlapping bookings, tells each student the reason, and keeps the rest", async () => {
    const staff = await api.as(ADMIN);
    const bob = await api.as(2);
    const carol = await api.as(3);
    const morning = await bob.reservations.create(slot(4, dayAt(3, 9), dayAt(3, 10)));
    const afternoon = await carol.reservations.create(slot(4, dayAt(3, 14), dayAt(3, 15)));
    const until = dayAt(3, 12);
    const preview = await staff.admin.maintenancePreview({ seatId: 4, until: iso(until) });
    expect(preview.cancelled).toBe(1);

    const result = await staff.admin.setSeatStatus({
      seatId: 4,
      status: "MAINTENANCE",
      reason: "Broken desk lamp",
      until: iso(until),
      expectedCancellations: preview.cancelled,
    });
    expect(result).toEqual({
      seatId: 4,
      status: "MAINTENANCE",
      cancelled: 1,
      until: iso(until),
      reason: "Broken desk lamp",
    });
    expect((await bob.reservations.get({ id: morning.id })).status).toBe("CANCELLED");
    expect((await carol.reservations.get({ id: afternoon.id })).status).toBe("CONFIRMED");

    const notes = (await cancelNotes(api, 2)).filter((n) => n.payload.reservationId === morning.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.payload).toMatchObject({
      maintenanceReason: "Broken desk lamp",
      maintenanceUntil: iso(until),
    });
    expect(String(notes[0]?.payload.reason)).toContain("Broken desk lamp");
    expect((await cancelNotes(api, 3)).filter((n) => n.payload.reservationId === afternoon.id)).toEqual([]);

    const seat = await seatRow(api, 4);
    expect(seat).toMatchObject({ status: "MAINTENANCE", maintenanceReason: "Broken desk lamp" });
    expect(seat.maintenanceUntil?.toISOString()).toBe(iso(until));
    const after = await staff.admin.maintenancePreview({ seatId: 4 });
    expect(after).toMatchObject({ maintenanceUntil: iso(until), maintenanceReason: "Broken desk lamp" });
    // Closed means closed until it reopens: no new bookings meanwhile.
    await expectTRPCError(
      (await api.as(5)).reservations.create(slot(4, dayAt(3, 10), dayAt(3, 11))),
      "BAD_REQUEST",
      "maintenance",
    );
  });

  it("the sweeper reopens a seat once its closure has ended; an open-ended one stays closed", async () => {
    const staff = await api.as(ADMIN);
    await staff.admin.setSeatStatus({
      seatId: 5,
      status: "MAINTENANCE",
      reason: "Cleaning",
      until: iso(dayAt(1, 8)),
    });
    await staff.admin.setSeatStatus({ seatId: 6, status: "MAINTENANCE" });
    await staff.admin.sweep();
    expect((await seatRow(api, 5)).status).toBe("MAINTENANCE");
    // Let the end time pass (the API refuses an end in the past, so write it directly).
    await api.database.db
      .update(seats)
      .set({ maintenanceUntil: new Date(Date.now() - 1000) })
      .where(eq(seats.id, 5));
    const swept = await staff.admin.sweep();
    expect(swept.reopenedSeats).toBe(1);
    expect(await seatRow(api, 5)).toMatchObject({
      status: "ACTIVE",
      maintenanceUntil: null,
      maintenanceReason: null,
    });
    expect((await seatRow(api, 6)).status).toBe("MAINTENANCE");
    const listed = await (await api.as(7)).seats.list({ branch: "Main Library" });
    expect(listed.find((s) => s.id === 5)).toMatchObject({ status: "ACTIVE" });
    expect((await (await api.as(7)).reservations.create(slot(5, dayAt(2, 9), dayAt(2, 10)))).status).toBe(
      "CONFIRMED",
    );
    // Reopening by hand clears the closure's end and reason too.
    await staff.admin.setSeatStatus({ seatId: 6, status: "ACTIVE" });
    expect(await seatRow(api, 6)).toMatchObject({
      status: "ACTIVE",
      maintenanceUntil: null,
      maintenanceReason: null,
    });
  });

  it("closing a seat ends a waitlist offer on it: the held booking is cancelled and the entry left", async () => {
    const staff = await api.as(ADMIN);
    const start = dayAt(4, 13);
    const end = new Date(start.getTime() + HOUR);
    const first = await (await api.as(6)).reservations.create(slot(9, start, end));
    await (await api.as(7)).waitlist.join({ seatId: 9, desiredStart: iso(start), desiredEnd: iso(end) });
    await (await api.as(6)).reservations.cancel({ id: first.id });
    const [offer] = await api.database.db
      .select()
      .from(reservations)
      .where(and(eq(reservations.seatId, 9), eq(reservations.status, "HELD")));
    expect(offer?.userId).toBe(7);
    await staff.admin.setSeatStatus({
      seatId: 9,
      status: "MAINTENANCE",
      reason: "Flooded",
      expectedCancellations: 1,
    });
    expect((await reservationRow(api, offer?.id ?? 0)).status).toBe("CANCELLED");
    const [entry] = await api.database.db.select().from(waitlist).where(eq(waitlist.userId, 7));
    expect(entry?.status).toBe("LEFT");
  });

  it("a confirmation that no longer matches the preview is refused (CONFLICT) and changes nothing", async () => {
    const staff = await api.as(ADMIN);
    const preview = await staff.admin.maintenancePreview({ seatId: 7 });
    expect(preview.cancelled).toBe(0);
    // Someone books between the preview and the confirmation.
    const booked = await (await api.as(8)).reservations.create(slot(7, dayAt(4, 9), dayAt(4, 10)));
    await expectTRPCError(
      staff.admin.setSeatStatus({
        seatId: 7,
        status: "MAINTENANCE",
        reason: "Wobbly chair",
        expectedCancellations: 0,
      }),
      "CONFLICT",
      "1 would be cancelled, not 0",
    );
    expect(await seatRow(api, 7)).toMatchObject({ status: "ACTIVE", maintenanceReason: null });
    expect((await reservationRow(api, booked.id)).status).toBe("CONFIRMED");
    expect(await cancelNotes(api, 8)).toEqual([]);
  });

  it("bad input is a clear 400 (or 404) and changes nothing", async () => {
    const staff = await api.as(ADMIN);
    const booked = await (await api.as(9)).reservations.create(slot(8, dayAt(5, 9), dayAt(5, 10)));
    const refused: [Promise<unknown>, ErrorCode, string][] = [
      [
        staff.admin.setSeatStatus({
          seatId: 8,
          status: "MAINTENANCE",
          until: iso(new Date(Date.now() - HOUR)),
        }),
        "BAD_REQUEST",
        "until must be in the future",
      ],
      [
        staff.admin.maintenancePreview({ seatId: 8, until: "yesterday" }),
        "BAD_REQUEST",
        "until must be a date",
      ],
      [
        staff.admin.setSeatStatus({ seatId: 8, status: "ACTIVE", reason: "Fixed" }),
        "BAD_REQUEST",
        "reason only applies when closing a seat for maintenance",
      ],
      [
        staff.admin.setSeatStatus({ seatId: 8, status: "ACTIVE", until: iso(dayAt(2, 9)) }),
        "BAD_REQUEST",
        "until only applies",
      ],
      [
        staff.admin.setSeatStatus({ seatId: 8, status: "MAINTENANCE", reason: "x".repeat(301) }),
        "BAD_REQUEST",
        "reason is at most 300 characters",
      ],
      [
        staff.admin.setSeatStatus({ seatId: 8, status: "MAINTENANCE", expectedCancellations: -1 }),
        "BAD_REQUEST",
        "expectedCancellations cannot be negative",
      ],
      [staff.admin.maintenancePreview({ seatId: 999_999 }), "NOT_FOUND", "Seat 999999 does not exist"],
      [
        staff.admin.setSeatStatus({ seatId: 999_999, status: "MAINTENANCE", reason: "x" }),
        "NOT_FOUND",
        "Seat 999999 does not exist",
      ],
    ];
    for (const [call, code, message] of refused) {
      await expectTRPCError(call, code, message);
    }
    expect(await seatRow(api, 8)).toMatchObject({ status: "ACTIVE", maintenanceUntil: null });
    expect((await reservationRow(api, booked.id)).status).toBe("CONFIRMED");
    expect(
      await api.database.db.select().from(reservations).where(eq(reservations.status, "CANCELLED")),
    ).not.toContainEqual(expect.objectContaining({ seatId: 8 }));
  });
});
