import { DomainError, RateLimited } from "@dlsms/api";
import { type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";

/**
 * What both doors need to know about a failed procedure call. The REST and gRPC adapters map
 * `code` to their own status; the text is always readable and never a driver message.
 */
export interface Failure {
  code: TRPC_ERROR_CODE_KEY;
  message: string;
  /** True when zod rejected the input shape (as opposed to a domain rule saying no). */
  validation: boolean;
  /** Set for TOO_MANY_REQUESTS: seconds until the client may try again. */
  retryAfterSeconds?: number;
}

export const INTERNAL_MESSAGE = "Something went wrong on our side. Please try again.";

interface IssueLike {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

/** zod issues → one readable sentence naming each field (the same style tRPC's formatter uses). */
export function readableIssues(issues: readonly IssueLike[]): string {
  return issues
    .map((issue) => {
      const field = (issue.path ?? [])
        .map((p) => (typeof p === "object" ? String(p.key) : String(p)))
        .join(".");
      if (!field || issue.message.startsWith(field)) return issue.message;
      if (/^Invalid input: expected .*, received undefined$/.test(issue.message))
        return `${field} is required`;
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

function issuesOf(cause: unknown): IssueLike[] | undefined {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) && issues.length > 0 ? (issues as IssueLike[]) : undefined;
}

/** Anything a caller throws → a Failure. Unknown errors become INTERNAL with a generic text. */
export function toFailure(error: unknown): Failure {
  // Adapters parse a few values themselves (e.g. a waitlist's desired_time) with the api's helpers.
  if (error instanceof DomainError)
    return toFailure(new TRPCError({ code: error.code, message: error.message, cause: error }));
  if (!(error instanceof TRPCError)) {
    return { code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE, validation: false };
  }
  if (error.code === "INTERNAL_SERVER_ERROR") {
    return { code: error.code, message: INTERNAL_MESSAGE, validation: false };
  }
  const issues = error.code === "BAD_REQUEST" ? issuesOf(error.cause) : undefined;
  const failure: Failure = {
    code: error.code,
    message: issues ? readableIssues(issues) : error.message,
    validation: issues !== undefined,
  };
  if (error.cause instanceof RateLimited) failure.retryAfterSeconds = error.cause.retryAfterSeconds;
  return failure;
}
