import { dateTime } from "@dlsms/validators";
import { z } from "@hono/zod-openapi";

/**
 * Query and path parameters arrive as text. These parse them the way the original's clients
 * send them; the rules about the values themselves stay in the procedures.
 */

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

/** `has_power=true`; an empty value means false, as in the original; anything odd is a 400. */
export const flag = (name: string, description: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const v = value.trim().toLowerCase();
      if (v === "") return false;
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      ctx.addIssue({ code: "custom", message: `${name} must be true or false` });
      return z.NEVER;
    })
    .openapi({ param: { name, in: "query" }, type: "boolean", description });

export const timeParam = (name: string, description: string) =>
  dateTime(name).openapi({
    param: { name, in: "query" },
    format: "date-time",
    example: "2025-10-11T14:00:00",
    description,
  });

/** A path id: digits only (the original's `int` converter), then a positive int32. */
export const idParam = () =>
  z.object({
    id: z
      .string()
      .regex(/^\d+$/, "id must be a positive whole number")
      .transform(Number)
      .pipe(
        z.number().int().positive("id must be a positive whole number").max(2_147_483_647, "id is too large"),
      )
      .openapi({ param: { name: "id", in: "path" }, type: "integer", example: 1 }),
  });
