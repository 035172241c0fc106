import { type AuditEntityType, auditLog, type Database, reservations, type UserRole, users } from "@dlsms/db";
import { and, asc, eq } from "drizzle-orm";
import { NotFound } from "../errors";

export interface HistoryActor {
  studentId: string;
  name: string;
  role: UserRole;
}

export interface HistoryEntry {
  at: string;
  action: string;
  /** Who made the change; null for the system (the sweeper, an offer made by a freed seat). */
  actor: HistoryActor | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** One entity's trail, oldest first (ids follow the order of the changes to one row). */
export async function entityHistory(
  db: Database,
  entityType: AuditEntityType,
  entityId: number,
): Promise<HistoryEntry[]> {
  const rows = await db
    .select({
      at: auditLog.at,
      action: auditLog.action,
      reason: auditLog.reason,
      details: auditLog.details,
      studentId: users.studentId,
      name: users.name,
      role: users.role,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
    .orderBy(asc(auditLog.id));
  return rows.map((r) => ({
    at: r.at.toISOString(),
    action: r.action,
    actor:
      r.studentId !== null && r.name !== null && r.role !== null
        ? { studentId: r.studentId, name: r.name, role: r.role }
        : null,
    reason: r.reason,
    details: r.details,
  }));
}

/**
 * A reservation's history. `ownerUserId` set: only that student's reservation (a student asking
 * about another's gets NOT_FOUND, as for any reservation not theirs).
 */
export async function reservationHistory(
  db: Database,
  reservationId: number,
  ownerUserId?: number,
): Promise<HistoryEntry[]> {
  const [row] = await db
    .select({ userId: reservations.userId })
    .from(reservations)
    .where(eq(reservations.id, reservationId))
    .limit(1);
  if (!row || (ownerUserId !== undefined && row.userId !== ownerUserId)) {
    throw new NotFound(`Reservation ${reservationId} not found`);
  }
  return entityHistory(db, "reservation", reservationId);
}
