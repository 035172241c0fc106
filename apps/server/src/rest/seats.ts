import type { ApiDeps } from "@dlsms/api";
import { type ListingFormat, listingReads, renderedListing } from "@dlsms/api/read-models";
import { seatsListInput } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { callerFor, type RestEnv, requireUser } from "./context";
import { flag, idParam, timeParam } from "./params";
import { Branch, Busy, errorResponse, jsonBody, Seat, toBranch, toBusy, toSeat } from "./schemas";

const secured = { security: [{ bearer: [] }], middleware: requireUser };
const optionalText = (name: string, description: string) =>
  z
    .string()
    .max(100, `${name} is at most 100 characters`)
    .optional()
    .openapi({ param: { name, in: "query" }, description });

const SeatsQuery = z
  .object({
    branch: optionalText("branch", "Exact branch name, e.g. Main Library"),
    area: optionalText("area", "Exact area name, e.g. Silent Study Zone"),
    has_power: flag("has_power", "Only seats with (true) or without (false) power"),
    has_monitor: flag("has_monitor", "Only seats with (true) or without (false) a monitor"),
    available_only: flag("available_only", "Drop seats busy in the window (default true)"),
    start_time: timeParam("start_time", "Window start; give with end_time (default: now)").optional(),
    end_time: timeParam("end_time", "Window end; give with start_time (default: start + 1 h)").optional(),
  })
  .refine((q) => (q.start_time === undefined) === (q.end_time === undefined), {
    message: "Give both start_time and end_time, or neither",
    path: ["end_time"],
  });

const SeatList = z.object({ seats: z.array(Seat), count: z.number().int() }).openapi("SeatList");
const SeatDetail = Seat.extend({ upcoming_reservations: z.array(Busy) }).openapi("SeatDetail");
const Availability = z
  .object({
    seat_id: z.number().int(),
    available: z.boolean(),
    start_time: z.string(),
    end_time: z.string(),
    conflicts: z.array(Busy),
  })
  .openapi("SeatAvailability");
const BranchList = z.object({ branches: z.array(Branch) }).openapi("BranchList");

const common = {
  401: errorResponse("Missing, expired or invalid token"),
  400: errorResponse("Invalid parameter"),
};

const listSeats = createRoute({
  method: "get",
  path: "/seats",
  tags: ["seats"],
  summary: "Find seats, with availability for a window",
  ...secured,
  request: { query: SeatsQuery },
  responses: { 200: jsonBody(SeatList, "Seats sorted by id"), ...common },
});

const getSeat = createRoute({
  method: "get",
  path: "/seats/{id}",
  tags: ["seats"],
  summary: "One seat, free now or not, and its next busy intervals",
  ...secured,
  request: { params: idParam() },
  responses: {
    200: jsonBody(SeatDetail, "The seat"),
    ...common,
    404: errorResponse("Seat not found"),
  },
});

const availability = createRoute({
  method: "get",
  path: "/seats/{id}/availability",
  tags: ["seats"],
  summary: "Is this seat free for a window?",
  ...secured,
  request: {
    params: idParam(),
    query: z.object({
      start_time: timeParam("start_time", "Window start"),
      end_time: timeParam("end_time", "Window end"),
    }),
  },
  responses: {
    200: jsonBody(Availability, "Availability and the busy intervals in the window"),
    ...common,
    404: errorResponse("Seat not found"),
  },
});

const listBranches = createRoute({
  method: "get",
  path: "/branches",
  tags: ["seats"],
  summary: "Branches with seat counts",
  ...secured,
  responses: { 200: jsonBody(BranchList, "Branches ordered by name"), 401: common[401] },
});

type SeatViews = Parameters<typeof seatList>[0];
const seatList = (seats: Parameters<typeof toSeat>[0][]) => ({
  seats: seats.map(toSeat),
  count: seats.length,
});
const REST_SEAT_LIST: ListingFormat<SeatViews> = {
  name: "rest:seats",
  render: (seats) => Buffer.from(JSON.stringify(seatList(seats))),
};

/**
 * A 200 with JSON bytes already rendered in the route's response shape (REST_SEAT_LIST renders
 * `seatList`, the same function the c.json path uses). Hono's route types only know c.json's
 * typed responses, hence `never`.
 */
function storedJson(c: Context<RestEnv>, bytes: Buffer): never {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "content-type": "application/json" }) as never;
}

/** How far ahead /seats/{id} looks for upcoming reservations. */
const UPCOMING_DAYS = 14;
const UPCOMING_LIMIT = 5;

export function registerSeatRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(listSeats, async (c) => {
    const q = c.req.valid("query");
    const input = {
      branch: q.branch || undefined,
      area: q.area || undefined,
      hasPower: q.has_power,
      hasMonitor: q.has_monitor,
      // The original's REST default; tRPC's own default is false.
      availableOnly: q.available_only ?? true,
      startTime: q.start_time,
      endTime: q.end_time,
    };
    // The session is checked (requireUser); with input the procedure would accept, the answer
    // comes from the cached listing's REST rendering, made once per listing copy. Anything
    // else, errors included, goes through the procedure for its error.
    const filters = seatsListInput.safeParse(input);
    if (filters.success) {
      const bytes = await renderedListing(deps, listingReads.seats(deps, filters.data), REST_SEAT_LIST).catch(
        () => undefined,
      );
      if (bytes) return storedJson(c, bytes);
    }
    const seats = await callerFor(deps, c).seats.list(input);
    return c.json(seatList(seats), 200);
  });

  app.openapi(getSeat, async (c) => {
    const { id } = c.req.valid("param");
    const caller = callerFor(deps, c);
    const seat = await caller.seats.get({ id });
    const now = new Date();
    const ahead = await caller.seats.availability({
      seatId: id,
      from: now.toISOString(),
      to: new Date(now.getTime() + UPCOMING_DAYS * 86_400_000).toISOString(),
    });
    return c.json(
      { ...toSeat(seat), upcoming_reservations: ahead.busy.slice(0, UPCOMING_LIMIT).map(toBusy) },
      200,
    );
  });

  app.openapi(availability, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const result = await callerFor(deps, c).seats.availability({
      seatId: id,
      from: q.start_time,
      to: q.end_time,
    });
    return c.json(
      {
        seat_id: result.seatId,
        available: result.available,
        start_time: result.from,
        end_time: result.to,
        conflicts: result.busy.map(toBusy),
      },
      200,
    );
  });

  app.openapi(listBranches, async (c) => {
    const branches = await callerFor(deps, c).branches.list();
    return c.json({ branches: branches.map(toBranch) }, 200);
  });
}
