import { branches, type Database, reservations, seats } from "@dlsms/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, NotFound, RuleViolation } from "../errors";
import { parseLibraryTime } from "../time";
import { recordChange } from "./audit";
import { pgTime } from "./availability";

export async function createBranch(db: Database, input: { name: string; code: string }, staffUserId: number) {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(branches).values(input).onConflictDoNothing().returning();
    if (!row) throw new Conflict(`A branch named "${input.name}" or with code ${input.code} already exists`);
    await recordChange(tx, {
      entityType: "branch",
      entityId: row.id,
      action: "branch_created",
      actorUserId: staffUserId,
      details: input,
    });
    return row;
  });
}

export async function createSeat(
  db: Database,
  input: { branch: string; area: string; hasPower: boolean; hasMonitor: boolean },
  staffUserId: number,
) {
  return db.transaction(async (tx) => {
    const [branch] = await tx.select().from(branches).where(eq(branches.name, input.branch)).for("update");
    if (!branch) throw new NotFound(`There is no branch called "${input.branch}"`);
    const [n] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(seats)
      .where(eq(seats.branchId, branch.id));
    const code = `${branch.code}-${String((n?.n ?? 0) + 1).padStart(2, "0")}`;
    const [row] = await tx
      .insert(seats)
      .values({
        code,
        branchId: branch.id,
        area: input.area,
        hasPower: input.hasPower,
        hasMonitor: input.hasMonitor,
      })
      .returning();
    if (!row) throw new Conflict(`Seat code ${code} is taken`);
    await recordChange(tx, {
      entityType: "seat",
      entityId: row.id,
      action: "seat_created",
      actorUserId: staffUserId,
      details: { ...input, code },
    });
    return { ...row, branch: branch.name };
  });
}

export async function updateSeat(
  db: Database,
  input: { seatId: number; area?: string; hasPower?: boolean; hasMonitor?: boolean },
  staffUserId: number,
) {
  const { seatId, ...changes } = input;
  if (Object.keys(changes).length === 0) throw new RuleViolation("Nothing to change");
  return db.transaction(async (tx) => {
    const [row] = await tx.update(seats).set(changes).where(eq(seats.id, seatId)).returning();
    if (!row) throw new NotFound(`Seat ${seatId} does not exist`);
    await recordChange(tx, {
      entityType: "seat",
      entityId: row.id,
      action: "seat_updated",
      actorUserId: staffUserId,
      details: changes,
    });
    return row;
  });
}

export interface BranchUtilisation {
  branch: string;
  seats: number;
  /** Seat-hours held by bookings that were used or could still be (not cancelled/expired). */
  bookedHours: number;
  capacityHours: number;
  utilisation: number;
  noShows: number;
  checkIns: number;
}

/** Utilisation per branch over a window: booked seat-hours (clipped to it) over capacity. */
export async function utilisation(
  db: Database,
  input: { from: string; to: string },
  rules: BookingRules,
): Promise<BranchUtilisation[]> {
  const from = parseLibraryTime(input.from, rules.libraryTimezone, "from");
  const to = parseLibraryTime(input.to, rules.libraryTimezone, "to");
  if (to <= from) throw new RuleViolation("to must be after from");
  const hours = (to.getTime() - from.getTime()) / 3_600_000;
  const rows = await db
    .select({
      branch: branches.name,
      seats: sql<number>`count(distinct ${seats.id})::int`,
      bookedHours: sql<number>`coalesce(sum(extract(epoch from (least(${reservations.endTime}, ${pgTime(to)}) - greatest(${reservations.startTime}, ${pgTime(from)}))) / 3600) filter (where ${inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN", "COMPLETED"])}), 0)::float8`,
      noShows: sql<number>`count(${reservations.id}) filter (where ${reservations.status} = 'NO_SHOW')::int`,
      checkIns: sql<number>`count(${reservations.checkedInAt})::int`,
    })
    .from(branches)
    .innerJoin(seats, eq(seats.branchId, branches.id))
    .leftJoin(
      reservations,
      and(
        eq(reservations.seatId, seats.id),
        sql`${reservations.startTime} < ${pgTime(to)}`,
        sql`${reservations.endTime} > ${pgTime(from)}`,
      ),
    )
    .groupBy(branches.name)
    .orderBy(asc(branches.name));
  return rows.map((r) => {
    const capacityHours = r.seats * hours;
    return {
      ...r,
      bookedHours: Math.round(r.bookedHours * 100) / 100,
      capacityHours,
      utilisation: capacityHours ? r.bookedHours / capacityHours : 0,
    };
  });
}
