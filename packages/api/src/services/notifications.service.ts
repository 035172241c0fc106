import { type Database, type NotificationType, notifications } from "@dlsms/db";
import { and, asc, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import { type NotificationView, toNotificationView } from "./views";

/** Writes a notification row in the caller's transaction; publish it after commit (Effects). */
export async function createNotification(
  tx: Database,
  userId: number,
  type: NotificationType,
  payload: Record<string, unknown>,
): Promise<NotificationView> {
  const [row] = await tx.insert(notifications).values({ userId, type, payload }).returning();
  if (!row) throw new Error("notification insert returned no row");
  return toNotificationView(row);
}

export async function listNotifications(
  db: Database,
  userId: number,
  unreadOnly: boolean,
): Promise<NotificationView[]> {
  const rows = await db
    .select()
    .from(notifications)
    .where(
      unreadOnly
        ? and(eq(notifications.userId, userId), isNull(notifications.readAt))
        : eq(notifications.userId, userId),
    )
    .orderBy(desc(notifications.id))
    .limit(100);
  return rows.map(toNotificationView);
}

/** Marks the caller's own notifications read; ids of others are silently ignored. */
export async function markRead(db: Database, userId: number, ids: number[]): Promise<{ updated: number }> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(
      and(eq(notifications.userId, userId), inArray(notifications.id, ids), isNull(notifications.readAt)),
    )
    .returning({ id: notifications.id });
  return { updated: rows.length };
}

/** Everything after `afterId`, oldest first: what a reconnecting subscriber missed. */
export async function notificationsAfter(
  db: Database,
  userId: number,
  afterId: number,
  limit = 500,
): Promise<NotificationView[]> {
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), gt(notifications.id, afterId)))
    .orderBy(asc(notifications.id))
    .limit(limit);
  return rows.map(toNotificationView);
}
