import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiDeps, type AppRouter, type Context, createContextFactory } from "@dlsms/api";
import { getRequestListener } from "@hono/node-server";
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { idempotencyKeyOf } from "./idempotency-header";
import { noteUser } from "./request-log";
import { withTrpcFastPath } from "./trpc-fast-path";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
/** The calls of a request, as tRPC's adapters (and the fast path) describe them to createContext. */
type CallsInfo = {
  calls: ReadonlyArray<{ path: string }>;
  connectionParams?: Record<string, string | undefined> | null;
};

export interface TrpcHttpOptions {
  router: AppRouter;
  deps: ApiDeps;
  maxBodySize: number;
  onError: (opts: { error: TRPCError; path?: string }) => void;
}

/**
 * tRPC's adapters answer a request they refuse before reading it (e.g. 415 for a body that is
 * not JSON) with a JSON body but no content type, which fetch's Response then calls text/plain.
 */
const jsonErrors = ({ info, errors }: { info?: unknown; errors: unknown[] }) =>
  info === undefined && errors.length > 0 ? { headers: { "content-type": "application/json" } } : {};

/**
 * tRPC over HTTP. The calls our clients send (batched or not, JSON) run on the fast path
 * (trpc-fast-path.ts); everything else goes to one of tRPC's adapters by request shape. Requests
 * whose size is known up front (and bodies with a Content-Length, refused here with 413 when too
 * large) go through the fetch adapter on @hono/node-server's lightweight Request, cheaper per call
 * than the standalone adapter's full WHATWG objects; chunked bodies keep the standalone adapter,
 * whose maxBodySize bounds them while they stream.
 */
export function createTrpcHttpHandler(options: TrpcHttpOptions): Handler {
  const contextOf = createContextFactory(options.deps);
  const contextFor = async (opts: { req: IncomingMessage; info?: CallsInfo }): Promise<Context> => {
    const ctx = await contextOf(opts);
    noteUser(opts.req, ctx.user?.id);
    const idempotencyKey = idempotencyKeyOf(
      opts.req.headers,
      opts.info?.calls.map((call) => call.path),
    );
    return idempotencyKey ? { ...ctx, idempotencyKey } : ctx;
  };
  const standalone = createHTTPHandler({
    router: options.router,
    basePath: "/trpc/",
    maxBodySize: options.maxBodySize,
    createContext: contextFor,
    onError: options.onError,
    responseMeta: jsonErrors,
  });
  const listener = getRequestListener(
    // Mounted on a node:http (HTTP/1.1) server: the bindings' request is an IncomingMessage.
    (request, env) =>
      fetchRequestHandler({
        endpoint: "/trpc",
        req: request,
        router: options.router,
        createContext: ({ info }): Promise<Context> =>
          contextFor({ req: env.incoming as IncomingMessage, info }),
        onError: options.onError,
        responseMeta: jsonErrors,
      }),
    { overrideGlobalObjects: false },
  );
  const adapters: Handler = (req, res) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > options.maxBodySize) {
      payloadTooLarge(res, options.maxBodySize);
      return;
    }
    const sizeKnown =
      req.method === "GET" || (declared !== undefined && req.headers["transfer-encoding"] === undefined);
    if (sizeKnown) {
      listener(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end();
      });
      return;
    }
    standalone(req, res);
  };
  const fastPath = {
    router: options.router,
    createContext: contextFor,
    onError: options.onError,
    maxBodySize: options.maxBodySize,
  };
  return withTrpcFastPath(fastPath, adapters);
}

/** The same shape tRPC's own PAYLOAD_TOO_LARGE has, so clients see one kind of error. */
function payloadTooLarge(res: ServerResponse, limit: number): void {
  res.writeHead(413, { "content-type": "application/json", connection: "close" });
  res.end(
    JSON.stringify({
      error: {
        message: `Request body larger than ${limit} bytes`,
        code: -32013,
        data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
      },
    }),
  );
}
