import type { IncomingMessage } from "node:http";
import type { Bus, Cache } from "@dlsms/bus";
import type { Database } from "@dlsms/db";
import { bearerToken, knownSession, type SessionUser, verifyToken } from "./auth/jwt";
import type { LoginLimiter } from "./auth/limiter";
import type { ApiConfig } from "./config";
import type { CacheObserver } from "./read-models/versioned-copies";

/** What became of a booking attempt: booked, refused because the seat or student was busy, or by a rule. */
export type BookingOutcome = "booked" | "conflict" | "rule";

/** Hooks for operators' counters (the server's /metrics); the API never depends on them. */
export interface ApiObserver extends CacheObserver {
  bookingAttempt(outcome: BookingOutcome): void;
}

/** Long-lived parts every request shares; built once per process. */
export interface ApiDeps {
  db: Database;
  cache: Cache;
  bus: Bus;
  config: ApiConfig;
  loginLimiter: LoginLimiter;
  observer?: ApiObserver;
}

export type AuthProblem = "missing" | "expired" | "invalid";

/**
 * A request's `Idempotency-Key` header as its transport read it, unchecked (services/idempotency.ts
 * checks it). `bookings`: the booking calls that share the request (a tRPC batch); a key covers one.
 */
export interface IdempotencyKeyHeader {
  value: string;
  bookings: number;
}

export interface Context extends ApiDeps {
  user: SessionUser | null;
  /** Why `user` is null, so UNAUTHORIZED can say "expired" rather than just "log in". */
  authProblem: AuthProblem | null;
  clientIp: string;
  /** Set only when the request carried the header (HTTP: tRPC and REST). */
  idempotencyKey?: IdempotencyKeyHeader;
}

/** The inner context: what tests and `createCaller` use directly. */
export function createContextInner(
  opts: ApiDeps & {
    user?: SessionUser | null;
    authProblem?: AuthProblem | null;
    clientIp?: string;
    idempotencyKey?: IdempotencyKeyHeader;
  },
): Context {
  return {
    ...opts,
    user: opts.user ?? null,
    authProblem: opts.user ? null : (opts.authProblem ?? "missing"),
    clientIp: opts.clientIp ?? "local",
  };
}

export async function resolveUser(
  token: string | undefined,
  secret: string,
): Promise<{ user: SessionUser | null; authProblem: AuthProblem | null }> {
  if (!token) return { user: null, authProblem: "missing" };
  const result = await verifyToken(token, secret);
  return result.ok ? { user: result.user, authProblem: null } : { user: null, authProblem: result.reason };
}

/**
 * The caller of an `Authorization: Bearer …` header when protectedProcedure would let them in (a
 * valid token, not expired), else null — for the answers made beside the procedure pipeline,
 * which hand anything else to the procedures so that they word the refusal.
 */
export async function signedInUser(
  authorization: string | string[] | undefined,
  secret: string,
): Promise<SessionUser | null> {
  const token = bearerToken(authorization);
  if (token === undefined) return null;
  const user = knownSession(token, secret) ?? (await resolveUser(token, secret)).user;
  return user && user.exp * 1000 > Date.now() ? user : null;
}

function clientIpOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/**
 * The outer context for the HTTP and WebSocket adapters: a Bearer header on HTTP,
 * `connectionParams.token` on WebSocket. It never throws: a bad token gives `user: null`.
 */
export function createContextFactory(deps: ApiDeps) {
  return async (opts: {
    req: IncomingMessage;
    info?: { connectionParams?: Record<string, string | undefined> | null };
  }): Promise<Context> => {
    const fromWs = opts.info?.connectionParams?.token;
    const token = typeof fromWs === "string" && fromWs ? fromWs : bearerToken(opts.req.headers.authorization);
    const { user, authProblem } = await resolveUser(token, deps.config.auth.jwtSecret);
    return createContextInner({ ...deps, user, authProblem, clientIp: clientIpOf(opts.req) });
  };
}
