import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

/**
 * tRPC's wire shapes for a non-batched HTTP call (no transformer), for the answers made beside
 * its pipeline (cached reads, known booking losses). Tests compare them with tRPC's own bytes.
 */

/** The headers tRPC's fetch adapter sends with a JSON answer. */
export const TRPC_JSON_HEADERS = { "content-type": "application/json", vary: "trpc-accept, accept" };

/** A successful call's body: `{"result":{"data":…}}`. */
export const trpcResultBytes = (data: unknown): Buffer =>
  Buffer.from(`{"result":{"data":${JSON.stringify(data)}}}`);

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
