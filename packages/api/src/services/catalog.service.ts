import { branches, type Database, reservations, type Seat, seats } from "@dlsms/db";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { Conflict, findPgErrorCode, NotFound, PG_UNIQUE_VIOLATION, RuleViolation } from "../errors";
import { parseLibraryTime } from "../time";
import { recordChange } from "./audit";
import { pgTime } from "./availability";
import type { Effects } from "./events";
import { seatRetired } from "./maintenance.service";
import { isoOrNull } from "./views";

export async function createBranch(
  db: Database,
  input: { name: string; code: string },
  effects: Effects,
  staffUserId: number,
) {
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
    effects.catalog();
    return row;
  });
}

/** Renames a branch; its seats, reservations and waitlist entries follow (they hold its id). */
export async function renameBranch(
  db: Database,
  input: { branch: string; name: string },
  effects: Effects,
  staffUserId: number,
) {
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: branches.id }).from(branches).where(eq(branches.name, input.name));
    const [current] = await tx
      .select({ id: branches.id })
      .from(branches)
      .where(eq(branches.name, input.branch));
    if (!current) throw new NotFound(`There is no branch called "${input.branch}"`);
    if (taken && taken.id !== current.id) throw branchNameTaken(input.name);
    const [row] = await uniquely(
      tx.update(branches).set({ name: input.name }).where(eq(branches.id, current.id)).returning(),
      () => branchNameTaken(input.name),
    );
    if (!row) throw new NotFound(`There is no branch called "${input.branch}"`);
    await recordChange(tx, {
      entityType: "branch",
      entityId: row.id,
      action: "branch_renamed",
      actorUserId: staffUserId,
      details: { from: input.branch, to: input.name },
    });
    effects.catalog();
    return row;
  });
}

const branchNameTaken = (name: string) => new Conflict(`A branch named "${name}" already exists`);
const seatCodeTaken = (code: string) =>
  new Conflict(`Seat code ${code} is already used by another seat (retired seats keep theirs)`);

/** Runs a write whose only expected failure is a unique violation (a concurrent twin), as `conflict`. */
async function uniquely<T>(write: Promise<T>, conflict: () => Conflict): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (findPgErrorCode(error) === PG_UNIQUE_VIOLATION) throw conflict();
    throw error;
  }
}

/** The branch's code and the number after the highest one its seats' codes carry (ML-31). */
function nextSeatCode(branchCode: string, codes: string[]): string {
  const prefix = `${branchCode}-`;
  let highest = 0;
  for (const code of codes) {
    if (!code.startsWith(prefix)) continue;
    const n = Number(code.slice(prefix.length));
    if (Number.isInteger(n) && n > highest) highest = n;
  }
  return `${prefix}${String(highest + 1).padStart(2, "0")}`;
}

export async function createSeat(
  db: Database,
  input: { branch: string; area: string; hasPower: boolean; hasMonitor: boolean; code?: string | undefined },
  effects: Effects,
  staffUserId: number,
) {
  return db.transaction(async (tx) => {
    // Locked so two seats created at once in a branch do not pick the same next code.
    const [branch] = await tx.select().from(branches).where(eq(branches.name, input.branch)).for("update");
    if (!branch) throw new NotFound(`There is no branch called "${input.branch}"`);
    const codes = await tx.select({ code: seats.code }).from(seats).where(eq(seats.branchId, branch.id));
    const code =
      input.code ??
      nextSeatCode(
        branch.code,
        codes.map((c) => c.code),
      );
    const [row] = await tx
      .insert(seats)
      .values({
        code,
        branchId: branch.id,
        area: input.area,
        hasPower: input.hasPower,
        hasMonitor: input.hasMonitor,
      })
      .onConflictDoNothing({ target: seats.code })
      .returning();
    if (!row) throw seatCodeTaken(code);
    await recordChange(tx, {
      entityType: "seat",
      entityId: row.id,
      action: "seat_created",
      actorUserId: staffUserId,
      details: { ...input, code },
    });
    effects.seat(row.id, "maintenance", null).catalog();
    return { ...row, branch: branch.name };
  });
}

export async function updateSeat(
  db: Database,
  input: { seatId: number; code?: string; area?: string; hasPower?: boolean; hasMonitor?: boolean },
  effects: Effects,
  staffUserId: number,
) {
  const { seatId, ...changes } = input;
  if (Object.keys(changes).length === 0) throw new RuleViolation("Nothing to change");
  return db.transaction(async (tx) => {
    const [seat] = await tx
      .select({ status: seats.status, code: seats.code })
      .from(seats)
      .where(eq(seats.id, seatId));
    if (!seat) throw new NotFound(`Seat ${seatId} does not exist`);
    if (seat.status === "RETIRED") throw seatRetired(seat.code);
    if (changes.code !== undefined && changes.code !== seat.code) {
      const [holder] = await tx.select({ id: seats.id }).from(seats).where(eq(seats.code, changes.code));
      if (holder) throw seatCodeTaken(changes.code);
    }
    const [row] = await uniquely(
      tx
        .update(seats)
        .set(changes)
        // Retired in the meantime: left alone (no row), as above.
        .where(and(eq(seats.id, seatId), ne(seats.status, "RETIRED")))
        .returning(),
      () => seatCodeTaken(changes.code ?? ""),
    );
    if (!row) throw seatRetired(seat.code);
    await recordChange(tx, {
      entityType: "seat",
      entityId: row.id,
      action: "seat_updated",
      actorUserId: staffUserId,
      details: changes,
    });
    effects.seat(row.id, "maintenance", null).catalog();
    return row;
  });
}

export interface CatalogueSeatView {
  id: number;
  code: string;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
  status: Seat["status"];
  maintenanceUntil: string | null;
  maintenanceReason: string | null;
  retiredAt: string | null;
  retiredReason: string | null;
}

export interface CatalogueBranchView {
  id: number;
  name: string;
  code: string;
  seats: CatalogueSeatView[];
}

/** Staff's view of the catalogue: every branch and all its seats, retired ones included (marked). */
export async function staffCatalogue(db: Database): Promise<CatalogueBranchView[]> {
  const [branchRows, seatRows] = await Promise.all([
    db
      .select({ id: branches.id, name: branches.name, code: branches.code })
      .from(branches)
      .orderBy(asc(branches.name)),
    db.select().from(seats).orderBy(asc(seats.id)),
  ]);
  const byBranch = new Map<number, CatalogueSeatView[]>(branchRows.map((b) => [b.id, []]));
  for (const s of seatRows) {
    byBranch.get(s.branchId)?.push({
      id: s.id,
      code: s.code,
      area: s.area,
      hasPower: s.hasPower,
      hasMonitor: s.hasMonitor,
      status: s.status,
      maintenanceUntil: isoOrNull(s.maintenanceUntil),
      maintenanceReason: s.maintenanceReason,
      retiredAt: isoOrNull(s.retiredAt),
      retiredReason: s.retiredReason,
    });
  }
  return branchRows.map((b) => ({ ...b, seats: byBranch.get(b.id) ?? [] }));
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
      bookedHours: sql<number>`coalesce(sum(extract(epoch from (least(${reservations.endTime}, ${pgTime(to)}) - greatest(${reservations.startTime}, ${pgTime(from)}))) / 3600) filter (where ${inArray(reservations.status, ["HELD", "CONFIRMED", "CHECKED_IN", "AWAY", "COMPLETED"])}), 0)::float8`,
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
