import { branches, type Database, type MailOutboxRow, reservations, rowsOf, seats, users } from "@dlsms/db";
import { eq, sql } from "drizzle-orm";
import type { MailContext } from "../mail/render";

/** A claimed row: the worker owns it until `leaseUntil`, and only while `attempts` is unchanged. */
export type ClaimedMail = Pick<
  MailOutboxRow,
  "id" | "userId" | "kind" | "payload" | "attempts" | "sendBefore"
>;

/**
 * Leases up to `limit` due mails for `leaseSeconds`. FOR UPDATE SKIP LOCKED keeps instances that
 * claim at once apart; the lease keeps the row theirs after this statement commits, and a lease
 * left by a crashed instance lapses, so its mails go out after all. `attempts` counts claims and
 * is the lease's token: a worker whose lease lapsed and was taken over cannot mark the row.
 */
export async function claimDueMail(
  db: Database,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedMail[]> {
  const rows = rowsOf<{
    id: string | number;
    userId: number;
    kind: string;
    payload: Record<string, unknown>;
    attempts: number;
    sendBefore: string | Date;
  }>(
    await db.execute(sql`
      update mail_outbox m
      set lease_until = now() + make_interval(secs => ${leaseSeconds}), attempts = m.attempts + 1
      where m.id in (
        select id from mail_outbox
        where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until <= now())
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked)
      returning m.id, m.user_id as "userId", m.kind, m.payload, m.attempts, m.send_before as "sendBefore"`),
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), sendBefore: new Date(r.sendBefore) }));
}

/** What the templates need, read now; null when the student no longer wants (or can get) mail. */
export async function loadMailContext(
  db: Database,
  mail: ClaimedMail,
): Promise<{ to: string; context: MailContext } | null> {
  const [user] = await db
    .select({ name: users.name, email: users.email, on: users.emailNotifications })
    .from(users)
    .where(eq(users.id, mail.userId));
  if (!user?.email || !user.on) return null;
  const reservationId = Number(mail.payload.reservationId);
  const [reservation] = Number.isInteger(reservationId)
    ? await db
        .select({
          id: reservations.id,
          status: reservations.status,
          startTime: reservations.startTime,
          endTime: reservations.endTime,
          expiresAt: reservations.expiresAt,
          seatId: reservations.seatId,
        })
        .from(reservations)
        .where(eq(reservations.id, reservationId))
    : [];
  const seatId = reservation?.seatId ?? Number(mail.payload.seatId);
  const [seat] = Number.isInteger(seatId)
    ? await db
        .select({ code: seats.code, area: seats.area, branch: branches.name })
        .from(seats)
        .innerJoin(branches, eq(branches.id, seats.branchId))
        .where(eq(seats.id, seatId))
    : [];
  return {
    to: user.email,
    context: {
      kind: mail.kind,
      payload: mail.payload,
      recipientName: user.name,
      reservation: reservation ?? null,
      seat: seat ?? null,
    },
  };
}

/** Ends a claimed row: sent, skipped (nothing to send) or failed (gave up). */
export async function finishMail(
  db: Database,
  mail: ClaimedMail,
  status: "sent" | "skipped" | "failed",
  error?: string,
): Promise<boolean> {
  const rows = await db.execute(sql`
    update mail_outbox set status = ${status}, finished_at = now(), lease_until = null,
      last_error = coalesce(${error ?? null}, last_error)
    where id = ${mail.id} and attempts = ${mail.attempts} and status = 'pending'
    returning id`);
  return rowsOf(rows).length === 1;
}

/** A failed send: try again after `delaySeconds`, or give up once the mail would arrive too late. */
export async function retryMail(
  db: Database,
  mail: ClaimedMail,
  error: string,
  delaySeconds: number,
): Promise<void> {
  await db.execute(sql`
    update mail_outbox
    set lease_until = null, last_error = ${error},
      next_attempt_at = now() + make_interval(secs => ${delaySeconds}),
      status = case when now() + make_interval(secs => ${delaySeconds}) > send_before then 'failed' else status end,
      finished_at = case when now() + make_interval(secs => ${delaySeconds}) > send_before then now() end
    where id = ${mail.id} and attempts = ${mail.attempts} and status = 'pending'`);
}

/**
 * Housekeeping, with or without a transport: pending mails past their send-by time fail (a day-old
 * reminder helps nobody), and finished rows older than `keepDays` are deleted.
 */
export async function tidyOutbox(db: Database, keepDays: number): Promise<void> {
  await db.execute(sql`
    update mail_outbox set status = 'failed', finished_at = now(), lease_until = null,
      last_error = coalesce(last_error, 'not sent before its send-by time')
    where status = 'pending' and send_before < now() and (lease_until is null or lease_until <= now())`);
  await db.execute(
    sql`delete from mail_outbox where finished_at < now() - make_interval(days => ${keepDays})`,
  );
}

/** Mails queued and not yet sent (the outbox depth). */
export async function pendingMailCount(db: Database): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(sql`select count(*)::int as n from mail_outbox where status = 'pending'`),
  );
  return Number(row?.n ?? 0);
}
