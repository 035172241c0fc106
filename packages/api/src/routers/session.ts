import { EventEmitter, on } from "node:events";
import type { Bus } from "@dlsms/bus";
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
function endAtExpiry(user: SessionUser, events: EventEmitter, eventName: string): NodeJS.Timeout {
  const ms = Math.min(MAX_TIMER_MS, Math.max(0, user.exp * 1000 - Date.now()));
  const timer = setTimeout(() => events.emit(eventName, EXPIRED), ms);
  timer.unref();
  return timer;
}

/**
 * The one bridge from a bus channel to a subscription. It subscribes and waits for the transport
 * to confirm before `serve` runs, buffering what arrives meanwhile, so `serve` may read the
 * database first and miss nothing. Every message re-checks the session, and the token's expiry
 * ends the subscription (UNAUTHORIZED) even with no traffic; the client going away (`signal`)
 * ends it quietly. The bus subscription and the timer are released either way.
 */
export async function* busSubscription<T, Y>(
  ctx: { bus: Bus; user: SessionUser },
  channel: string,
  signal: AbortSignal | undefined,
  serve: (messages: AsyncIterable<T>) => AsyncIterable<Y>,
): AsyncGenerator<Y> {
  const events = new EventEmitter();
  const unsubscribe = ctx.bus.subscribe(channel, (message) => events.emit("message", message));
  const stopAtExpiry = endAtExpiry(ctx.user, events, "message");
  const live = on(events, "message", { signal });
  try {
    await unsubscribe.ready;
    yield* serve(checked<T>(live, ctx.user));
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    clearTimeout(stopAtExpiry);
    unsubscribe();
  }
}

async function* checked<T>(live: AsyncIterable<unknown[]>, user: SessionUser): AsyncGenerator<T> {
  for await (const [message] of live) {
    assertSessionAlive(user, message);
    yield message as T;
  }
}
