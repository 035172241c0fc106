import type { ApiDeps } from "@dlsms/api";
import { pardonInput } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { callerFor, type RestEnv } from "./context";
import { staffOnly } from "./desk";
import { errorResponse, jsonBody } from "./schemas";

/** Staff lift a student's no-show strikes and suspension (admin.pardon). */

const PardonBody = z
  .object({ student_id: pardonInput.shape.studentId, reason: pardonInput.shape.reason })
  .openapi("PardonRequest", { example: { student_id: "S2021001", reason: "Was ill: doctor's note" } });

const Standing = z
  .object({
    student_id: z.string().openapi({ example: "S2021001" }),
    strikes: z.number().int().openapi({ description: "Open no-show strikes within the window" }),
    suspended_until: z
      .string()
      .nullable()
      .openapi({ format: "date-time", description: "When the suspension ends; null when not suspended" }),
  })
  .openapi("Standing");

const pardon = createRoute({
  method: "post",
  path: "/admin/pardon",
  tags: ["admin"],
  summary: "Clear a student's no-show strikes and suspension (recorded in the audit trail with the reason)",
  ...staffOnly,
  request: { body: { ...jsonBody(PardonBody, "Whom to pardon, and why"), required: true } },
  responses: {
    200: jsonBody(Standing, "Pardoned: the student's standing now"),
    400: errorResponse("Invalid input (a reason is required)"),
    401: errorResponse("Missing, expired or invalid token"),
    403: errorResponse("Staff only"),
    404: errorResponse("No such student"),
    413: errorResponse("Body too large"),
    415: errorResponse("Body is not JSON"),
  },
});

export function registerStandingRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(pardon, async (c) => {
    const body = c.req.valid("json");
    const standing = await callerFor(deps, c).admin.pardon({
      studentId: body.student_id,
      reason: body.reason,
    });
    return c.json(
      {
        student_id: standing.student.studentId,
        strikes: standing.strikes,
        suspended_until: standing.suspendedUntil,
      },
      200,
    );
  });
}
