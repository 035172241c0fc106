import { type ApiDeps, parseLibraryTime, type RouterOutputs } from "@dlsms/api";
import { dateTime, joinWaitlistInput } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { callerFor, type RestEnv, requireUser } from "./context";
import { idParam } from "./params";
import { errorResponse, jsonBody } from "./schemas";

const secured = { security: [{ bearer: [] }], middleware: requireUser };
const { seatId, branch, hasPower, hasMonitor } = joinWaitlistInput.shape;

const JoinBody = z
  .object({
    seat_id: seatId,
    branch,
    has_power: hasPower,
    has_monitor: hasMonitor,
    desired_time: dateTime("desired_time").openapi({ description: "Start of the wanted window" }),
    desired_end: dateTime("desired_end")
      .optional()
      .openapi({ description: "End of the wanted window (default desired_time + 1 h)" }),
  })
  .openapi("JoinWaitlistRequest", {
    example: { branch: "Main Library", has_power: true, desired_time: "2025-10-11T14:00:00" },
  });

const Entry = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    seat_id: z.number().int().nullable(),
    branch: z.string(),
    seat_branch: z.string().nullable().openapi({ description: "The seat's branch, for seat entries" }),
    has_power: z.boolean().nullable(),
    has_monitor: z.boolean().nullable(),
    desired_time: z.string().openapi({ format: "date-time" }),
    desired_end: z.string().openapi({ format: "date-time" }),
    status: z.enum(["WAITING", "OFFERED", "FULFILLED", "LEFT", "DECLINED", "EXPIRED"]).or(z.string()),
    created_at: z.string().openapi({ format: "date-time" }),
    offer: z
      .object({ reservation_id: z.number().int(), expires_at: z.string().nullable() })
      .nullable()
      .openapi({ description: "An open offer: claim or decline it at /reservations/{id}/claim|decline" }),
  })
  .openapi("WaitlistEntry");

const errors = {
  400: errorResponse("Invalid input or a waitlist rule says no"),
  401: errorResponse("Missing, expired or invalid token"),
  404: errorResponse("No such entry of yours"),
};

const join = createRoute({
  method: "post",
  path: "/waitlist",
  tags: ["waitlist"],
  summary: "Wait for a seat, or any seat of a branch, for a time window",
  ...secured,
  request: { body: { ...jsonBody(JoinBody, "What to wait for"), required: true } },
  responses: {
    201: jsonBody(Entry, "On the waitlist"),
    ...errors,
    403: errorResponse("Booking is suspended (no-show strikes) until the date the message gives"),
    404: errorResponse("Seat or branch not found"),
    413: errorResponse("Body too large"),
    415: errorResponse("Body is not JSON"),
  },
});

const mine = createRoute({
  method: "get",
  path: "/waitlist/mine",
  tags: ["waitlist"],
  summary: "Your waitlist entries, newest first",
  ...secured,
  responses: {
    200: jsonBody(z.object({ waitlist: z.array(Entry), count: z.number().int() }), "Your entries"),
    401: errors[401],
  },
});

const leave = createRoute({
  method: "delete",
  path: "/waitlist/{id}",
  tags: ["waitlist"],
  summary: "Leave a waitlist (an open offer on it is passed on)",
  ...secured,
  request: { params: idParam() },
  responses: {
    200: jsonBody(z.object({ id: z.number().int(), message: z.string() }), "Removed"),
    ...errors,
  },
});

type EntryView = RouterOutputs["waitlist"]["mine"][number];

function toEntry(e: EntryView, userId: number): z.infer<typeof Entry> {
  return {
    id: e.id,
    user_id: userId,
    seat_id: e.seatId,
    branch: e.branch,
    seat_branch: e.seatId ? e.branch : null,
    has_power: e.hasPower,
    has_monitor: e.hasMonitor,
    desired_time: e.desiredStart,
    desired_end: e.desiredEnd,
    status: e.status,
    created_at: e.createdAt,
    offer: e.offer ? { reservation_id: e.offer.reservationId, expires_at: e.offer.expiresAt } : null,
  };
}

const HOUR_MS = 3_600_000;

export function registerWaitlistRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(join, async (c) => {
    const body = c.req.valid("json");
    // The original stored one instant; a window is [desired_time, desired_time + 1 h) unless given.
    const desiredEnd =
      body.desired_end ??
      new Date(
        parseLibraryTime(body.desired_time, deps.config.rules.libraryTimezone, "desired_time").getTime() +
          HOUR_MS,
      ).toISOString();
    const entry = await callerFor(deps, c).waitlist.join({
      seatId: body.seat_id,
      branch: body.branch,
      hasPower: body.has_power,
      hasMonitor: body.has_monitor,
      desiredStart: body.desired_time,
      desiredEnd,
    });
    return c.json(toEntry(entry, c.get("session").user?.id ?? 0), 201);
  });

  // Registered before /{id}: "mine" is not an id.
  app.openapi(mine, async (c) => {
    const entries = await callerFor(deps, c).waitlist.mine();
    const userId = c.get("session").user?.id ?? 0;
    return c.json({ waitlist: entries.map((e) => toEntry(e, userId)), count: entries.length }, 200);
  });

  app.openapi(leave, async (c) => {
    const { id } = c.req.valid("param");
    await callerFor(deps, c).waitlist.leave({ id });
    return c.json({ id, message: "Removed from waitlist" }, 200);
  });
}
