import type { ApiDeps } from "@dlsms/api";
import { createReservationInput } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { idempotencyKeyOf } from "../idempotency-header";
import { originalStatus } from "../original-status";
import { callerFor, type RestEnv, requireUser } from "./context";
import { flag, idParam } from "./params";
import {
  ConflictBody,
  errorResponse,
  jsonBody,
  ResvDetail,
  ResvRow,
  ResvWithSeat,
  toResvRow,
  toResvWithSeat,
} from "./schemas";

const secured = { security: [{ bearer: [] }], middleware: requireUser };

// Field rules from @dlsms/validators, under the original's key names.
const { seatId, startTime, endTime } = createReservationInput.shape;
const CreateBody = z
  .object({
    seat_id: seatId,
    start_time: startTime,
    end_time: endTime,
  })
  .openapi("CreateReservationRequest", {
    example: { seat_id: 5, start_time: "2025-10-11T14:00:00", end_time: "2025-10-11T16:00:00" },
  });

const IdempotencyKeyHeaders = z.object({
  "idempotency-key": z.string().optional().openapi({
    description:
      "1–200 printable ASCII characters. A repeat with the same key and body within 24 hours returns the first answer without booking again; a different body with it is refused with 422.",
    example: "3f1c2a9e-7b7d-4d5e-9a63-1f0b8c2d4e5f",
  }),
});

const ResvList = z
  .object({ reservations: z.array(ResvWithSeat), count: z.number().int() })
  .openapi("ReservationList");

const statusParam = z
  .string()
  .max(20)
  .optional()
  .openapi({ param: { name: "status", in: "query" }, example: "CONFIRMED", description: "Only this status" });

const errors = {
  400: errorResponse("Invalid input or a booking rule says no (the message says which)"),
  401: errorResponse("Missing, expired or invalid token"),
  404: errorResponse("No such reservation of yours"),
};

const create = createRoute({
  method: "post",
  path: "/reservations",
  tags: ["reservations"],
  summary: "Book a seat for a time window",
  ...secured,
  request: {
    headers: IdempotencyKeyHeaders,
    body: { ...jsonBody(CreateBody, "What to book"), required: true },
  },
  responses: {
    201: jsonBody(ResvRow, "Booked (status CONFIRMED), or the stored answer to a repeated Idempotency-Key"),
    ...errors,
    403: errorResponse("Booking is suspended (no-show strikes) until the date the message gives"),
    404: errorResponse("Seat not found"),
    409: jsonBody(
      ConflictBody,
      "Overlaps another booking; when someone else holds the seat, `suggestions` lists free seats for the window",
    ),
    422: errorResponse("The Idempotency-Key was already used for a different booking"),
    413: errorResponse("Body too large"),
    415: errorResponse("Body is not JSON"),
  },
});

const listOwn = createRoute({
  method: "get",
  path: "/reservations",
  tags: ["reservations"],
  summary: "Your reservations, paged (the original listed everyone's)",
  ...secured,
  request: {
    query: z.object({
      status: statusParam,
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(500)
        .default(100)
        .openapi({ param: { name: "limit", in: "query" } }),
      offset: z.coerce
        .number()
        .int()
        .min(0)
        .default(0)
        .openapi({ param: { name: "offset", in: "query" } }),
    }),
  },
  responses: {
    200: jsonBody(
      ResvList.extend({ limit: z.number().int(), offset: z.number().int() }).openapi("ReservationPage"),
      "Newest first",
    ),
    400: errors[400],
    401: errors[401],
  },
});

const mine = createRoute({
  method: "get",
  path: "/reservations/mine",
  tags: ["reservations"],
  summary: "Your reservations",
  ...secured,
  request: {
    query: z.object({
      status: statusParam,
      upcoming_only: flag("upcoming_only", "Only active reservations that have not ended (default false)"),
    }),
  },
  responses: { 200: jsonBody(ResvList, "Your reservations"), 400: errors[400], 401: errors[401] },
});

