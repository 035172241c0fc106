import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiDeps, BOOKING_PATH, knownBookingLoss, TRPC_JSON_HEADERS } from "@dlsms/api";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Bookings are a few hundred bytes; anything larger is unusual and left to tRPC whole. */
const MAX_SHORTCUT_BODY = 4_096;
const URL_PATH = `/trpc/${BOOKING_PATH}`;

/**
 * POSTs of `reservations.create` whose answer is a loss already known are answered here, without
 * tRPC (see knownBookingLoss). The body is read first (its size is declared and small); when
 * there is no such answer, `next` gets the request with that body attached, to run the procedure.
 */
export function withBookingShortcut(deps: ApiDeps, next: Handler): Handler {
  return (req, res) => {
    if (!isPlainBooking(req)) {
      next(req, res);
      return;
    }
    readBody(req).then(
      async (body) => {
        const answer = await knownBookingLoss(deps, {
          authorization: req.headers.authorization,
          body: body.toString("utf8"),
        }).catch(() => undefined);
        if (!answer) {
          // @hono/node-server reads a body already taken off the request from `rawBody`.
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
          return next(req, res);
        }
        res.writeHead(409, { ...TRPC_JSON_HEADERS, "content-length": answer.length });
        res.end(answer);
      },
      () => res.destroy(),
    );
  };
}

function isPlainBooking(req: IncomingMessage): boolean {
  if (req.method !== "POST" || req.url !== URL_PATH) return false;
  if (req.headers["trpc-accept"] !== undefined || req.headers["transfer-encoding"] !== undefined)
    return false;
  // tRPC reads a POST body only as application/json (else 415): answer only what it would read.
  const type = req.headers["content-type"]?.toLowerCase().split(";", 1)[0]?.trim();
  if (type !== "application/json") return false;
  const declared = Number(req.headers["content-length"]);
  return Number.isInteger(declared) && declared > 0 && declared <= MAX_SHORTCUT_BODY;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
