import { initTRPC, TRPCError } from "@trpc/server";
import type { Context } from "./context";
import { type DomainError, SeatTaken, toDomainError } from "./errors";

interface IssueLike {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

/** zod (and any Standard Schema) validation failures carry `issues`: make them readable. */
function readableIssues(cause: unknown): string | undefined {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return (issues as IssueLike[])
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => (typeof p === "object" ? String(p.key) : String(p)));
      const field = path.join(".");
      if (issue.message.startsWith(field) || !field) return issue.message;
      if (/^Invalid input: expected .*, received undefined$/.test(issue.message))
        return `${field} is required`;
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const validation = error.code === "BAD_REQUEST" ? readableIssues(error.cause) : undefined;
    const hidden = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: validation ?? (hidden ? "Something went wrong on our side. Please try again." : shape.message),
      data: {
        ...shape.data,
        stack: undefined,
        validation: validation !== undefined,
        // A lost booking's free seats for the same window (read-models/seat-suggestions.ts).
        suggestions: error.cause instanceof SeatTaken ? error.cause.suggestions : undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** A domain error as tRPC's, without collecting a call stack (see DomainError). */
function expectedError(domain: DomainError): TRPCError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TRPCError({ code: domain.code, message: domain.message, cause: domain });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The ONE place domain errors and database constraint violations become tRPC codes. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const domain = toDomainError(result.error.cause ?? result.error);
    if (domain) throw expectedError(domain);
    // Input validation: direct callers (and the REST/gRPC doors) get the readable text, not zod's JSON.
    const validation = result.error.code === "BAD_REQUEST" ? readableIssues(result.error.cause) : undefined;
    if (validation)
      throw new TRPCError({ code: "BAD_REQUEST", message: validation, cause: result.error.cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapDomainErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  const { user } = ctx;
  if (!user) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message:
        ctx.authProblem === "expired"
          ? "Your session has expired. Please log in again."
          : ctx.authProblem === "invalid"
            ? "Your login token is not valid. Please log in again."
            : "Please log in first.",
    });
  }
  // Checked on every call: a WebSocket opened with a valid token must not outlive it.
  if (user.exp * 1000 <= Date.now()) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has expired. Please log in again." });
  }
  return next({ ctx: { ...ctx, user } });
});

/**
 * Counts booking attempts by outcome (ApiObserver). Every door books through these procedures
 * (REST and gRPC call them), so the count is the same whichever door a client used.
 */
const countBookings = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (ctx.observer) {
    if (result.ok) ctx.observer.bookingAttempt("booked");
    else {
      const code = toDomainError(result.error.cause ?? result.error)?.code ?? result.error.code;
      if (code === "CONFLICT") ctx.observer.bookingAttempt("conflict");
      else if (code !== "INTERNAL_SERVER_ERROR" && code !== "UNAUTHORIZED")
        ctx.observer.bookingAttempt("rule");
    }
  }
  return result;
});

/** A procedure that books a seat: counted by outcome for operators. */
export const bookingProcedure = protectedProcedure.use(countBookings);

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Staff only" });
  return next();
});

/** Staff booking for a student (the desk): counted like any booking. */
export const staffBookingProcedure = adminProcedure.use(countBookings);
