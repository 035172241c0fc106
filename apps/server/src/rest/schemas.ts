import type { ReservationView, RouterOutputs } from "@dlsms/api";
import { z } from "@hono/zod-openapi";
import { originalStatus } from "../original-status";

/**
 * The original's snake_case wire shapes (seed contract §1) and the mappers from the
 * procedures' camelCase outputs. Fields may be added, never renamed.
 */

export const ErrorBody = z
  .object({ error: z.string().openapi({ example: "Seat not found" }) })
  .openapi("Error");

/** A 409: when someone else holds the seat, free seats for the same window, nearest first. */
export const ConflictBody = ErrorBody.extend({
  suggestions: z
    .array(
      z.object({
        seat_id: z.number().int(),
        seat_code: z.string().openapi({ example: "ML-003" }),
        branch: z.string(),
        area: z.string(),
      }),
    )
    .optional(),
}).openapi("ConflictError");

const timestamp = (example: string) =>
  z.string().openapi({ format: "date-time", example, description: "ISO 8601, UTC" });

export const ResvRow = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    seat_id: z.number().int(),
    start_time: timestamp("2025-10-11T14:00:00.000Z"),
    end_time: timestamp("2025-10-11T16:00:00.000Z"),
    status: z.string().openapi({ example: "CONFIRMED" }),
    created_at: timestamp("2025-10-11T09:12:00.000Z"),
    checked_in_at: timestamp("2025-10-11T14:03:00.000Z").nullable(),
    expires_at: timestamp("2025-10-11T09:22:00.000Z")
      .nullable()
      .openapi({ description: "When a waitlist offer (status HELD) lapses; null otherwise" }),
    series_id: z.number().int().nullable().openapi({
      description: "The weekly series this reservation is one week of; null for a single booking",
    }),
  })
  .openapi("Reservation");

const seatFields = {
  branch: z.string(),
  area: z.string(),
  has_power: z.boolean(),
  has_monitor: z.boolean(),
};

export const ResvWithSeat = ResvRow.extend(seatFields).openapi("ReservationWithSeat");
export const ResvDetail = ResvWithSeat.extend({ student_id: z.string(), user_name: z.string() }).openapi(
  "ReservationDetail",
);

export const Seat = z
  .object({
    id: z.number().int(),
    code: z.string().openapi({ example: "ML-001" }),
    ...seatFields,
    status: z.enum(["AVAILABLE", "MAINTENANCE"]),
    is_available: z.boolean(),
  })
  .openapi("Seat");

/** A busy interval; other students' identities are never shown. */
export const Busy = z
  .object({
    start_time: timestamp("2025-10-11T14:00:00.000Z"),
    end_time: timestamp("2025-10-11T16:00:00.000Z"),
    mine: z.boolean().openapi({ description: "True when it is your own reservation" }),
  })
  .openapi("BusyInterval");

export const Branch = z
  .object({
    branch: z.string().openapi({ example: "Main Library" }),
    total_seats: z.number().int(),
    power_seats: z.number().int(),
    monitor_seats: z.number().int(),
    available_now: z.number().int(),
    opening_hours: z
      .array(
        z.object({
          day: z.number().int().openapi({ description: "ISO weekday: 1 Monday … 7 Sunday", example: 1 }),
          open: z.string().openapi({ example: "08:00" }),
          close: z.string().openapi({ example: "20:00" }),
        }),
      )
      .nullable()
      .openapi({ description: "The week as set, in the library's time zone; null: open around the clock" }),
    closures: z
      .array(z.object({ date: z.string().openapi({ example: "2026-12-25" }), reason: z.string() }))
      .openapi({ description: "Closed days from today on" }),
    open_now: z.boolean(),
  })
  .openapi("Branch");

export const LoginResponse = z
  .object({
    token: z.string(),
    user_id: z.number().int(),
    student_id: z.string(),
    name: z.string(),
    role: z.enum(["student", "admin"]),
    expires_at: timestamp("2025-10-12T09:12:00.000Z"),
  })
  .openapi("Session");

type SeatView = RouterOutputs["seats"]["list"][number];
type MyReservation = RouterOutputs["reservations"]["mine"][number];
type BranchView = RouterOutputs["branches"]["list"][number];
type Session = RouterOutputs["auth"]["login"];
type BusyView = RouterOutputs["seats"]["availability"]["busy"][number];

export function toResvRow(r: ReservationView): z.infer<typeof ResvRow> {
  return {
    id: r.id,
    user_id: r.userId,
    seat_id: r.seatId,
    start_time: r.startTime,
    end_time: r.endTime,
    status: originalStatus(r.status),
    created_at: r.createdAt,
    checked_in_at: r.checkedInAt,
    expires_at: r.expiresAt,
    series_id: r.seriesId,
  };
}

export function toResvWithSeat(r: MyReservation): z.infer<typeof ResvWithSeat> {
  return {
    ...toResvRow(r),
    branch: r.branch,
    area: r.area,
    has_power: r.hasPower,
    has_monitor: r.hasMonitor,
  };
}

export function toSeat(s: SeatView): z.infer<typeof Seat> {
  return {
    id: s.id,
    code: s.code,
    branch: s.branch,
    area: s.area,
    has_power: s.hasPower,
    has_monitor: s.hasMonitor,
    // The original's column said AVAILABLE for a bookable seat; ours says ACTIVE.
    status: s.status === "ACTIVE" ? "AVAILABLE" : "MAINTENANCE",
    is_available: s.available,
  };
}

export function toBusy(b: BusyView): z.infer<typeof Busy> {
  return { start_time: b.startTime, end_time: b.endTime, mine: b.mine };
}

export function toBranch(b: BranchView): z.infer<typeof Branch> {
  return {
    branch: b.name,
    total_seats: b.seatCount,
    power_seats: b.powerSeats,
    monitor_seats: b.monitorSeats,
    available_now: b.availableNow,
    opening_hours: b.openingHours,
    closures: b.closures,
    open_now: b.openNow,
  };
}

export function toSession(s: Session): z.infer<typeof LoginResponse> {
  return {
    token: s.token,
    user_id: s.user.id,
    student_id: s.user.studentId,
    name: s.user.name,
    role: s.user.role,
    expires_at: s.expiresAt,
  };
}

/** Error responses every protected route can give, for the OpenAPI document. */
export const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorBody } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
