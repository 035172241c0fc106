import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  timestamp,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * Statuses that hold a seat. The EXCLUDE constraints (custom migration) use exactly this set.
 * AWAY: checked in and on a short break (issue 21); the seat stays the student's until it ends.
 */
export const ACTIVE_RESERVATION_STATUSES = ["HELD", "CONFIRMED", "CHECKED_IN", "AWAY"] as const;
/**
 * No reservation lasts longer than this (a CHECK constraint). Availability queries rely on it:
 * a reservation overlapping [from, to) must start after `from` minus this bound, so they scan a
 * bounded slice of a branch's reservations in start order instead of probing every seat.
 * Booking rules (MAX_DURATION_MINUTES) stay well below it.
 */
export const MAX_RESERVATION_HOURS = 24;

export const RESERVATION_STATUSES = [
  ...ACTIVE_RESERVATION_STATUSES,
  "COMPLETED",
  "CANCELLED",
  "NO_SHOW",
  "EXPIRED",
] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** RETIRED: taken out of the catalogue for good; the row stays so its past reservations keep their seat. */
export const SEAT_STATUSES = ["ACTIVE", "MAINTENANCE", "RETIRED"] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

export const USER_ROLES = ["student", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** WAITING → OFFERED (a HELD reservation exists) → FULFILLED (claimed) | DECLINED | EXPIRED (offer lapsed); LEFT. */
export const WAITLIST_STATUSES = ["WAITING", "OFFERED", "FULFILLED", "DECLINED", "EXPIRED", "LEFT"] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

export const NOTIFICATION_TYPES = [
  "OFFER",
  "OFFER_EXPIRED",
  "NO_SHOW",
  "CHECK_IN_REMINDER",
  "RESERVATION_CANCELLED",
  "SEAT_AVAILABLE",
  "RESERVATION_BOOKED",
  /** Enough no-show strikes: booking is suspended until the payload's `suspendedUntil`. */
  "SUSPENDED",
  "AWAY_REMINDER",
  "AWAY_ENDED",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  studentId: varchar("student_id", { length: 50 }).notNull().unique(),
  /** Null for students who sign in only with their campus account (OpenID Connect). */
  passwordHash: varchar("password_hash", { length: 255 }),
  name: varchar("name", { length: 100 }).notNull(),
  role: varchar("role", { length: 20, enum: USER_ROLES }).notNull().default("student"),
  createdAt: tstz("created_at").notNull().defaultNow(),
  /** Booking is refused until then (no-show strikes, migration 0013); null or past = not suspended. */
  suspendedUntil: tstz("suspended_until"),
  /** Optional: where mails go (migration 0016); null → no mail. */
  email: varchar("email", { length: 254 }),
  /** The student's choice: false → nothing is queued for them in mail_outbox. */
  emailNotifications: boolean("email_notifications").notNull().default(true),
});

export const branches = pgTable("branches", {
  id: serial("id").primaryKey(),
  name: varchar("name", { length: 100 }).notNull().unique(),
  code: varchar("code", { length: 10 }).notNull().unique(),
  /** False until staff set the branch's week: until then it is open around the clock (the original's behaviour). */
  hoursSet: boolean("hours_set").notNull().default(false),
});

/**
 * A branch's weekly opening hours in LIBRARY_TIMEZONE, one row per opening stretch of a day. Once
 * the branch's hours are set (branches.hours_set), a day without rows is closed.
 */
export const branchOpeningHours = pgTable(
  "branch_opening_hours",
  {
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    /** ISO weekday: 1 Monday … 7 Sunday. */
    day: smallint("day").notNull(),
    /** Minutes after local midnight; close may be 1440 ("24:00"). */
    openMinute: smallint("open_minute").notNull(),
    closeMinute: smallint("close_minute").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.branchId, t.day, t.openMinute] }),
    check("branch_opening_hours_day_check", sql`${t.day} between 1 and 7`),
    check(
      "branch_opening_hours_minutes_check",
      sql`${t.openMinute} >= 0 and ${t.closeMinute} <= 1440 and ${t.openMinute} < ${t.closeMinute}`,
    ),
  ],
);

/** A whole local day (LIBRARY_TIMEZONE) on which a branch is closed, with the reason students are told. */
export const branchClosures = pgTable(
  "branch_closures",
  {
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    date: date("date", { mode: "string" }).notNull(),
    reason: varchar("reason", { length: 300 }).notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.date] })],
);

export const seats = pgTable(
  "seats",
  {
    id: serial("id").primaryKey(),
    code: varchar("code", { length: 20 }).notNull().unique(),
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    area: varchar("area", { length: 100 }).notNull(),
    hasPower: boolean("has_power").notNull().default(false),
    hasMonitor: boolean("has_monitor").notNull().default(false),
    status: varchar("status", { length: 20, enum: SEAT_STATUSES }).notNull().default("ACTIVE"),
    /** When a maintenance closure ends by itself (the sweeper reopens the seat); null: until reopened. */
    maintenanceUntil: tstz("maintenance_until"),
    /** Why staff closed the seat, as told to the students whose bookings it cancelled. */
    maintenanceReason: varchar("maintenance_reason", { length: 300 }),
    /** When staff retired the seat (status RETIRED), and why, as told to the students it cancelled. */
    retiredAt: tstz("retired_at"),
    retiredReason: varchar("retired_reason", { length: 300 }),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("seats_branch_area_idx").on(t.branchId, t.area),
    check("seats_status_check", sql`${t.status} in ('ACTIVE', 'MAINTENANCE', 'RETIRED')`),
    check("seats_retired_check", sql`(${t.status} = 'RETIRED') = (${t.retiredAt} is not null)`),
  ],
);

