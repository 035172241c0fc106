import { reservations } from "@dlsms/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../src/testing";
import { dayAt, expectTRPCError, HOUR, heldTransaction, slot } from "./helpers";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.destroy());

/**
 * Deterministic form of the upcoming-limit race: another transaction holds the student's row
 * lock and has inserted their 3rd reservation, uncommitted, when a booking arrives. The booking
 * must count only once it holds the lock itself (so it sees the 3rd and refuses); counting
 * before taking the lock would miss it and let a 4th through.
 */
it("counts a student's upcoming reservations only after taking their row lock", async () => {
  const student = 6;
  const caller = await api.as(student);
  await caller.reservations.create(slot(20, dayAt(2, 8), dayAt(2, 9)));
  await caller.reservations.create(slot(20, dayAt(2, 10), dayAt(2, 11)));

  const other = await heldTransaction(api, async (tx) => {
    await tx.execute(sql`select 1 from users where id = ${student} for no key update`);
    await tx.insert(reservations).values({
      userId: student,
      seatId: 21,
      startTime: dayAt(3, 8),
      endTime: dayAt(3, 9),
      status: "CONFIRMED",
    });
  });
  const attempt = caller.reservations.create(slot(22, dayAt(4, 8), new Date(dayAt(4, 8).getTime() + HOUR)));
  // Give the booking time to reach the lock (on Postgres it now waits there; PGlite serialises
  // whole transactions, so there it simply runs after the commit).
  await new Promise((resolve) => setTimeout(resolve, 300));
  await other.commit();
  await expectTRPCError(attempt, "BAD_REQUEST", "upcoming reservations");
  const rows = await api.database.db
    .select()
    .from(reservations)
    .where(and(eq(reservations.userId, student), eq(reservations.status, "CONFIRMED")));
  expect(rows).toHaveLength(3);
});
