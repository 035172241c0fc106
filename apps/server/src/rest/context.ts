import {
  type ApiDeps,
  type AuthProblem,
  bearerToken,
  createCaller,
  createContextInner,
  type IdempotencyKeyHeader,
  resolveUser,
  type SessionUser,
} from "@dlsms/api";
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { noteUser } from "../request-log";

export interface Session {
  user: SessionUser | null;
  authProblem: AuthProblem | null;
  clientIp: string;
}

export interface RestEnv {
  Bindings: HttpBindings;
  Variables: { session: Session };
}

export type Caller = ReturnType<typeof createCaller>;

/** Resolves the caller once per request; never rejects (routes decide whether they need a user). */
export function sessionMiddleware(deps: ApiDeps): MiddlewareHandler<RestEnv> {
  return createMiddleware<RestEnv>(async (c, next) => {
    const { user, authProblem } = await resolveUser(
      // The original's gateway accepted exactly `Bearer <token>`; any case of "bearer" works here.
      bearerToken(c.req.header("authorization")),
      deps.config.auth.jwtSecret,
    );
    // `c.env` is undefined when the app is driven without the node adapter (app.request in tests).
    const clientIp = c.env?.incoming?.socket.remoteAddress ?? "unknown";
    noteUser(c.env?.incoming, user?.id);
    c.set("session", { user, authProblem, clientIp });
    await next();
  });
}

const AUTH_MESSAGES: Record<AuthProblem, string> = {
  missing: "Authentication token required",
  expired: "Token expired",
  invalid: "Invalid token",
};

/**
 * Answers 401 before the body is validated, like the original's gateway (auth first, then
 * input). The procedures check the user again: this only decides the order of the answers.
 */
export const requireUser: MiddlewareHandler<RestEnv> = createMiddleware<RestEnv>(async (c, next) => {
  const { user, authProblem } = c.get("session");
  if (!user || user.exp * 1000 <= Date.now()) {
    return c.json({ error: AUTH_MESSAGES[user ? "expired" : (authProblem ?? "missing")] }, 401);
  }
  await next();
});

/** A tRPC caller acting as this request's user: every route goes through the procedures. */
export function callerFor(
  deps: ApiDeps,
  c: Context<RestEnv>,
  signal?: AbortSignal,
  request: { idempotencyKey?: IdempotencyKeyHeader } = {},
): Caller {
  const { user, authProblem, clientIp } = c.get("session");
  return createCaller(createContextInner({ ...deps, user, authProblem, clientIp, ...request }), { signal });
}
