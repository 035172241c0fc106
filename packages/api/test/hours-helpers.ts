import { branches } from "@dlsms/db";
import { eq } from "drizzle-orm";
import { DateTime } from "luxon";
import type { TestApi } from "../src/testing";

/** Shared by the opening-hours and closures tests: Europe/Berlin has daylight saving time. */
export const ZONE = "Europe/Berlin";
export const ADMIN = 11;
export const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, open: "08:00", close: "20:00" }));

/** The next local date (from tomorrow on) that is ISO weekday `weekday`, at hour:minute in ZONE. */
export function nextLocal(weekday: number, hour: number, minute = 0): DateTime {
  let d = DateTime.now().setZone(ZONE).startOf("day").plus({ days: 1 });
  while (d.weekday !== weekday) d = d.plus({ days: 1 });
  return d.set({ hour, minute });
}

export const window = (seatId: number, start: DateTime, hours: number) => ({
  seatId,
  startTime: start.toUTC().toISO() as string,
  endTime: start.plus({ hours }).toUTC().toISO() as string,
});

let branchNo = 0;
/** A branch of the test's own (the seeded ones stay open around the clock) with `seats` seats. */
export async function newBranch(
  api: TestApi,
  seatCount: number,
): Promise<{ name: string; seatIds: number[] }> {
  const staff = await api.as(ADMIN);
  branchNo += 1;
  const name = `Hours Test Library ${branchNo}`;
  await staff.admin.createBranch({ name, code: `HT${"ABCDEFGHIJ"[branchNo]}` });
  const seatIds: number[] = [];
  for (let i = 0; i < seatCount; i++) {
    seatIds.push((await staff.admin.createSeat({ branch: name, area: "Reading Room" })).id);
  }
  return { name, seatIds };
}

export async function branchRow(api: TestApi, name: string) {
  const [row] = await api.database.db.select().from(branches).where(eq(branches.name, name));
  if (!row) throw new Error(`branch ${name} missing`);
  return row;
}
