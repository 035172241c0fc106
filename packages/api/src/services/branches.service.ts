import { branches, type Database, seats } from "@dlsms/db";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { addMinutes } from "../time";
import { seatFreeDuring } from "./availability";
import { loadSchedules, scheduleView } from "./opening-hours";
import { isOpenAt, type OpeningStretch } from "./opening-hours-rules";

export interface BranchView {
  id: number;
  name: string;
  seatCount: number;
  /** Seats bookable and not held by anyone at this moment. */
  availableNow: number;
  powerSeats: number;
  monitorSeats: number;
  /** The week as staff set it; null while never set (open around the clock). */
  openingHours: OpeningStretch[] | null;
  /** Closed days from today on, with the reason students are told. */
  closures: { date: string; reason: string }[];
  /** Open at this moment (hours and closures in the library's zone). */
  openNow: boolean;
}

export async function listBranches(db: Database, rules: BookingRules): Promise<BranchView[]> {
  const now = new Date();
  // "Free now" = free for the next minute: an instant-wide window.
  const free = seatFreeDuring(now, addMinutes(now, 1));
  const [counts, schedules] = await Promise.all([branchCounts(db, free), loadSchedules(db, {}, now)]);
  const byId = new Map(schedules.map((s) => [s.branchId, s]));
  return counts.map((b) => {
    const schedule = byId.get(b.id);
    if (!schedule) return { ...b, openingHours: null, closures: [], openNow: true };
    const open = isOpenAt(schedule, now, rules.libraryTimezone);
    // A closed branch has no seat free now, as seats.list says for the same window.
    return {
      ...b,
      ...scheduleView(schedule, rules, now),
      openNow: open,
      availableNow: open ? b.availableNow : 0,
    };
  });
}

function branchCounts(db: Database, free: ReturnType<typeof seatFreeDuring>) {
  // Retired seats no longer count: they are out of the catalogue.
  return db
    .select({
      id: branches.id,
      name: branches.name,
      seatCount: sql<number>`count(${seats.id})::int`,
      availableNow: sql<number>`count(${seats.id}) filter (where ${free})::int`,
      powerSeats: sql<number>`count(${seats.id}) filter (where ${seats.hasPower})::int`,
      monitorSeats: sql<number>`count(${seats.id}) filter (where ${seats.hasMonitor})::int`,
    })
    .from(branches)
    .leftJoin(seats, and(eq(seats.branchId, branches.id), ne(seats.status, "RETIRED")))
    .groupBy(branches.id)
    .orderBy(asc(branches.name));
}
