import { branches, type Database, reservations, seats, type WaitlistEntry, waitlist } from "@dlsms/db";
import type { JoinWaitlistInput } from "@dlsms/validators";
import { and, desc, eq, gt, inArray, lte, ne, sql } from "drizzle-orm";
import type { BookingRules } from "../config";
import { NotFound, RuleViolation } from "../errors";
import { parseLibraryTime } from "../time";
import type { Effects } from "./events";
import { seatFreed } from "./offers";
import { assertOpenForWaitlist } from "./opening-hours";
import { assertMayBook } from "./standing.service";
import { iso, type ReservationView, toReservationView, type WaitlistEntryView } from "./views";

const MAX_OPEN_ENTRIES_PER_USER = 10;

export async function joinWaitlist(
  db: Database,
  userId: number,
  input: JoinWaitlistInput,
  rules: BookingRules,
): Promise<WaitlistEntryView> {
  const zone = rules.libraryTimezone;
  const desiredStart = parseLibraryTime(input.desiredStart, zone, "desiredStart");
  const desiredEnd = parseLibraryTime(input.desiredEnd, zone, "desiredEnd");
  const minutes = (desiredEnd.getTime() - desiredStart.getTime()) / 60_000;
  if (minutes <= 0) throw new RuleViolation("desiredEnd must be after desiredStart");
  if (minutes > rules.maxDurationMinutes) {
    throw new RuleViolation(`You can wait for at most ${rules.maxDurationMinutes / 60} hours at a time`);
  }
  if (desiredEnd <= new Date()) throw new RuleViolation("That time window is already over");
  if (desiredStart.getTime() > Date.now() + rules.maxAdvanceDays * 86_400_000) {
    throw new RuleViolation(`You can wait for a seat at most ${rules.maxAdvanceDays} days ahead`);
  }
  // Waiting is a way to book: a suspended student may not join (entries from before stay).
  await assertMayBook(db, userId, rules);

  let seatId: number | null = null;
  let branchId: number | null = null;
  if (input.seatId !== undefined) {
    // A retired seat is out of the catalogue: there is nothing to wait for.
    const [seat] = await db
      .select({ id: seats.id })
      .from(seats)
      .where(and(eq(seats.id, input.seatId), ne(seats.status, "RETIRED")))
      .limit(1);
    if (!seat) throw new NotFound(`Seat ${input.seatId} does not exist`);
    seatId = seat.id;
  } else if (input.branch !== undefined) {
    const [branch] = await db
      .select({ id: branches.id })
      .from(branches)
      .where(eq(branches.name, input.branch))
      .limit(1);
    if (!branch) throw new NotFound(`There is no branch called "${input.branch}"`);
    branchId = branch.id;
  }
  // Waiting for a slot the branch is closed for could never end in an offer (offers.ts checks too).
  await assertOpenForWaitlist(db, { seatId, branchId }, desiredStart, desiredEnd, rules);

  return db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from users where id = ${userId} for no key update`);
    if (seatId !== null) {
      // Under a lock a retirement's FOR UPDATE waits for (and this waits for it): an entry is never
      // added after the retirement ended the seat's waitlist (retire.service.ts).
      const [seat] = await tx
        .select({ status: seats.status })
        .from(seats)
        .where(eq(seats.id, seatId))
        .for("key share");
      if (seat?.status === "RETIRED") throw new NotFound(`Seat ${seatId} does not exist`);
    }
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(waitlist)
      .where(
        and(
          eq(waitlist.userId, userId),
          inArray(waitlist.status, ["WAITING", "OFFERED"]),
          gt(waitlist.desiredEnd, new Date()),
        ),
      );
    if ((open?.n ?? 0) >= MAX_OPEN_ENTRIES_PER_USER) {
      throw new RuleViolation(`You can be on at most ${MAX_OPEN_ENTRIES_PER_USER} waitlists at once`);
    }
    const [row] = await tx
      .insert(waitlist)
      .values({
        userId,
        seatId,
        branchId,
        hasPower: branchId ? (input.hasPower ?? null) : null,
        hasMonitor: branchId ? (input.hasMonitor ?? null) : null,
        desiredStart,
        desiredEnd,
      })
      .returning();
    if (!row) throw new Error("waitlist insert returned no row");
    const [view] = await entryViews(tx, [row]);
    if (!view) throw new Error("waitlist view missing");
    return view;
  });
}

async function entryViews(db: Database, rows: WaitlistEntry[]): Promise<WaitlistEntryView[]> {
  if (rows.length === 0) return [];
  const branchNames = new Map((await db.select().from(branches)).map((b) => [b.id, b.name]));
  const seatIds = rows.flatMap((r) => (r.seatId ? [r.seatId] : []));
  const seatBranch = new Map(
    seatIds.length
      ? (
          await db
            .select({ id: seats.id, branchId: seats.branchId })
            .from(seats)
            .where(inArray(seats.id, seatIds))
        ).map((s) => [s.id, s.branchId])
      : [],
  );
  const offerIds = rows.flatMap((r) =>
    r.status === "OFFERED" && r.offerReservationId ? [r.offerReservationId] : [],
  );
  const offers = new Map(
    offerIds.length
      ? (
          await db
            .select({ id: reservations.id, expiresAt: reservations.expiresAt })
            .from(reservations)
            .where(inArray(reservations.id, offerIds))
        ).map((o) => [o.id, o.expiresAt])
      : [],
  );
  return rows.map((r) => {
    const branchId = r.branchId ?? (r.seatId ? seatBranch.get(r.seatId) : undefined);
    const offerExpiry = r.offerReservationId ? offers.get(r.offerReservationId) : undefined;
    return {
      id: r.id,
      seatId: r.seatId,
      branch: (branchId && branchNames.get(branchId)) || "",
      hasPower: r.hasPower,
      hasMonitor: r.hasMonitor,
      desiredStart: iso(r.desiredStart),
      desiredEnd: iso(r.desiredEnd),
      status: r.status,
      createdAt: iso(r.createdAt),
      offer:
        r.status === "OFFERED" && r.offerReservationId && offerExpiry !== undefined
          ? { reservationId: r.offerReservationId, expiresAt: offerExpiry ? iso(offerExpiry) : null }
          : null,
    };
  });
}

export async function myWaitlist(db: Database, userId: number): Promise<WaitlistEntryView[]> {
  const rows = await db
    .select()
    .from(waitlist)
    .where(eq(waitlist.userId, userId))
    .orderBy(desc(waitlist.createdAt), desc(waitlist.id))
    .limit(100);
  return entryViews(db, rows);
}

async function ownEntry(db: Database, userId: number, id: number): Promise<WaitlistEntry> {
  const [row] = await db
    .select()
    .from(waitlist)
    .where(and(eq(waitlist.id, id), eq(waitlist.userId, userId)))
    .limit(1);
  if (!row) throw new NotFound(`Waitlist entry ${id} not found`);
  return row;
}

/**
 * Ends a HELD offer (declined, withdrawn or lapsed) in the caller's transaction and passes the
 * slot to the next waiter. Returns the ended reservation, or null if it was no longer HELD.
 */
export async function endOffer(
  tx: Database,
  reservationId: number,
  how: "DECLINED" | "EXPIRED" | "LEFT",
  rules: BookingRules,
  effects: Effects,
  /** Sweeper: end it only if it had lapsed by this instant (another actor may have claimed it). */
  lapsedBy?: Date,
) {
  const [ended] = await tx
    .update(reservations)
    .set({ status: how === "EXPIRED" ? "EXPIRED" : "CANCELLED", expiresAt: null })
    .where(
      and(
        eq(reservations.id, reservationId),
        eq(reservations.status, "HELD"),
        lapsedBy ? lte(reservations.expiresAt, lapsedBy) : undefined,
      ),
    )
    .returning();
  if (!ended) return null;
  await tx
    .update(waitlist)
    .set({ status: how })
    .where(and(eq(waitlist.offerReservationId, ended.id), eq(waitlist.status, "OFFERED")));
  await seatFreed(tx, ended, how === "EXPIRED" ? "expired" : "declined", rules, effects);
  return ended;
}

export async function leaveWaitlist(
  db: Database,
  userId: number,
  id: number,
  rules: BookingRules,
  effects: Effects,
) {
  return db.transaction(async (tx) => {
    const entry = await ownEntry(tx, userId, id);
    if (entry.status !== "WAITING" && entry.status !== "OFFERED") {
      throw new RuleViolation("You are no longer waiting on this entry");
    }
    if (entry.status === "OFFERED" && entry.offerReservationId) {
      await endOffer(tx, entry.offerReservationId, "LEFT", rules, effects);
    }
    await tx.update(waitlist).set({ status: "LEFT" }).where(eq(waitlist.id, entry.id));
    return { id: entry.id, status: "LEFT" as const };
  });
}

async function ownOffer(db: Database, userId: number, reservationId: number) {
  const [row] = await db
    .select()
    .from(reservations)
    .where(and(eq(reservations.id, reservationId), eq(reservations.userId, userId)))
    .limit(1);
  if (!row) throw new NotFound(`Offer ${reservationId} not found`);
  return row;
}

/** HELD → CONFIRMED, only while the offer is open: one conditional UPDATE. */
export async function claimOffer(
  db: Database,
  userId: number,
  reservationId: number,
  effects: Effects,
): Promise<ReservationView> {
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(reservations)
      .set({ status: "CONFIRMED", expiresAt: null })
      .where(
        and(
          eq(reservations.id, reservationId),
          eq(reservations.userId, userId),
          eq(reservations.status, "HELD"),
          gt(reservations.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!claimed) {
      const current = await ownOffer(tx, userId, reservationId);
      if (current.status === "CONFIRMED") throw new RuleViolation("You have already claimed this offer");
      throw new RuleViolation("This offer is no longer open: it expired or was withdrawn");
    }
    await tx.update(waitlist).set({ status: "FULFILLED" }).where(eq(waitlist.offerReservationId, claimed.id));
    effects.seat(claimed.seatId, "claimed", claimed.userId);
    return toReservationView(claimed);
  });
}

export async function declineOffer(
  db: Database,
  userId: number,
  reservationId: number,
  rules: BookingRules,
  effects: Effects,
): Promise<ReservationView> {
  return db.transaction(async (tx) => {
    const current = await ownOffer(tx, userId, reservationId);
    if (current.status !== "HELD") throw new RuleViolation("This offer is no longer open");
    const ended = await endOffer(tx, reservationId, "DECLINED", rules, effects);
    if (!ended) throw new RuleViolation("This offer is no longer open");
    return toReservationView(ended);
  });
}
