import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { type Answer, LentBuffers } from "./lent-buffers";
import { prerenderedArrayBytes } from "./prerendered-json";

/**
 * tRPC's wire shapes for a non-batched HTTP call (no transformer), for the answers made beside
 * its pipeline (cached reads, known booking losses). Tests compare them with tRPC's own bytes.
 */

/** The headers tRPC's fetch adapter sends with a JSON answer. */
export const TRPC_JSON_HEADERS = { "content-type": "application/json", vary: "trpc-accept, accept" };

const RESULT_BEFORE = '{"result":{"data":';
const RESULT_AFTER = "}}";

/** A successful call's body: `{"result":{"data":…}}` (a list of prerendered values is copied). */
export const trpcResultBytes = (data: unknown): Buffer =>
  (Array.isArray(data) && prerenderedArrayBytes(data, RESULT_BEFORE, RESULT_AFTER)) ||
  Buffer.from(`${RESULT_BEFORE}${JSON.stringify(data)}${RESULT_AFTER}`);

// A seat listing's answer is ~36 KB for 250 seats; ~64 are written at once under load.
const answerBuffers = new LentBuffers(64 * 1024, 128);

/**
 * trpcResultBytes of a list of prerendered values, written into a lent buffer: for answers
 * made for one request. Undefined for anything else (callers then use trpcResultBytes).
 */
export function lentTrpcResult(data: unknown): Answer | undefined {
  if (!Array.isArray(data)) return undefined;
  let written: (() => void) | undefined;
  const bytes = prerenderedArrayBytes(data, RESULT_BEFORE, RESULT_AFTER, (length) => {
    const loan = answerBuffers.borrow(length);
    written = loan.giveBack;
    return loan.bytes;
  });
  return bytes && { bytes, written };
}

/** A CONFLICT's body, as the router's errorFormatter (trpc.ts) shapes it. */
export const trpcConflictBytes = (message: string, path: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      error: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY.CONFLICT,
        data: { code: "CONFLICT", httpStatus: 409, path, validation: false },
      },
    }),
  );
