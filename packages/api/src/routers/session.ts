import type { EventEmitter } from "node:events";
import { TRPCError } from "@trpc/server";
import type { SessionUser } from "../auth/jwt";

const EXPIRED = Symbol("session-expired");
const MAX_TIMER_MS = 2_147_483_647;

/** Long-lived subscriptions re-check the token's expiry before every message they send. */
export function assertSessionAlive(user: SessionUser, message?: unknown): void {
  if (message === EXPIRED || user.exp * 1000 <= Date.now()) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has expired. Please log in again." });
  }
}

/** Wakes an idle subscription when the token expires, so it ends even with no traffic. */
export function endAtExpiry(user: SessionUser, events: EventEmitter, eventName: string): NodeJS.Timeout {
  const ms = Math.min(MAX_TIMER_MS, Math.max(0, user.exp * 1000 - Date.now()));
  const timer = setTimeout(() => events.emit(eventName, EXPIRED), ms);
  timer.unref();
  return timer;
}
