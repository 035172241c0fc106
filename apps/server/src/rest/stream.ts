import type { ServerResponse } from "node:http";
import type { ApiDeps, RouterOutputs } from "@dlsms/api";
import { eventId } from "@dlsms/validators";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { isTrackedEnvelope } from "@trpc/server";
import type { Logger } from "../logger";
import { callerFor, type RestEnv, requireUser } from "./context";
import { toFailure } from "./failure";
import { errorResponse } from "./schemas";

/**
 * GET /api/notifications/stream: Server-Sent Events over `notifications.onEvent`. The first
 * frame is the original's `{"type":"connected","user_id":N}`; each notification carries an
 * `id:` line so a reconnecting client's `Last-Event-ID` replays what it missed. The response is
 * written straight to the socket so a disconnect frees the subscription at once.
 */

export interface StreamRegistry {
  add(stop: () => void): () => void;
  closeAll(): void;
  readonly size: number;
}

export function createStreamRegistry(): StreamRegistry {
  const open = new Set<() => void>();
  return {
    add(stop) {
      open.add(stop);
      return () => open.delete(stop);
    },
    closeAll() {
      for (const stop of [...open]) stop();
    },
    get size() {
      return open.size;
    },
  };
}

type NotificationView = RouterOutputs["notifications"]["list"][number];

const snake = (key: string) => key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

const MESSAGES: Record<string, string> = {
  OFFER: "A seat you were waiting for is held for you: claim it before the offer expires",
  OFFER_EXPIRED: "Your seat offer expired and was passed on",
  NO_SHOW: "You did not check in in time; your reservation was released",
  CHECK_IN_REMINDER: "Your reservation starts soon: remember to check in",
  RESERVATION_CANCELLED: "Library staff cancelled one of your reservations",
  SEAT_AVAILABLE: "A seat has become available",
  RESERVATION_BOOKED: "Library staff booked a seat for you",
  SUSPENDED: "Too many missed check-ins: your booking is suspended until suspended_until",
  AWAY_REMINDER: "Your break ends in 5 minutes: come back or scan your seat to keep it",
  AWAY_ENDED: "Your break ran out before you came back: your reservation ended and the seat was given up",
};

/** snake_case frame; `seat_id` and `message` at the top as in the original's seat_available. */
export function toSseFrame(n: NotificationView): Record<string, unknown> {
  const payload = Object.fromEntries(Object.entries(n.payload).map(([k, v]) => [snake(k), v]));
  return {
    type: n.type.toLowerCase(),
    id: n.id,
    ...(payload.seat_id !== undefined ? { seat_id: payload.seat_id } : {}),
    message: MESSAGES[n.type] ?? n.type,
    timestamp: n.createdAt,
    payload,
  };
}

const route = createRoute({
  method: "get",
  path: "/notifications/stream",
  tags: ["notifications"],
  summary: "Your notifications, live (Server-Sent Events)",
  description:
    'First frame `{"type":"connected","user_id":N}`; then one frame per notification with an ' +
    "`id:` line. Send `Last-Event-ID` to replay what you missed. A `: keepalive` comment arrives " +
    "at least every 30 s.",
  security: [{ bearer: [] }],
  middleware: requireUser,
  request: {
    headers: z.object({
      // Refused (400) rather than ignored: a client sending an id we never issued has a bug to see.
      "last-event-id": eventId("Last-Event-ID")
        .optional()
        .openapi({ param: { name: "last-event-id", in: "header" } }),
    }),
  },
  responses: {
    200: { content: { "text/event-stream": { schema: z.string() } }, description: "The event stream" },
    400: errorResponse("Bad Last-Event-ID"),
    401: errorResponse("Missing, expired or invalid token"),
  },
});

export function registerStreamRoutes(
  app: OpenAPIHono<RestEnv>,
  deps: ApiDeps,
  streams: StreamRegistry,
  options: { keepaliveMs: number; logger: Pick<Logger, "error"> },
): void {
  app.openapi(route, async (c) => {
    const lastEventId = c.req.valid("header")["last-event-id"];
    const userId = c.get("session").user?.id ?? 0;
    const res: ServerResponse = c.env.outgoing;
    const ac = new AbortController();
    const caller = callerFor(deps, c, ac.signal);
    // Subscribe before answering 200: a refused subscription still gets a JSON error.
    const events = await caller.notifications.onEvent({ lastEventId });

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise buffer the stream.
      "x-accel-buffering": "no",
    });
    res.write(`data: ${JSON.stringify({ type: "connected", user_id: userId })}\n\n`);
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), options.keepaliveMs);
    const stop = () => ac.abort();
    const unregister = streams.add(stop);
    res.on("close", stop);

    void (async () => {
      try {
        for await (const item of events) {
          if (!isTrackedEnvelope(item)) continue;
          const [id, n] = item as [string, NotificationView, unknown];
          res.write(`id: ${id}\ndata: ${JSON.stringify(toSseFrame(n))}\n\n`);
        }
      } catch (error) {
        if (!ac.signal.aborted && toFailure(error).code === "INTERNAL_SERVER_ERROR") {
          options.logger.error({ err: error }, "SSE stream failed");
        }
        // An expired token ends the stream with a last frame saying why.
        if (!ac.signal.aborted && !res.writableEnded) {
          res.write(`event: error\ndata: ${JSON.stringify({ error: toFailure(error).message })}\n\n`);
        }
      } finally {
        clearInterval(keepalive);
        unregister();
        res.off("close", stop);
        if (!res.writableEnded) res.end();
      }
    })();
    return RESPONSE_ALREADY_SENT;
  });
}
