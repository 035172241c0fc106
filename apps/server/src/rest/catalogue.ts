import type { ApiDeps } from "@dlsms/api";
import {
  createBranchInput,
  createSeatInput,
  renameBranchInput,
  retireSeatInput,
  updateSeatInput,
} from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { originalStatus } from "../original-status";
import { callerFor, type RestEnv, requireUser } from "./context";
import { idParam } from "./params";
import { errorResponse, jsonBody } from "./schemas";

// Staff's catalogue editing over REST: the admin procedures, so the staff check (403 for a
// student) and every rule are theirs; these routes only map snake_case.
const secured = { security: [{ bearer: [] }], middleware: requireUser };

const errors = {
  400: errorResponse("Invalid input (the message says which field)"),
  401: errorResponse("Missing, expired or invalid token"),
  403: errorResponse("Staff only"),
};

const BranchRow = z
  .object({ id: z.number().int(), name: z.string(), code: z.string() })
  .openapi("CatalogueBranch", { example: { id: 4, name: "Law Library", code: "LL" } });

const SeatRow = z
  .object({
    id: z.number().int(),
    code: z.string(),
    branch_id: z.number().int(),
    area: z.string(),
    has_power: z.boolean(),
    has_monitor: z.boolean(),
    status: z.enum(["ACTIVE", "MAINTENANCE", "RETIRED"]),
  })
  .openapi("CatalogueSeat");

const Retirement = z
  .object({
    seat_id: z.number().int(),
    seat_code: z.string(),
    status: z.literal("RETIRED"),
    retired_at: z.string().openapi({ format: "date-time" }),
    reason: z.string(),
    cancelled: z.number().int().openapi({ description: "Bookings cancelled, each student notified" }),
    waitlist_entries: z.number().int().openapi({ description: "Waitlist entries for the seat ended" }),
  })
  .openapi("SeatRetirement");

const RetirePreview = z
  .object({
    seat_id: z.number().int(),
    seat_code: z.string(),
    cancelled: z.number().int(),
    waitlist_entries: z.number().int(),
    reservations: z.array(
      z.object({
        id: z.number().int(),
        student_id: z.string(),
        user_name: z.string(),
        status: z.string(),
        start_time: z.string().openapi({ format: "date-time" }),
        end_time: z.string().openapi({ format: "date-time" }),
      }),
    ),
  })
  .openapi("SeatRetirePreview");

const createBranch = createRoute({
  method: "post",
  path: "/admin/branches",
  tags: ["admin"],
  summary: "Create a branch (staff)",
  ...secured,
  request: { body: { ...jsonBody(createBranchInput, "Name and code"), required: true } },
  responses: {
    201: jsonBody(BranchRow, "Created"),
    ...errors,
    409: errorResponse("The name or code is taken"),
  },
});

const renameBranch = createRoute({
  method: "patch",
  path: "/admin/branches/{id}",
  tags: ["admin"],
  summary: "Rename a branch (staff)",
  ...secured,
  request: {
    params: idParam(),
    body: { ...jsonBody(z.object({ name: renameBranchInput.shape.name }), "The new name"), required: true },
  },
  responses: {
    200: jsonBody(BranchRow, "Renamed"),
    ...errors,
    404: errorResponse("No such branch"),
    409: errorResponse("The name is taken"),
  },
});

const { branch, area, hasPower, hasMonitor, code } = createSeatInput.shape;
const createSeat = createRoute({
  method: "post",
  path: "/admin/seats",
  tags: ["admin"],
  summary: "Add a seat to a branch (staff)",
  ...secured,
  request: {
    body: {
      ...jsonBody(
        z.object({ branch, area, has_power: hasPower, has_monitor: hasMonitor, code }),
        "Without code, the branch's next number",
      ),
      required: true,
    },
  },
  responses: {
    201: jsonBody(SeatRow, "Created"),
    ...errors,
    404: errorResponse("No such branch"),
    409: errorResponse("The code is taken"),
  },
});

const edits = updateSeatInput.shape;
const updateSeat = createRoute({
  method: "patch",
  path: "/admin/seats/{id}",
  tags: ["admin"],
  summary: "Edit a seat's code, area or amenities (staff)",
  ...secured,
  request: {
    params: idParam(),
    body: {
      ...jsonBody(
        z.object({
          code: edits.code,
          area: edits.area,
          has_power: edits.hasPower,
          has_monitor: edits.hasMonitor,
        }),
        "Only the fields to change",
      ),
      required: true,
    },
  },
  responses: {
    200: jsonBody(SeatRow, "Saved"),
    ...errors,
    404: errorResponse("No such seat, or it is retired"),
    409: errorResponse("The code is taken"),
  },
});

