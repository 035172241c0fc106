import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ApiDeps, type RouterOutputs, signedInUser } from "@dlsms/api";
import { type ListingFormat, listingReads, renderedListing } from "@dlsms/api/read-models";
import { seatsListInput } from "@dlsms/validators";
import { type BodyRead, bodyBytes, readBody } from "../read-body";
import { given } from "./context";
import { GetSeatsRequestSchema, GetSeatsResponseSchema } from "./gen/library_pb";
import { toSeat } from "./services/seats";

type Handler = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

const GET_SEATS = "/library.SeatService/GetSeats";
/** A GetSeatsRequest is a few short strings; anything larger is left to Connect whole. */
const MAX_BODY = 16_384;
const GRPC_CONTENT_TYPES = new Set(["application/grpc", "application/grpc+proto"]);

/**
 * `GetSeats`' answer as a gRPC length-prefixed message, rendered once per listing copy: the
 * same message the door's handler builds (toSeat), encoded as Connect would encode it.
 */
const GRPC_SEAT_LIST: ListingFormat<RouterOutputs["seats"]["list"]> = {
  name: "grpc:seats",
  render: (seats) =>
    lengthPrefixed(
      toBinary(
        GetSeatsResponseSchema,
        create(GetSeatsResponseSchema, { seats: seats.map(toSeat), count: seats.length }),
      ),
    ),
};

/**
 * Unary `GetSeats` calls answered beside Connect from the cached listing's protobuf bytes.
 * Building a listing's protobuf-es messages and encoding them per call, with Connect's pipeline
 * around it, was most of the server's time on gRPC seat discovery (see docs/performance-log.md),
 * for an answer that is the same for every caller of a listing copy. This applies the door's
 * rules in its order — a valid, unexpired token; the request mapped to `seats.list` input as the
 * door maps it and accepted by that procedure's zod schema — and answers with the stored bytes.
 * Anything else (no or bad token, bad input, a compressed request, a deadline, an error while
 * loading) goes to Connect with the body it sent, so every error is Connect's own. A test
 * compares the bytes, headers and trailers with Connect's answer to the same call.
 */
/** Calls answered here (this process); for tests and metrics. */
export const getSeatsShortcutStats = { answered: 0 };

export function withGetSeatsShortcut(deps: ApiDeps, connect: Handler): Handler {
  return (req, res) => {
    if (!plainGetSeats(req)) {
      connect(req, res);
      return;
    }
    readBody(req as AsyncIterable<Buffer>, MAX_BODY).then(
      async (read) => {
        const answer = read.complete
          ? await storedAnswer(deps, req, bodyBytes(read)).catch(() => undefined)
          : undefined;
        if (!answer) {
          replayBody(req, read);
          connect(req, res);
          return;
        }
        getSeatsShortcutStats.answered += 1;
        res.writeHead(200, { "content-type": req.headers["content-type"] });
        res.addTrailers({ "grpc-status": "0" });
        res.end(answer);
      },
      () => res.stream.close(),
    );
  };
}

function plainGetSeats(req: Http2ServerRequest): boolean {
  if (req.method !== "POST" || req.url !== GET_SEATS) return false;
  if (!GRPC_CONTENT_TYPES.has(req.headers["content-type"] ?? "")) return false;
  const encoding = req.headers["grpc-encoding"];
  if (encoding !== undefined && encoding !== "identity") return false;
  // Connect enforces a deadline; leave those calls to it.
  return req.headers["grpc-timeout"] === undefined;
}

async function storedAnswer(
  deps: ApiDeps,
  req: Http2ServerRequest,
  body: Buffer,
): Promise<Buffer | undefined> {
  // One uncompressed message, exactly.
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) return undefined;
  if (!(await signedInUser(req.headers.authorization, deps.config.auth.jwtSecret))) return undefined;
  const request = fromBinary(GetSeatsRequestSchema, body.subarray(5));
  // As the door's getSeats maps it (services/seats.ts).
  const filters = seatsListInput.safeParse({
    branch: given(request.branch),
    area: given(request.area),
    hasPower: request.hasPower,
    hasMonitor: request.hasMonitor,
    availableOnly: request.availableOnly,
    startTime: given(request.startTime),
    endTime: given(request.endTime),
  });
  if (!filters.success) return undefined;
  return renderedListing(deps, listingReads.seats(deps, filters.data), GRPC_SEAT_LIST);
}

function lengthPrefixed(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/**
 * Connect reads a request body by iterating the request; once this shortcut has read (some of)
 * it, the request iterates over those chunks and then whatever is still to come, so Connect
 * sees exactly what the client sent, and applies its own size limit.
 */
function replayBody(req: Http2ServerRequest, read: BodyRead): void {
  Object.defineProperty(req, Symbol.asyncIterator, {
    value: async function* replay() {
      yield* read.chunks;
      if (read.complete) return;
      for (;;) {
        const next = await read.rest.next();
        if (next.done) return;
        yield next.value;
      }
    },
  });
}
