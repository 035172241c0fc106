/**
 * Records kept beside the booking tables: no-show strikes, the audit trail, the mail outbox and
 * idempotency keys. Split from schema.ts by size only; drizzle.config.ts reads both files.
 */
import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  varchar,
} from "drizzle-orm/pg-core";
import { reservations, users } from "./schema";

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * One strike per NO_SHOW reservation, written by the sweeper in the transaction that marks it
 * (the primary key makes a second write impossible). `struckAt` is the reservation's start: the
 * strike's instant for the window and the suspension. A pardon stamps `pardonedAt`.
 */
export const noShowStrikes = pgTable(
  "no_show_strikes",
  {
    reservationId: integer("reservation_id")
      .primaryKey()
      .references(() => reservations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    struckAt: tstz("struck_at").notNull(),
    pardonedAt: tstz("pardoned_at"),
  },
  (t) => [index("no_show_strikes_open_idx").on(t.userId, t.struckAt).where(sql`${t.pardonedAt} is null`)],
);

/**
 * What the audit trail records about reservations. The trigger of migration 0010 writes each in
 * the transaction of the change; catalogue and hours changes use their own action names.
 */
export const RESERVATION_AUDIT_ACTIONS = [
  "created",
  "booked_for",
  "checked_in",
  "cancelled",
  "staff_cancelled",
  "released",
  "no_show",
  "completed",
  "offered",
  "claimed",
  "declined",
  "offer_expired",
  "stepped_away",
  "back",
  "away_ended",
] as const;
export type ReservationAuditAction = (typeof RESERVATION_AUDIT_ACTIONS)[number];

export const AUDIT_ENTITY_TYPES = ["reservation", "seat", "branch", "user"] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/**
 * Append-only (a trigger refuses UPDATE and DELETE): who changed what, when and why, written in
 * the same transaction as the change. No foreign keys: the trail outlives what it describes.
 * `actorUserId` null means the system (the sweeper, an offer made by a freed seat).
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: tstz("at").notNull().defaultNow(),
    entityType: varchar("entity_type", { length: 20, enum: AUDIT_ENTITY_TYPES }).notNull(),
    entityId: integer("entity_id").notNull(),
    action: varchar("action", { length: 40 }).notNull(),
    actorUserId: integer("actor_user_id"),
    reason: text("reason"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("audit_log_entity_idx").on(t.entityType, t.entityId, t.id)],
);

export const MAIL_OUTBOX_STATUSES = ["pending", "sent", "skipped", "failed"] as const;
export type MailOutboxStatus = (typeof MAIL_OUTBOX_STATUSES)[number];

/**
 * Mails waiting to be sent (migration 0016). Triggers queue them in the transaction of their
 * cause (a notification, a confirmed booking); the server's mail worker leases due rows
 * (`leaseUntil`), sends and marks them. `kind` is a notification type or BOOKING_CONFIRMED.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: varchar("kind", { length: 40 }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    status: varchar("status", { length: 20, enum: MAIL_OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    leaseUntil: tstz("lease_until"),
    sendBefore: tstz("send_before").notNull().default(sql`now() + interval '24 hours'`),
    lastError: text("last_error"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    index("mail_outbox_due_idx").on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'pending'`),
    index("mail_outbox_finished_idx").on(t.finishedAt).where(sql`${t.finishedAt} IS NOT NULL`),
  ],
);

/**
 * Retry-safe booking (Idempotency-Key, migration 0015): the first answer to a student's key,
 * for 24 hours. `request` is the booking the key was first used for; `answer` what it got.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: varchar("key", { length: 200 }).notNull(),
    request: text("request").notNull(),
    answer: jsonb("answer").$type<Record<string, unknown>>().notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.key] }),
    index("idempotency_keys_created_at_idx").on(t.createdAt),
  ],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
