import type { AnyRouter } from "@trpc/server";
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  type TRPCError,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import type { Context } from "./context";

export type CallErrorHandler = (opts: {
  error: TRPCError;
  path: string;
  input: unknown;
  ctx: Context;
  type: "mutation";
}) => void;

/**
 * A non-batched JSON mutation as tRPC's HTTP adapter runs it, without the adapter: the
 * procedure itself (its middlewares, input schema, error mapping) is called exactly as
 * `resolveResponse` calls it, and its result or error is shaped the way `resolveResponse`
 * shapes it — `{"result":{"data":…}}`, or the router's errorFormatter's shape with the status
 * tRPC derives from the error's code — after `onError`, as there.
 *
 * What it leaves out is the adapter's per-request work: a WHATWG Request and Response, their
 * Headers and AbortSignals, and content negotiation. --cpu-prof of the create scenario put that
 * at ~15 % of the server's CPU per booking. The caller must only pass requests the adapter would
 * treat as such a call: POST, `content-type: application/json`, no `trpc-accept`, no batching,
 * and a body that parsed as JSON (`json`).
 */
export async function callMutation(
  router: AnyRouter,
  path: string,
  ctx: Context,
  json: unknown,
  onError?: CallErrorHandler,
): Promise<{ status: number; body: string }> {
  const config = router._def._config;
  const procedure = await getProcedureAtPath(router, path);
  if (procedure?._def.type !== "mutation") {
    throw new Error(`${path} is not a mutation of this router`);
  }
  let input: unknown; // as tRPC reports it: once read, the deserialized input
  try {
    const data = await procedure({
      path,
      getRawInput: async () => {
        input = config.transformer.input.deserialize(json);
        return input;
      },
      ctx,
      type: "mutation",
      signal: undefined,
      batchIndex: 0,
    });
    return { status: 200, body: JSON.stringify(transformTRPCResponse(config, { result: { data } })) };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    onError?.({ error, path, input, ctx, type: "mutation" });
    const response = { error: getErrorShape({ config, ctx, error, input, path, type: "mutation" }) };
    return {
      status: getHTTPStatusCode(response),
      body: JSON.stringify(transformTRPCResponse(config, response)),
    };
  }
}