const retirePreview = createRoute({
  method: "get",
  path: "/admin/seats/{id}/retire",
  tags: ["admin"],
  summary: "What retiring a seat would cancel (staff); changes nothing",
  ...secured,
  request: { params: idParam() },
  responses: {
    200: jsonBody(RetirePreview, "The bookings and waitlist entries it would cancel"),
    ...errors,
    404: errorResponse("No such seat"),
    409: errorResponse("Already retired"),
  },
});

const retireSeat = createRoute({
  method: "post",
  path: "/admin/seats/{id}/retire",
  tags: ["admin"],
  summary: "Retire a seat for good (staff): its bookings ahead are cancelled, each student told the reason",
  ...secured,
  request: {
    params: idParam(),
    body: {
      ...jsonBody(
        z.object({
          reason: retireSeatInput.shape.reason,
          expected_cancellations: retireSeatInput.shape.expectedCancellations,
        }),
        "The reason students read; optionally the count the preview showed",
      ),
      required: true,
    },
  },
  responses: {
    200: jsonBody(Retirement, "Retired"),
    ...errors,
    404: errorResponse("No such seat"),
    409: errorResponse("Already retired, or the bookings changed since the preview"),
  },
});

/** The fields of a seat row the routes answer with (the procedures return whole rows). */
interface Seat {
  id: number;
  code: string;
  branchId: number;
  area: string;
  hasPower: boolean;
  hasMonitor: boolean;
  status: "ACTIVE" | "MAINTENANCE" | "RETIRED";
}
const toSeatRow = (s: Seat): z.infer<typeof SeatRow> => ({
  id: s.id,
  code: s.code,
  branch_id: s.branchId,
  area: s.area,
  has_power: s.hasPower,
  has_monitor: s.hasMonitor,
  status: s.status,
});

export function registerCatalogueRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(createBranch, async (c) => {
    const created = await callerFor(deps, c).admin.createBranch(c.req.valid("json"));
    return c.json({ id: created.id, name: created.name, code: created.code }, 201);
  });

  app.openapi(renameBranch, async (c) => {
    const { id } = c.req.valid("param");
    const caller = callerFor(deps, c);
    // The procedure names branches by name; the catalogue (staff-only too) maps the id.
    const current = (await caller.admin.catalogue()).find((b) => b.id === id);
    if (!current) return c.json({ error: `There is no branch ${id}` }, 404);
    const renamed = await caller.admin.renameBranch({ branch: current.name, name: c.req.valid("json").name });
    return c.json({ id: renamed.id, name: renamed.name, code: renamed.code }, 200);
  });

  app.openapi(createSeat, async (c) => {
    const body = c.req.valid("json");
    const created = await callerFor(deps, c).admin.createSeat({
      branch: body.branch,
      area: body.area,
      hasPower: body.has_power,
      hasMonitor: body.has_monitor,
      code: body.code,
    });
    return c.json(toSeatRow(created), 201);
  });

  app.openapi(updateSeat, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const saved = await callerFor(deps, c).admin.updateSeat({
      seatId: id,
      code: body.code,
      area: body.area,
      hasPower: body.has_power,
      hasMonitor: body.has_monitor,
    });
    return c.json(toSeatRow(saved), 200);
  });

  app.openapi(retirePreview, async (c) => {
    const { id } = c.req.valid("param");
    const p = await callerFor(deps, c).admin.retirePreview({ seatId: id });
    return c.json(
      {
        seat_id: p.seatId,
        seat_code: p.seatCode,
        cancelled: p.cancelled,
        waitlist_entries: p.waitlistEntries,
        reservations: p.reservations.map((r) => ({
          id: r.id,
          student_id: r.studentId,
          user_name: r.userName,
          status: originalStatus(r.status),
          start_time: r.startTime,
          end_time: r.endTime,
        })),
      },
      200,
    );
  });

  app.openapi(retireSeat, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await callerFor(deps, c).admin.retireSeat({
      seatId: id,
      reason: body.reason,
      expectedCancellations: body.expected_cancellations,
    });
    return c.json(
      {
        seat_id: r.seatId,
        seat_code: r.seatCode,
        status: r.status,
        retired_at: r.retiredAt,
        reason: r.reason,
        cancelled: r.cancelled,
        waitlist_entries: r.waitlistEntries,
      },
      200,
    );
  });
}
