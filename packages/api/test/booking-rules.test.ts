import { reservations, seats } from "@dlsms/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterInputs } from "../src/root";
import { createTestApi, type TestApi } from "../src/testing";
import {
  at,
  countReservations,
  dayAt,
  type ErrorCode,
  expectTRPCError,
  HOUR,
  iso,
  MINUTE,
  slot,
} from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

type CreateInput = RouterInputs["reservations"]["create"];

/** Runs a create that must fail with `code` and `message`, and proves nothing was written. */
async function refused(userId: number, input: unknown, code: ErrorCode, message: RegExp | string) {
  const caller = await api.as(userId);
  const before = await countReservations(api);
  await expectTRPCError(caller.reservations.create(input as CreateInput), code, message);
  expect(await countReservations(api)).toBe(before);
}

const tomorrow10 = dayAt(1, 10);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describe("time rules (acceptance 4)", () => {
  it("end before start", async () => {
    await refused(
      1,
      slot(1, tomorrow10, plus(tomorrow10, -HOUR)),
      "BAD_REQUEST",
      "The end time must be after the start time",
    );
  });

  it("end equal to start", async () => {
    await refused(
      1,
      slot(1, tomorrow10, tomorrow10),
      "BAD_REQUEST",
      "The end time must be after the start time",
    );
  });

  it("shorter than 15 minutes", async () => {
    await refused(
      1,
      slot(1, tomorrow10, plus(tomorrow10, 14 * MINUTE)),
      "BAD_REQUEST",
      "A reservation must last at least 15 minutes",
    );
  });

  it("longer than 4 hours", async () => {
    await refused(
      1,
      slot(1, tomorrow10, plus(tomorrow10, 4 * HOUR + MINUTE)),
      "BAD_REQUEST",
      "A reservation can last at most 4 hours",
    );
  });

  it("exactly 15 minutes and exactly 4 hours are fine", async () => {
    const alice = await api.as(1);
    const short = await alice.reservations.create(slot(2, tomorrow10, plus(tomorrow10, 15 * MINUTE)));
    expect(short.status).toBe("CONFIRMED");
    const long = await alice.reservations.create(slot(2, plus(tomorrow10, HOUR), plus(tomorrow10, 5 * HOUR)));
    expect(long.status).toBe("CONFIRMED");
    await alice.reservations.cancel({ id: short.id });
    await alice.reservations.cancel({ id: long.id });
  });

  it("start in the past, beyond the 5 minute tolerance", async () => {
    const start = at(-10 * MINUTE);
    await refused(2, slot(1, start, plus(start, HOUR)), "BAD_REQUEST", /^The start time .* is in the past$/);
  });

  it("a start 2 minutes ago is accepted", async () => {
    const bob = await api.as(2);
    const start = at(-2 * MINUTE);
    const r = await bob.reservations.create(slot(3, start, plus(start, HOUR)));
    expect(r).toMatchObject({ seatId: 3, userId: 2, status: "CONFIRMED", startTime: iso(start) });
  });

  it("more than 14 days ahead", async () => {
    const start = at(14 * 24 * HOUR + HOUR);
    await refused(2, slot(1, start, plus(start, HOUR)), "BAD_REQUEST", "You can book at most 14 days ahead");
  });

  it("13 days ahead is fine", async () => {
    const bob = await api.as(2);
    const start = dayAt(13, 10);
    const r = await bob.reservations.create(slot(4, start, plus(start, HOUR)));
    expect(r.startTime).toBe(iso(start));
  });
});

