import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiDeps, DomainError, SeatTaken } from "@dlsms/api";
import { getRequestListener } from "@hono/node-server";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../logger";
import { registerAuthRoutes } from "./auth";
import { bodyLimit } from "./body-limit";
import { registerCatalogueRoutes } from "./catalogue";
import { type RestEnv, sessionMiddleware } from "./context";
import { registerDeskRoutes } from "./desk";
import { registerDocs } from "./docs";
import { INTERNAL_MESSAGE, readableIssues, toFailure } from "./failure";
import { registerReportRoutes } from "./reports";
import { registerReservationRoutes } from "./reservations";
import { registerSeatQrRoute } from "./seat-qr";
import { registerSeatRoutes } from "./seats";
import { registerStandingRoutes } from "./standing";
import { createStreamRegistry, registerStreamRoutes } from "./stream";
import { registerWaitlistRoutes } from "./waitlist";

export interface RestDoorOptions {
  deps: ApiDeps;
  logger: Pick<Logger, "error" | "warn">;
  bodyLimitBytes: number;
  /** Where the SPA is reached from outside, for the links in seats' QR codes (PUBLIC_URL). */
  publicUrl: () => string;
  /** SSE keepalive comment interval; the contract needs ≤ 30 s, tests use less. */
  keepaliveMs?: number;
}

export interface RestDoor {
  app: OpenAPIHono<RestEnv>;
  /** Node handler for requests whose path is under /api. */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Ends every open SSE stream (so the HTTP server can finish closing). */
  close(): void;
  /** Open SSE streams, for leak tests and metrics. */
  openStreams(): number;
  /** The route a request matches, as "GET /api/seats/{id}" (metrics labels), if any. */
  routeOf(method: string, path: string): string | undefined;
}

type Json = { error: string; suggestions?: RestSuggestion[] };

type RestSuggestion = { seat_id: number; seat_code: string; branch: string; area: string };

/** A lost booking's free seats (SeatTaken.suggestions) under the REST door's names. */
function restSuggestions(err: TRPCError | DomainError): RestSuggestion[] | undefined {
  const taken = err instanceof TRPCError ? err.cause : err;
  if (!(taken instanceof SeatTaken) || !taken.suggestions) return undefined;
  return taken.suggestions.map((s) => ({
    seat_id: s.seatId,
    seat_code: s.code,
    branch: s.branch,
    area: s.area,
  }));
}

/** The original gateway's liveness answer; the full backend check is the server's GET /healthz. */
const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["meta"],
  summary: "Liveness of the REST door",
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ service: z.string(), status: z.string() }) } },
      description: "Up",
    },
  },
});

function errorResponse(c: Context<RestEnv>, err: unknown, logger: RestDoorOptions["logger"]): Response {
  if (err instanceof TRPCError || err instanceof DomainError) {
    const failure = toFailure(err);
    if (failure.code === "INTERNAL_SERVER_ERROR")
      logger.error({ err: err.cause ?? err }, "REST door: procedure failed");
    if (failure.retryAfterSeconds !== undefined) c.header("retry-after", String(failure.retryAfterSeconds));
    const status = getHTTPStatusCodeFromError(new TRPCError({ code: failure.code })) as ContentfulStatusCode;
    const suggestions = restSuggestions(err);
    return c.json<Json>(
      { error: failure.message, ...(suggestions && { suggestions }) },
      Math.min(status, 500) as ContentfulStatusCode,
    );
  }
  if (err instanceof HTTPException) {
    // hono's own refusals: 415 from the media-type gate, 400 from the JSON body parser.
    const text =
      err.status === 415
        ? "Content-Type must be application/json"
        : err.status === 400
          ? "The request body is not valid JSON"
          : err.message || "Bad request";
    return c.json<Json>({ error: text }, err.status);
  }
  logger.error({ err }, "REST door: unexpected error");
  return c.json<Json>({ error: INTERNAL_MESSAGE }, 500);
}

/** `/api/reservations/:id` → a regex, to tell "wrong method" (405) from "no such path" (404). */
function patternOf(path: string): RegExp {
  const body = path
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${body}$`);
}

export function createRestHandler(options: RestDoorOptions): RestDoor {
  const { deps, logger } = options;
  const app = new OpenAPIHono<RestEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json<Json>({ error: readableIssues(result.error.issues) }, 400);
    },
  }).basePath("/api");

  app.use("*", bodyLimit(options.bodyLimitBytes));
  app.use("*", sessionMiddleware(deps));

  app.openapi(healthz, (c) => c.json({ service: "gateway", status: "healthy" }, 200));
  registerAuthRoutes(app, deps);
  registerSeatRoutes(app, deps);
  registerSeatQrRoute(app, deps, options.publicUrl);
  registerReservationRoutes(app, deps);
  registerWaitlistRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerCatalogueRoutes(app, deps);
  registerDeskRoutes(app, deps);
  registerStandingRoutes(app, deps);
  const streams = createStreamRegistry();
  registerStreamRoutes(app, deps, streams, { keepaliveMs: options.keepaliveMs ?? 15_000, logger });

  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "DL-SMS REST API",
      version: "1.0.0",
      description:
        "The original system's REST contract, served over DL-SMS's procedures. Every route but " +
        "login, register, healthz and these docs needs `Authorization: Bearer <token>`.",
    },
    servers: [{ url: "/" }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  registerDocs(app);

  let patterns: { re: RegExp; method: string; path: string }[] | undefined;
  const routes = () =>
    (patterns ??= app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ re: patternOf(r.path), method: r.method, path: r.path })));
  app.notFound((c) => {
    const patterns = routes();
    const allowed = [...new Set(patterns.filter((p) => p.re.test(c.req.path)).map((p) => p.method))];
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      c.header("allow", allowed.join(", "));
      return c.json<Json>({ error: `Method ${c.req.method} not allowed on this path` }, 405);
    }
    return c.json<Json>({ error: "Endpoint not found" }, 404);
  });
  app.onError((err, c) => errorResponse(c, err, logger));

  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  return {
    app,
    handle: (req, res) => {
      listener(req, res).catch((err: unknown) => {
        logger.error({ err }, "REST door: response failed");
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify({ error: INTERNAL_MESSAGE }));
        } else res.destroy();
      });
    },
    close: () => streams.closeAll(),
    openStreams: () => streams.size,
    routeOf: (method, path) => {
      const route = routes().find((r) => r.method === method && r.re.test(path));
      return route && `${method} ${route.path.replace(/:(\w+)/g, "{$1}")}`;
    },
  };
}
