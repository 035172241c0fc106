import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiDeps, type AppRouter, type Context, createContextFactory } from "@dlsms/api";
import { getRequestListener } from "@hono/node-server";
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TrpcHttpOptions {
  router: AppRouter;
  deps: ApiDeps;
  maxBodySize: number;
  onError: (opts: { error: TRPCError; path?: string }) => void;
}

/**
 * tRPC over HTTP, two adapters by request shape. Reads without a body (GET: queries, the hot
 * path — seat discovery, branches, "mine") go through tRPC's fetch adapter on @hono/node-server's
 * lightweight Request, which profiling showed costs far less per call than the standalone
 * adapter's full WHATWG Request/AbortSignal construction (the REST door, served this way,
 * answered the same cached listing ~1.5× faster). Anything with a body keeps the standalone
 * adapter, whose maxBodySize also bounds chunked uploads while they stream.
 */
export function createTrpcHttpHandler(options: TrpcHttpOptions): Handler {
  const contextFor = createContextFactory(options.deps);
  const standalone = createHTTPHandler({
    router: options.router,
    basePath: "/trpc/",
    maxBodySize: options.maxBodySize,
    createContext: contextFor,
    onError: options.onError,
  });
  const listener = getRequestListener(
    // Mounted on a node:http (HTTP/1.1) server: the bindings' request is an IncomingMessage.
    (request, env) =>
      fetchRequestHandler({
        endpoint: "/trpc",
        req: request,
        router: options.router,
        createContext: (): Promise<Context> => contextFor({ req: env.incoming as IncomingMessage }),
        onError: options.onError,
      }),
    { overrideGlobalObjects: false },
  );
  return (req, res) => {
    if (req.method === "GET") {
      listener(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end();
      });
      return;
    }
    standalone(req, res);
  };
}