/**
 * A weekly series: the same seat and times booked every week, all or nothing (book_series in
 * migration 0014). Its weeks are ordinary reservations naming it; it counts as one booking
 * toward MAX_UPCOMING_RESERVATIONS.
 */
export const reservationSeries = pgTable(
  "reservation_series",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    weeks: smallint("weeks").notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("reservation_series_user_idx").on(t.userId),
    check("reservation_series_weeks_check", sql`${t.weeks} >= 2`),
  ],
);

export const reservations = pgTable(
  "reservations",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    seatId: integer("seat_id")
      .notNull()
      .references(() => seats.id, { onDelete: "cascade" }),
    /**
     * The seat's branch, copied so availability can read one branch's reservations in start
     * order. Filled by a trigger from seat_id on every insert and seat change, kept equal to
     * the seat's by a composite foreign key, NOT NULL in the database (migration 0004); optional
     * here only so inserts may leave it to the trigger.
     */
    branchId: integer("branch_id"),
    startTime: tstz("start_time").notNull(),
    endTime: tstz("end_time").notNull(),
    status: varchar("status", { length: 20, enum: RESERVATION_STATUSES }).notNull().default("CONFIRMED"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    checkedInAt: tstz("checked_in_at"),
    /** Set only for HELD reservations (waitlist offers): when the offer lapses. */
    expiresAt: tstz("expires_at"),
    /** Set when a reminder notification was sent, so the sweeper sends one at most. */
    remindedAt: tstz("reminded_at"),
    /** Set only while AWAY (on a break): when the break runs out and the sweeper ends the reservation. */
    awayUntil: tstz("away_until"),
    /** Breaks taken so far (at most AWAY_BREAKS). */
    awayBreaks: smallint("away_breaks").notNull().default(0),
    /** Set when the current break's "5 minutes left" reminder was sent; cleared by each new break. */
    awayRemindedAt: tstz("away_reminded_at"),
    /** The weekly series this reservation is one week of; null for a booking on its own. */
    seriesId: integer("series_id").references(() => reservationSeries.id, { onDelete: "cascade" }),
  },
  (t) => [
    check("reservations_end_after_start", sql`${t.endTime} > ${t.startTime}`),
    check(
      "reservations_at_most_a_day",
      sql`${t.endTime} - ${t.startTime} <= interval '${sql.raw(String(MAX_RESERVATION_HOURS))} hours'`,
    ),
    check(
      "reservations_status_check",
      sql`${t.status} in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED')`,
    ),
    check("reservations_away_check", sql`${t.status} <> 'AWAY' or ${t.awayUntil} is not null`),
    // Btree indexes for the hot queries; the gist indexes behind the EXCLUDE constraints
    // live in the custom migration.
    // AWAY (migration 0012) is active too: book_seat names it (migration 0014).
    index("reservations_active_seat_time_idx")
      .on(t.seatId, t.startTime, t.endTime)
      .where(sql`${t.status} in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY')`),
    index("reservations_user_start_idx").on(t.userId, t.startTime),
    // A student's active reservations: the booking's upcoming count reads it without touching
    // the table (index-only); "mine (upcoming)" finds its rows through it.
    // series_id too: counting a series as one (migration 0014) stays index-only.
    index("reservations_user_active_idx")
      .on(t.userId, t.startTime, t.endTime, t.seriesId)
      .where(sql`${t.status} in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY')`),
    index("reservations_series_idx").on(t.seriesId, t.startTime).where(sql`${t.seriesId} is not null`),
    index("reservations_sweep_idx")
      .on(t.status, t.startTime)
      .where(sql`${t.status} in ('HELD', 'CONFIRMED', 'CHECKED_IN', 'AWAY')`),
    index("reservations_away_until_idx").on(t.awayUntil).where(sql`${t.status} = 'AWAY'`),
  ],
);

export const waitlist = pgTable(
  "waitlist",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    seatId: integer("seat_id").references(() => seats.id, { onDelete: "cascade" }),
    branchId: integer("branch_id").references(() => branches.id, { onDelete: "cascade" }),
    hasPower: boolean("has_power"),
    hasMonitor: boolean("has_monitor"),
    desiredStart: tstz("desired_start").notNull(),
    desiredEnd: tstz("desired_end").notNull(),
    status: varchar("status", { length: 20, enum: WAITLIST_STATUSES }).notNull().default("WAITING"),
    /** The HELD reservation currently offered to this entry, if any. */
    offerReservationId: integer("offer_reservation_id").references(() => reservations.id, {
      onDelete: "set null",
    }),
    notifiedAt: tstz("notified_at"),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    check("waitlist_target_check", sql`(${t.seatId} is null) <> (${t.branchId} is null)`),
    check("waitlist_window_check", sql`${t.desiredEnd} > ${t.desiredStart}`),
    index("waitlist_waiting_idx").on(t.createdAt, t.id).where(sql`${t.status} = 'WAITING'`),
    index("waitlist_user_idx").on(t.userId),
  ],
);

export const notifications = pgTable(
  "notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: varchar("type", { length: 40, enum: NOTIFICATION_TYPES }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: tstz("created_at").notNull().defaultNow(),
    readAt: tstz("read_at"),
  },
  (t) => [index("notifications_user_id_idx").on(t.userId, t.id)],
);

export type User = typeof users.$inferSelect;
export type Branch = typeof branches.$inferSelect;
export type Seat = typeof seats.$inferSelect;
export type Reservation = typeof reservations.$inferSelect;
export type ReservationSeries = typeof reservationSeries.$inferSelect;
export type WaitlistEntry = typeof waitlist.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
