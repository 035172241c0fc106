import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Logger } from "./logger";
import type { Metrics, RequestLabels } from "./metrics";

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

// The user a request was authenticated as, noted by the doors that resolve tokens; never the token.
const users = new WeakMap<object, number>();

export function noteUser(req: AnyRequest | undefined, userId: number | undefined): void {
  if (req !== undefined && userId !== undefined) users.set(req, userId);
}

export interface Observed extends RequestLabels {
  /** The tRPC calls of a batch, each counted. */
  calls?: readonly string[];
}

/**
 * Times every request and, when its answer is done (or the client went away), counts it in
 * /metrics and writes one log line: method, path (never the query, which can hold input),
 * the door's route or procedure, status, duration and the user id.
 */
export function observeRequests<Req extends AnyRequest, Res extends AnyResponse>(
  handler: (req: Req, res: Res) => void,
  deps: { metrics: Metrics; logger: Pick<Logger, "info">; labelsOf: (req: Req) => Observed },
): (req: Req, res: Res) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const labels = deps.labelsOf(req);
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499;
      deps.metrics.request({ door: labels.door, procedure: labels.procedure }, status, seconds, labels.calls);
      deps.logger.info(
        {
          method: req.method,
          path: pathOf(req.url),
          door: labels.door,
          procedure: labels.procedure,
          status,
          ms: Math.round(seconds * 10_000) / 10,
          user: users.get(req) ?? null,
        },
        "request",
      );
    });
    handler(req, res);
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q === -1 ? raw : raw.slice(0, q);
}

/** Labels for a request on the HTTP port: tRPC procedure names and REST routes from fixed lists. */
export function httpLabels(
  procedures: ReadonlySet<string>,
  restRoute: (method: string, path: string) => string | undefined,
): (req: IncomingMessage) => Observed {
  return (req) => {
    const path = pathOf(req.url);
    if (path.startsWith("/trpc/")) {
      const calls = safeDecode(path.slice("/trpc/".length))
        .split(",")
        .map((name) => (procedures.has(name) ? name : "other"));
      return { door: "trpc", procedure: calls.length === 1 ? (calls[0] as string) : "batch", calls };
    }
    if (path === "/api" || path.startsWith("/api/"))
      return { door: "rest", procedure: restRoute(req.method ?? "GET", path) ?? "other" };
    if (path === "/healthz" || path === "/metrics") return { door: "ops", procedure: path };
    if (path === "/auth/oidc/login" || path === "/auth/oidc/callback")
      return { door: "web", procedure: path };
    return { door: "web", procedure: "static" };
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
