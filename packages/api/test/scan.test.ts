import { reservations } from "@dlsms/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, testConfig } from "../src/testing";
import { at, expectTRPCError, HOUR, insertReservation, MINUTE, reservationRow } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi(testConfig({ auth: { registrationsPerIpPerHour: 1_000 } }), { poolSize: 20 });
});
afterAll(() => api?.destroy());

const codeOf = async (seatId: number) => (await api.anonymous.seats.label({ id: seatId })).code;
const near = (iso: string | undefined, expected: Date, ms = 61_000) =>
  expect(Math.abs(new Date(iso ?? 0).getTime() - expected.getTime())).toBeLessThan(ms);

describe("scan to sit: reservations.scan({ seatCode })", () => {
  it("checks the student in to their own booking of the seat when its check-in window is open", async () => {
    const mine = await insertReservation(api, {
      userId: 1,
      seatId: 3,
      start: at(5 * MINUTE),
      end: at(65 * MINUTE),
    });
    const alice = await api.as(1);
    const result = await alice.reservations.scan({ seatCode: await codeOf(3) });
    expect(result.outcome).toBe("checked_in");
    expect(result.reservation?.id).toBe(mine.id);
    expect((await reservationRow(api, mine.id)).status).toBe("CHECKED_IN");
    // Scanning again while seated says the same, and books nothing new.
    expect((await alice.reservations.scan({ seatCode: await codeOf(3) })).outcome).toBe("checked_in");
  });

  it("books a free seat from now, checked in, ending at the seat's next booking", async () => {
    const next = await insertReservation(api, {
      userId: 2,
      seatId: 4,
      start: at(40 * MINUTE),
      end: at(100 * MINUTE),
    });
    const carol = await api.as(3);
    const result = await carol.reservations.scan({ seatCode: await codeOf(4) });
    expect(result.outcome).toBe("booked");
    expect(result.reservation).toMatchObject({ seatId: 4, userId: 3, status: "CHECKED_IN" });
    near(result.reservation?.startTime, new Date());
    expect(result.reservation?.endTime).toBe(next.startTime.toISOString());
  });

  it("a walk-up with nothing after it lasts WALKUP_MINUTES", async () => {
    const dave = await api.as(4);
    const result = await dave.reservations.scan({ seatCode: await codeOf(5) });
    expect(result.outcome).toBe("booked");
    const start = new Date(result.reservation?.startTime ?? 0);
    expect(new Date(result.reservation?.endTime ?? 0).getTime() - start.getTime()).toBe(60 * MINUTE);
  });

  it("someone else's seat is taken, with when it is next free (after back-to-back bookings)", async () => {
    const handover = at(50 * MINUTE);
    await insertReservation(api, {
      userId: 5,
      seatId: 6,
      start: at(-10 * MINUTE),
      end: handover,
      status: "CHECKED_IN",
    });
    const second = await insertReservation(api, {
      userId: 6,
      seatId: 6,
      start: handover,
      end: at(80 * MINUTE),
    });
    const before = await api.database.db.$count(reservations);
    const result = await (await api.as(7)).reservations.scan({ seatCode: await codeOf(6) });
    expect(result).toMatchObject({ outcome: "taken", freeFrom: second.endTime.toISOString() });
    expect(await api.database.db.$count(reservations)).toBe(before);
  });

  it("a seat free for less than the shortest booking is taken until its next booking ends", async () => {
    const soon = await insertReservation(api, {
      userId: 8,
      seatId: 7,
      start: at(10 * MINUTE),
      end: at(70 * MINUTE),
    });
    const result = await (await api.as(9)).reservations.scan({ seatCode: await codeOf(7) });
    expect(result).toMatchObject({ outcome: "taken", freeFrom: soon.endTime.toISOString() });
  });

  it("an unknown code is NOT_FOUND and a blank one BAD_REQUEST, changing nothing", async () => {
    const alice = await api.as(1);
    await expectTRPCError(
      alice.reservations.scan({ seatCode: "NOPE-99" }),
      "NOT_FOUND",
      "There is no seat NOPE-99",
    );
    await expectTRPCError(alice.reservations.scan({ seatCode: "  " }), "BAD_REQUEST");
    await expectTRPCError(api.anonymous.reservations.scan({ seatCode: "ML-01" }), "UNAUTHORIZED");
  });

  it("20 students scanning one free seat at once: exactly one booked, the others told when it is free", async () => {
    const students = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.anonymous.auth.register({
          studentId: `SCAN${String(i).padStart(3, "0")}`,
          password: "password123",
          name: `Scanner ${i}`,
        }),
      ),
    );
    const callers = await Promise.all(students.map((s) => api.as(s.user.id)));
    const code = await codeOf(9);
    const results = await Promise.all(callers.map((c) => c.reservations.scan({ seatCode: code })));
    const booked = results.filter((r) => r.outcome === "booked");
    expect(booked).toHaveLength(1);
    const taken = results.filter((r) => r.outcome === "taken");
    expect(taken).toHaveLength(19);
    for (const r of taken) expect(r.freeFrom).toBe(booked[0]?.reservation?.endTime);
  });

  it("a walk-up ends at the branch's closing time, and a closed branch refuses with its hours", async () => {
    // A library zone where it is now around noon, so "closes in 30 minutes" never crosses midnight.
    const now = new Date();
    const offset = 12 - now.getUTCHours();
    const zone = offset === 0 ? "UTC" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
    const noonApi = await createTestApi(testConfig({ rules: { libraryTimezone: zone } }));
    try {
      const staff = await noonApi.as(11);
      const { branch, code } = await noonApi.anonymous.seats.label({ id: 27 });
      const local = new Date(now.getTime() + offset * HOUR);
      const localMidnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
      const closeMinute = Math.floor((local.getTime() - localMidnight) / MINUTE) + 30;
      const close = `${String(Math.floor(closeMinute / 60)).padStart(2, "0")}:${String(closeMinute % 60).padStart(2, "0")}`;
      const day = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
      await staff.admin.setOpeningHours({ branch, hours: [{ day, open: "00:00", close }] });
      const result = await (await noonApi.as(10)).reservations.scan({ seatCode: code });
      expect(result.outcome).toBe("booked");
      expect(result.reservation?.endTime).toBe(
        new Date(localMidnight + closeMinute * MINUTE - offset * HOUR).toISOString(),
      );
    } finally {
      await noonApi.destroy();
    }
    const staff = await api.as(11);
    const { branch } = await api.anonymous.seats.label({ id: 27 });
    await staff.admin.setOpeningHours({ branch, hours: [] });
    await expectTRPCError(
      (await api.as(10)).reservations.scan({ seatCode: await codeOf(28) }),
      "BAD_REQUEST",
      /closed/,
    );
  });
});
