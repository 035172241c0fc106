import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type ApiDeps,
  type AppRouter,
  BOOKING_PATH,
  type CallErrorHandler,
  type Context,
  callMutation,
  knownBookingLoss,
  TRPC_JSON_HEADERS,
} from "@dlsms/api";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Bookings are a few hundred bytes; anything larger is unusual and left to tRPC whole. */
const MAX_SHORTCUT_BODY = 4_096;
const URL_PATH = `/trpc/${BOOKING_PATH}`;

export interface BookingShortcutOptions {
  deps: ApiDeps;
  router: AppRouter;
  contextFor: (opts: { req: IncomingMessage }) => Promise<Context>;
  onError: CallErrorHandler;
  /** The server's body limit: a larger body goes on to the adapter, which refuses it with 413. */
  maxBodySize: number;
}

/**
 * A plain POST of `reservations.create` (one call, a small JSON body) is answered here rather than
 * through tRPC's fetch adapter: a loss already known without a transaction (knownBookingLoss),
 * else the procedure itself, called as the adapter calls it (callMutation). Both answer with
 * tRPC's status, headers and bytes (tests compare them). A body that is not JSON, and every other
 * request, goes to `next` — the adapter — with the body already read attached as `rawBody`.
 */
export function withBookingShortcut(options: BookingShortcutOptions, next: Handler): Handler {
  return (req, res) => {
    if (!isPlainBooking(req, Math.min(MAX_SHORTCUT_BODY, options.maxBodySize))) {
      next(req, res);
      return;
    }
    readBody(req)
      .then(
        async (body) => {
          const json = parseJson(body.toString("utf8"));
          if (json === undefined) {
            // tRPC words a parse error: @hono/node-server reads a body already taken from `rawBody`.
            (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
            return next(req, res);
          }
          const authorization = req.headers.authorization;
          const loss = await knownBookingLoss(options.deps, { authorization, json }).catch(() => undefined);
          if (loss) return send(res, 409, loss);
          const ctx = await options.contextFor({ req });
          const answer = await callMutation(options.router, BOOKING_PATH, ctx, json, options.onError);
          send(res, answer.status, Buffer.from(answer.body));
        },
        () => res.destroy(),
      )
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end();
      });
  };
}

function send(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { ...TRPC_JSON_HEADERS, "content-length": body.length });
  res.end(body);
}

function isPlainBooking(req: IncomingMessage, maxBody: number): boolean {
  if (req.method !== "POST" || req.url !== URL_PATH) return false;
  if (req.headers["trpc-accept"] !== undefined || req.headers["transfer-encoding"] !== undefined)
    return false;
  // tRPC reads a POST body only as application/json (else 415): answer only what it would read.
  const type = req.headers["content-type"]?.toLowerCase().split(";", 1)[0]?.trim();
  if (type !== "application/json") return false;
  const declared = Number(req.headers["content-length"]);
  return Number.isInteger(declared) && declared > 0 && declared <= maxBody;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