const getOne = createRoute({
  method: "get",
  path: "/reservations/{id}",
  tags: ["reservations"],
  summary: "One of your reservations",
  ...secured,
  request: { params: idParam() },
  responses: { 200: jsonBody(ResvDetail, "The reservation"), ...errors },
});

const cancel = createRoute({
  method: "delete",
  path: "/reservations/{id}",
  tags: ["reservations"],
  summary: "Cancel one of your reservations (until start + grace period)",
  ...secured,
  request: { params: idParam() },
  responses: { 200: jsonBody(ResvRow, "Cancelled"), ...errors },
});

const checkIn = createRoute({
  method: "post",
  path: "/reservations/{id}/checkin",
  tags: ["reservations"],
  summary: "Check in (from 15 min before start until start + grace period)",
  ...secured,
  request: { params: idParam() },
  responses: { 200: jsonBody(ResvRow, "Checked in"), ...errors },
});

const release = createRoute({
  method: "post",
  path: "/reservations/{id}/release",
  tags: ["reservations"],
  summary: "Leave early: end a checked-in reservation now and free the seat",
  ...secured,
  request: { params: idParam() },
  responses: { 200: jsonBody(ResvRow, "Completed"), ...errors },
});

const offerAction = (action: "claim" | "decline", summary: string) =>
  createRoute({
    method: "post",
    path: `/reservations/{id}/${action}`,
    tags: ["waitlist"],
    summary,
    ...secured,
    request: { params: idParam() },
    responses: { 200: jsonBody(ResvRow, "The reservation after the action"), ...errors },
  });
const claim = offerAction("claim", "Claim a waitlist offer (a HELD reservation) while it is open");
const decline = offerAction("decline", "Decline a waitlist offer; it passes to the next in line");

const byStatus = (status: string | undefined) => (r: { status: string }) =>
  !status || originalStatus(r.status) === status.trim().toUpperCase();

export function registerReservationRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const idempotencyKey = idempotencyKeyOf({ "idempotency-key": c.req.header("idempotency-key") });
    const r = await callerFor(deps, c, undefined, { idempotencyKey }).reservations.create({
      seatId: body.seat_id,
      startTime: body.start_time,
      endTime: body.end_time,
    });
    return c.json(toResvRow(r), 201);
  });

  app.openapi(listOwn, async (c) => {
    const q = c.req.valid("query");
    const all = (await callerFor(deps, c).reservations.mine({})).filter(byStatus(q.status));
    all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const page = all.slice(q.offset, q.offset + q.limit).map(toResvWithSeat);
    return c.json({ reservations: page, count: page.length, limit: q.limit, offset: q.offset }, 200);
  });

  // Registered before /{id}: the first matching route answers, and "mine" is not an id.
  app.openapi(mine, async (c) => {
    const q = c.req.valid("query");
    const rows = await callerFor(deps, c).reservations.mine({ upcomingOnly: q.upcoming_only ?? false });
    const list = rows.filter(byStatus(q.status)).map(toResvWithSeat);
    return c.json({ reservations: list, count: list.length }, 200);
  });

  app.openapi(getOne, async (c) => {
    const { id } = c.req.valid("param");
    const r = await callerFor(deps, c).reservations.get({ id });
    // Only the owner can read a reservation, so the student is the caller.
    const user = c.get("session").user;
    return c.json(
      { ...toResvWithSeat(r), student_id: user?.studentId ?? "", user_name: user?.name ?? "" },
      200,
    );
  });

  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(toResvRow(await callerFor(deps, c).reservations.cancel({ id })), 200);
  });

  app.openapi(checkIn, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(toResvRow(await callerFor(deps, c).reservations.checkIn({ id })), 200);
  });

  app.openapi(release, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(toResvRow(await callerFor(deps, c).reservations.release({ id })), 200);
  });

  app.openapi(claim, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(toResvRow(await callerFor(deps, c).waitlist.claim({ reservationId: id })), 200);
  });

  app.openapi(decline, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(toResvRow(await callerFor(deps, c).waitlist.decline({ reservationId: id })), 200);
  });
}