describe("per-student and per-seat rules", () => {
  it("a 4th upcoming reservation is refused, and a cancelled one no longer counts", async () => {
    const carol = await api.as(3);
    const made = [];
    for (const day of [2, 3, 4]) {
      made.push(await carol.reservations.create(slot(6, dayAt(day, 9), dayAt(day, 10))));
    }
    await refused(
      3,
      slot(6, dayAt(5, 9), dayAt(5, 10)),
      "BAD_REQUEST",
      "You already have 3 upcoming reservations, the most allowed. Cancel one to book another.",
    );
    const first = made[0];
    if (!first) throw new Error("no reservation");
    await carol.reservations.cancel({ id: first.id });
    const fourth = await carol.reservations.create(slot(6, dayAt(5, 9), dayAt(5, 10)));
    expect(fourth.status).toBe("CONFIRMED");
  });

  it("past reservations do not count towards the limit", async () => {
    // Dave has three finished reservations (written directly: the API refuses past starts).
    for (const daysAgo of [1, 2, 3]) {
      await api.database.db.insert(reservations).values({
        userId: 4,
        seatId: 7,
        startTime: dayAt(-daysAgo - 1, 9),
        endTime: dayAt(-daysAgo - 1, 10),
        status: "COMPLETED",
      });
    }
    const dave = await api.as(4);
    const r = await dave.reservations.create(slot(7, dayAt(2, 9), dayAt(2, 10)));
    expect(r.status).toBe("CONFIRMED");
  });

  it("a seat under maintenance cannot be booked", async () => {
    await api.database.db.update(seats).set({ status: "MAINTENANCE" }).where(eq(seats.id, 8));
    await refused(
      5,
      slot(8, dayAt(2, 9), dayAt(2, 10)),
      "BAD_REQUEST",
      /^Seat \S+ is under maintenance and cannot be booked right now$/,
    );
    const listed = await (await api.as(5)).seats.list({ branch: "Main Library" });
    expect(listed.find((s) => s.id === 8)).toMatchObject({ status: "MAINTENANCE", available: false });
    await api.database.db.update(seats).set({ status: "ACTIVE" }).where(eq(seats.id, 8));
  });

  it("an unknown seat is NOT_FOUND", async () => {
    await refused(5, slot(9999, dayAt(2, 9), dayAt(2, 10)), "NOT_FOUND", "Seat 9999 does not exist");
  });
});

describe("malformed input is BAD_REQUEST and says which field", () => {
  const good = { seatId: 1, startTime: iso(dayAt(2, 9)), endTime: iso(dayAt(2, 10)) };

  it.each([
    ["a word for a date", { ...good, startTime: "tomorrow" }, /^startTime must be a date and time like/],
    ["an impossible date", { ...good, startTime: "2025-02-30T10:00:00" }, /startTime is not a valid date/],
    ["an impossible end", { ...good, endTime: "2025-13-01T10:00:00" }, /endTime is not a valid date/],
    ["a number for a date", { ...good, endTime: 1700000000 }, /^endTime must be a date and time/],
    ["a text id", { ...good, seatId: "abc" }, /^seatId must be a number$/],
    ["a negative id", { ...good, seatId: -1 }, /^seatId must be a positive number$/],
    ["a fractional id", { ...good, seatId: 1.5 }, /^seatId must be a whole number$/],
    ["a missing seatId", { startTime: good.startTime, endTime: good.endTime }, /^seatId is required$/],
    ["a missing startTime", { seatId: 1, endTime: good.endTime }, /^startTime is required/],
    ["a missing endTime", { seatId: 1, startTime: good.startTime }, /^endTime is required/],
    ["no input at all", undefined, /Invalid input|required/],
  ])("%s", async (_name, input, message) => {
    await refused(6, input, "BAD_REQUEST", message);
  });

  it("lists every missing field at once", async () => {
    const caller = await api.as(6);
    const error = await expectTRPCError(caller.reservations.create({} as CreateInput), "BAD_REQUEST");
    expect(error.message).toBe(
      "seatId is required; startTime is required (a date and time like 2025-10-11T14:00:00); " +
        "endTime is required (a date and time like 2025-10-11T14:00:00)",
    );
  });

  it("malformed ids elsewhere are BAD_REQUEST too", async () => {
    const caller = await api.as(6);
    for (const id of ["abc", -1, 1.5, 0]) {
      await expectTRPCError(caller.reservations.get({ id } as { id: number }), "BAD_REQUEST", /^id must be/);
      await expectTRPCError(
        caller.reservations.cancel({ id } as { id: number }),
        "BAD_REQUEST",
        /^id must be/,
      );
      await expectTRPCError(caller.seats.get({ id } as { id: number }), "BAD_REQUEST", /^id must be/);
    }
  });
});
