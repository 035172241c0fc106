import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiDeps, cachedReadAnswer, isCachedReadPath, TRPC_JSON_HEADERS } from "@dlsms/api";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * GETs of `seats.list` / `branches.list` answered from the listing cache, and of
 * `reservations.mine` from the caller's own cached copy, without tRPC's request pipeline.
 * --cpu-prof of cached seat discovery showed ~1/3 of the server's time in serialising the
 * ~35 KB answer again for every request, and most of the rest in tRPC's per-call pipeline.
 * This checks what the procedure checks (a valid, unexpired token; valid input), takes the copy
 * the procedure would (fresh under the current seats version, for the signed-in user where the
 * answer is per user, loaded the same way on a miss) and writes its stored answer bytes.
 * Anything it does not recognise — a batch, a streaming accept header, an unknown parameter,
 * bad input, no token, an error while loading — goes to `next` (tRPC), which answers in its own
 * shapes.
 */
export function withCachedReads(deps: ApiDeps, next: Handler): Handler {
  return (req, res) => {
    const call = req.method === "GET" ? cachedReadCall(req) : undefined;
    if (!call) {
      next(req, res);
      return;
    }
    cachedReadAnswer(deps, call).then(
      (answer) => {
        if (!answer) return next(req, res);
        res.writeHead(200, { ...TRPC_JSON_HEADERS, "content-length": answer.bytes.length });
        // A lent buffer goes back once the socket has taken every byte ('finish'); on an error
        // (or a closed connection, where 'finish' never comes) it is simply not reused.
        res.end(answer.bytes, answer.written && givenBackAfterWrite(answer.written));
      },
      () => next(req, res),
    );
  };
}

const givenBackAfterWrite =
  (written: () => void) =>
  (error?: Error | null): void => {
    if (!error) written();
  };

function cachedReadCall(req: IncomingMessage) {
  if (req.headers["trpc-accept"] !== undefined) return undefined;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = url.slice("/trpc/".length, q === -1 ? undefined : q);
  if (!url.startsWith("/trpc/") || !isCachedReadPath(path)) return undefined;
  let rawInput: string | undefined;
  if (q !== -1) {
    const params = new URLSearchParams(url.slice(q + 1));
    for (const name of params.keys()) if (name !== "input") return undefined;
    rawInput = params.get("input") ?? undefined;
  }
  return { path, rawInput, authorization: req.headers.authorization };
}
