import type { ApiDeps, RouterOutputs } from "@dlsms/api";
import { bookForInput } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { callerFor, type RestEnv, requireUser } from "./context";
import { idParam } from "./params";
import { errorResponse, jsonBody, ResvRow, toResvRow } from "./schemas";

/** The staff desk (book for a student, find students) and a reservation's audit trail. */

const secured = { security: [{ bearer: [] }], middleware: requireUser };

/**
 * Staff routes answer 403 to a student before reading the body, as 401 comes before it: a
 * student learns nothing from the shape of a staff request. The procedures check the role again.
 */
export const requireStaff = createMiddleware<RestEnv>(async (c, next) => {
  if (c.get("session").user?.role !== "admin") return c.json({ error: "Staff only" }, 403);
  await next();
});
export const staffOnly = { security: [{ bearer: [] }], middleware: [requireUser, requireStaff] };
const { studentId, seatId, startTime, endTime } = bookForInput.shape;

const BookForBody = z
  .object({ student_id: studentId, seat_id: seatId, start_time: startTime, end_time: endTime })
  .openapi("BookForRequest", {
    example: {
      student_id: "S2021001",
      seat_id: 5,
      start_time: "2025-10-11T14:00:00",
      end_time: "2025-10-11T16:00:00",
    },
  });

const Student = z
  .object({
    id: z.number().int(),
    student_id: z.string().openapi({ example: "S2021001" }),
    name: z.string(),
    upcoming: z.number().int().openapi({ description: "Active reservations that have not ended" }),
  })
  .openapi("Student");

const HistoryEntry = z
  .object({
    at: z.string().openapi({ format: "date-time" }),
    action: z.string().openapi({ example: "staff_cancelled" }),
    actor: z
      .object({ student_id: z.string(), name: z.string(), role: z.enum(["student", "admin"]) })
      .nullable()
      .openapi({ description: "Who made the change; null for the system (the sweeper)" }),
    reason: z.string().nullable(),
  })
  .openapi("HistoryEntry");

const searchParams = z.object({
  query: z
    .string()
    .optional()
    .openapi({ param: { name: "query", in: "query" }, description: "Part of a student id or name" }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "limit must be a whole number from 1 to 100")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer" }),
  offset: z
    .string()
    .regex(/^\d{1,7}$/, "offset must be a whole number")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "offset", in: "query" }, type: "integer" }),
});

const staffErrors = {
  400: errorResponse("Invalid input or a booking rule says no"),
  401: errorResponse("Missing, expired or invalid token"),
  403: errorResponse("Staff only"),
};

const bookFor = createRoute({
  method: "post",
  path: "/admin/book-for",
  tags: ["admin"],
  summary: "Book a seat for a student (every student rule applies; the student is notified)",
  ...staffOnly,
  request: { body: { ...jsonBody(BookForBody, "Whom to book for, and what"), required: true } },
  responses: {
    201: jsonBody(ResvRow, "Booked: the student's reservation"),
    ...staffErrors,
    404: errorResponse("No such student or seat"),
    409: errorResponse("The seat is taken, or the student already has a reservation then"),
    413: errorResponse("Body too large"),
    415: errorResponse("Body is not JSON"),
  },
});

const students = createRoute({
  method: "get",
  path: "/admin/students",
  tags: ["admin"],
  summary: "Find students by student id (prefix) or name (part), paged",
  ...staffOnly,
  request: { query: searchParams },
  responses: {
    200: jsonBody(z.object({ students: z.array(Student), total: z.number().int() }), "Matching students"),
    ...staffErrors,
  },
});

const history = createRoute({
  method: "get",
  path: "/reservations/{id}/history",
  tags: ["reservations"],
  summary: "A reservation's history, oldest first (its student or staff)",
  ...secured,
  request: { params: idParam() },
  responses: {
    200: jsonBody(z.object({ history: z.array(HistoryEntry) }), "The audit trail"),
    400: staffErrors[400],
    401: staffErrors[401],
    404: errorResponse("No such reservation of yours"),
  },
});

type HistoryView = RouterOutputs["admin"]["history"][number];

function toHistoryEntry(h: HistoryView): z.infer<typeof HistoryEntry> {
  return {
    at: h.at,
    action: h.action,
    actor: h.actor ? { student_id: h.actor.studentId, name: h.actor.name, role: h.actor.role } : null,
    reason: h.reason,
  };
}

export function registerDeskRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(bookFor, async (c) => {
    const body = c.req.valid("json");
    const r = await callerFor(deps, c).admin.bookFor({
      studentId: body.student_id,
      seatId: body.seat_id,
      startTime: body.start_time,
      endTime: body.end_time,
    });
    return c.json(toResvRow(r), 201);
  });

  app.openapi(students, async (c) => {
    const q = c.req.valid("query");
    // The procedure validates the values (a 400 that names the field).
    const page = await callerFor(deps, c).admin.students({
      query: q.query ?? "",
      ...(q.limit === undefined ? {} : { limit: q.limit }),
      ...(q.offset === undefined ? {} : { offset: q.offset }),
    });
    return c.json(
      {
        students: page.students.map((s) => ({
          id: s.id,
          student_id: s.studentId,
          name: s.name,
          upcoming: s.upcoming,
        })),
        total: page.total,
      },
      200,
    );
  });

  app.openapi(history, async (c) => {
    const { id } = c.req.valid("param");
    const caller = callerFor(deps, c);
    const staff = c.get("session").user?.role === "admin";
    const entries = staff
      ? await caller.admin.history({ reservationId: id })
      : await caller.reservations.history({ id });
    return c.json({ history: entries.map(toHistoryEntry) }, 200);
  });
}
