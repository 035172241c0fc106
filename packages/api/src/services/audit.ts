import { type AuditEntityType, auditLog, type Database, type ReservationAuditAction } from "@dlsms/db";
import { sql } from "drizzle-orm";

/**
 * The audit trail's writers. Reservation changes are written by the database itself (migration
 * 0010's trigger), in the statement that makes them; the code only says who acts when that is
 * not the reservation's owner or the system (`actingAs`). Catalogue and hours changes are
 * written here (`recordChange`), in the caller's transaction.
 */

/** The reservation actions a transaction can claim for its actor; the trigger infers the rest. */
export type ActingAction = Extract<ReservationAuditAction, "booked_for" | "staff_cancelled" | "released">;

/**
 * Tells the trigger that the reservation changes of this transaction which `action` names are
 * made by `actorUserId` (with `reason`). Must run inside a transaction: the settings are
 * transaction-local, gone at commit or rollback, so they never leak to the next user of the
 * pooled connection.
 */
export async function actingAs(
  tx: Database,
  change: { action: ActingAction; actorUserId: number; reason?: string | null | undefined },
): Promise<void> {
  await tx.execute(
    sql`select set_config('dlsms.audit_action', ${change.action}, true), set_config('dlsms.audit_actor', ${String(change.actorUserId)}, true), set_config('dlsms.audit_reason', ${change.reason ?? ""}, true)`,
  );
}

export interface ChangeRecord {
  entityType: AuditEntityType;
  entityId: number;
  /** What happened, e.g. seat_created, seat_updated, maintenance_started, hours_set, closure_added. */
  action: string;
  /** The staff member (or student) who made it; null for the system (the sweeper). */
  actorUserId: number | null;
  reason?: string | null | undefined;
  /** What changed (new values, dates…), as the trail should show it. */
  details?: Record<string, unknown>;
}

/** Writes one entry in the caller's transaction: call it in the transaction of the change. */
export async function recordChange(tx: Database, change: ChangeRecord): Promise<void> {
  await tx.insert(auditLog).values({
    entityType: change.entityType,
    entityId: change.entityId,
    action: change.action,
    actorUserId: change.actorUserId,
    reason: change.reason ?? null,
    details: change.details ?? {},
  });
}
