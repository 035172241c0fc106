import { Code, ConnectError, createContextKey, type HandlerContext } from "@connectrpc/connect";
import {
  type ApiDeps,
  bearerToken,
  createCaller,
  createContextInner,
  DomainError,
  OutsideOpeningHours,
  resolveUser,
  type SessionUser,
} from "@dlsms/api";
import { TRPCError } from "@trpc/server";
import type { Logger } from "../logger";
import { type Failure, toFailure } from "../rest/failure";

export type Caller = ReturnType<typeof createCaller>;

export interface GrpcDeps {
  deps: ApiDeps;
  logger: Pick<Logger, "error">;
}

/** gRPC metadata `authorization: Bearer <token>`; the original had no auth at all. */
function bearer(ctx: HandlerContext): string | undefined {
  return bearerToken(ctx.requestHeader.get("authorization") ?? undefined);
}

/** The peer's address, set per request by the server (login throttling is per client IP). */
export const peerAddress = createContextKey<string>("unknown", { description: "client IP" });

/** A caller for Login/Register: no token needed. */
export function anonymousCaller(deps: ApiDeps, ctx: HandlerContext): Caller {
  return createCaller(createContextInner({ ...deps, clientIp: ctx.values.get(peerAddress) }));
}

/** The caller's user and a tRPC caller acting as them; UNAUTHENTICATED without a valid token. */
export async function authenticate(
  deps: ApiDeps,
  ctx: HandlerContext,
): Promise<{ user: SessionUser; caller: Caller }> {
  const token = bearer(ctx);
  const { user, authProblem } = await resolveUser(token, deps.config.auth.jwtSecret);
  if (!user || user.exp * 1000 <= Date.now()) {
    const why =
      !token || authProblem === "missing"
        ? "Send metadata `authorization: Bearer <token>` (get a token from AuthService.Login)"
        : authProblem === "invalid"
          ? "Invalid token"
          : "Token expired";
    throw new ConnectError(why, Code.Unauthenticated);
  }
  return {
    user,
    caller: createCaller(createContextInner({ ...deps, user, clientIp: ctx.values.get(peerAddress) }), {
      signal: ctx.signal,
    }),
  };
}

/**
 * A request's `user_id` was the original's only notion of "who": we accept 0 (meaning "me") or
 * the caller's own id, and refuse to act for anyone else.
 */
export function assertSelf(user: SessionUser, requested: number): void {
  if (requested !== 0 && requested !== user.id) {
    throw new ConnectError("user_id must be 0 or your own user id", Code.PermissionDenied);
  }
}

const CODES: Partial<Record<Failure["code"], Code>> = {
  BAD_REQUEST: Code.InvalidArgument,
  UNAUTHORIZED: Code.Unauthenticated,
  FORBIDDEN: Code.PermissionDenied,
  NOT_FOUND: Code.NotFound,
  CONFLICT: Code.AlreadyExists,
  TOO_MANY_REQUESTS: Code.ResourceExhausted,
  PAYLOAD_TOO_LARGE: Code.ResourceExhausted,
  TIMEOUT: Code.DeadlineExceeded,
  CLIENT_CLOSED_REQUEST: Code.Canceled,
};

export interface GuardOptions {
  /** Rule violations on an existing reservation (check-in window, cancel state) are preconditions. */
  preconditions?: boolean;
}

/** Any error → a ConnectError with a readable message; never a driver message or stack. */
export function toConnectError(
  error: unknown,
  log: GrpcDeps["logger"],
  options: GuardOptions = {},
): ConnectError {
  if (error instanceof ConnectError) return error;
  const failure = toFailure(error);
  if (failure.code === "INTERNAL_SERVER_ERROR") {
    log.error(
      { err: error instanceof DomainError ? error : ((error as { cause?: unknown }).cause ?? error) },
      "gRPC door: call failed",
    );
  }
  let code = CODES[failure.code] ?? Code.Internal;
  // A booking outside opening hours is a precondition of the branch, not a malformed request.
  if (causeOf(error) instanceof OutsideOpeningHours) code = Code.FailedPrecondition;
  if (code === Code.InvalidArgument && options.preconditions && !failure.validation)
    code = Code.FailedPrecondition;
  return new ConnectError(failure.message, code);
}

const causeOf = (error: unknown): unknown => (error instanceof TRPCError ? error.cause : error);

/** Wraps a handler so every failure is mapped once, here. */
export function guard<I, O>(
  log: GrpcDeps["logger"],
  handler: (req: I, ctx: HandlerContext) => Promise<O>,
  options: GuardOptions = {},
): (req: I, ctx: HandlerContext) => Promise<O> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (error) {
      throw toConnectError(error, log, options);
    }
  };
}

/** proto3 has no null: the original sent "" for a missing time or text. */
export const orEmpty = (value: string | null | undefined): string => value ?? "";
/** proto3 "" means "not given". */
export const given = (value: string): string | undefined => (value.trim() === "" ? undefined : value);
