import { branches, type Database, seats } from "@dlsms/db";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { addMinutes } from "../time";
import { seatFreeDuring } from "./availability";

export interface BranchView {
  id: number;
  name: string;
  seatCount: number;
  /** Seats bookable and not held by anyone at this moment. */
  availableNow: number;
  powerSeats: number;
  monitorSeats: number;
}

export async function listBranches(db: Database): Promise<BranchView[]> {
  const now = new Date();
  // "Free now" = free for the next minute: an instant-wide window.
  const free = seatFreeDuring(now, addMinutes(now, 1));
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
