import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiDeps, appRouter, createContextFactory } from "@dlsms/api";
import { checkHealth, pendingMailCount } from "@dlsms/api/server";
import { createDatabase, type DbHandle, migrateAndSeed } from "@dlsms/db";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import type { Registry } from "prom-client";
import { WebSocketServer } from "ws";
import { type Backends, createBackends } from "./backends";
import { campusSignInSettings, createCampusSignIn } from "./campus-sign-in";
import { type Env, publicUrlOf, toApiConfig } from "./env";
import { type GrpcDoor, startGrpcServer } from "./grpc/server";
import type { Logger } from "./logger";
import { createSharedLoginLimiter } from "./login-limiter";
import { type MailWorker, startMailWorker } from "./mail-worker";
import { createMailer } from "./mailer";
import { createMetrics } from "./metrics";
import { httpLabels, observeRequests } from "./request-log";
import { createRestHandler } from "./rest";
import { createStaticHandler, type Handler } from "./static";
import { type Sweeper, startSweeper } from "./sweeper";
import { createTrpcHttpHandler } from "./trpc-http";

export interface DlsmsServerOptions {
  env: Env;
  logger: Logger;
  /** Inject a database (tests pass createTestDatabase()); the caller then owns closing it. */
  database?: DbHandle;
  /** Inject cache + bus (tests share in-process ones between two instances); caller owns them. */
  backends?: Backends;
  /** Built SPA directory; defaults to apps/web/dist. */
  webDist?: string;
  /** How long WebSocket clients get to act on the reconnect notice before their sockets close. */
  shutdownGraceMs?: number;
}

export interface DlsmsServer {
  httpServer: Server;
  /** http://host:port with the real port (PORT=0 picks a free one). */
  url: string;
  port: number;
  deps: ApiDeps;
  database: DbHandle;
  sweeper: Sweeper;
  mailWorker: MailWorker;
  /** The gRPC door's real port (GRPC_PORT=0 picks a free one); undefined when GRPC_PORT=off. */
  grpcPort: number | undefined;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  return q === -1 ? raw : raw.slice(0, q);
}

/** false when the probe fails or takes longer than `ms`. */
async function withTimeout(probe: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([probe.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Prometheus' text format; scrapers reach it without a token, like /healthz (see docs/operations.md). */
function serveMetrics(req: IncomingMessage, res: ServerResponse, registry: Registry): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendJson(res, 405, { error: "Method not allowed" });
    return;
  }
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : text);
    },
    () => sendJson(res, 500, { error: "metrics unavailable" }),
  );
}

const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export async function createDlsmsServer(options: DlsmsServerOptions): Promise<DlsmsServer> {
  const { env, logger } = options;
  const ownsDatabase = options.database === undefined;
  const database =
    options.database ??
    (await createDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      poolSize: env.DB_POOL_SIZE,
    }));
  try {
    if (ownsDatabase) {
      // Seeds only an empty database, so restarts keep their data.
      const { seeded } = await migrateAndSeed(database, {
        adminPassword: env.ADMIN_PASSWORD,
        bcryptCost: env.BCRYPT_COST,
      });
      logger.info({ seeded }, seeded ? "database migrated and seeded" : "database migrated");
    }
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }

  const ownsBackends = options.backends === undefined;
  const backends = options.backends ?? createBackends(env, logger);
  const { cache, bus } = backends;
  const config = toApiConfig(env);
  const loginLimits = createSharedLoginLimiter(env, config.auth);
  // Give Redis its first connection before we listen, so the first /healthz tells the truth.
  // Down is not fatal: the bus package degrades and recovers by itself.
  const [cacheUp, busUp] = await Promise.all([
    withTimeout(cache.ping(), 5_000),
    withTimeout(bus.ping(), 5_000),
    // Else the first logins would find no connection and count in this process alone.
    withTimeout(
      loginLimits.started().then(() => true),
      5_000,
    ),
  ]);
  if (!cacheUp || !busUp)
    logger.warn({ cacheUp, busUp }, "cache/bus not reachable at boot; running degraded");
  // Live-connection gauges read the WebSocket server and the REST door, made below.
  const live = { websockets: () => 0, sse: () => 0 };
  const metrics = createMetrics({
    websockets: () => live.websockets(),
    sse: () => live.sse(),
    mailPending: () => pendingMailCount(database.db),
  });
  const deps: ApiDeps = {
    db: database.db,
    cache,
    bus,
    config,
    loginLimiter: loginLimits.limiter,
    observer: metrics.observer,
  };
  const createContext = createContextFactory(deps);

  const onError = ({
    error,
    path,
  }: {
    error: { code: string; message: string; cause?: unknown };
    path?: string;
  }) => {
    // Client mistakes are answered, not logged; only our own failures are worth a line.
    if (error.code === "INTERNAL_SERVER_ERROR")
      logger.error({ err: error.cause ?? error, path }, "tRPC error");
  };

  const trpcHandler = createTrpcHttpHandler({
    router: appRouter,
    deps,
    maxBodySize: env.BODY_LIMIT_BYTES,
    onError,
  });
  const staticHandler = createStaticHandler(options.webDist);

  let boundPort = env.PORT;
  // ── REST door (/api): the original's REST contract over the same procedures (./rest).
  const rest = createRestHandler({
    deps,
    logger,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    // Read at request time: with PORT=0 the real port is known only after listen.
    publicUrl: () => publicUrlOf(env, boundPort),
  });
  const restHandler: Handler = rest.handle;
  // ── Campus sign-in (OIDC_*; off when unset): GET /auth/oidc/login and /auth/oidc/callback.
  const campusSettings = campusSignInSettings(env);
  const campusSignIn =
    campusSettings &&
    createCampusSignIn({
      settings: campusSettings,
      deps,
      logger,
      publicUrl: () => publicUrlOf(env, boundPort),
    });

  const handle: Handler = (req, res) => {
    const path = pathOf(req);
    if (path === "/metrics") {
      serveMetrics(req, res, metrics.registry);
      return;
    }
    if (path === "/healthz") {
      if (req.method !== "GET" && req.method !== "HEAD") {
        sendJson(res, 405, { error: "Method not allowed" });
        return;
      }
      checkHealth(deps).then(
        (health) => sendJson(res, health.ok ? 200 : 503, health),
        (err: unknown) => {
          logger.error({ err }, "health check failed");
          sendJson(res, 503, { ok: false });
        },
      );
      return;
    }
    if (isUnder(path, "/trpc")) {
      trpcHandler(req, res);
      return;
    }
    if (isUnder(path, "/api")) {
      restHandler(req, res);
      return;
    }
    if (isUnder(path, "/auth/oidc")) {
      if (campusSignIn) campusSignIn(req, res, path);
      else sendJson(res, 404, { error: "Campus sign-in is not configured" });
      return;
    }
    staticHandler(req, res);
  };

  const procedures = new Set(Object.keys(appRouter._def.procedures));
  const httpServer = createServer(
    observeRequests(handle, { metrics, logger, labelsOf: httpLabels(procedures, rest.routeOf) }),
  );
  // Keep-alive sockets outliving a load balancer's idle timeout cause spurious 502s upstream.
  httpServer.keepAliveTimeout = 65_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: env.BODY_LIMIT_BYTES });
  live.websockets = () => wss.clients.size;
  live.sse = () => rest.openStreams();
  const wssHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext,
    onError,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });
  httpServer.on("upgrade", (req, socket, head) => {
    if (!isUnder(pathOf(req), "/trpc")) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => wss.emit("connection", client, req));
  });

  // ── gRPC door (GRPC_PORT, "off" disables), from ./grpc, sharing `deps`.
  const grpc: GrpcDoor | undefined =
    env.GRPC_PORT === "off"
      ? undefined
      : await startGrpcServer({
          deps,
          port: env.GRPC_PORT,
          host: env.HOST,
          logger,
          observe: (handler, methods) =>
            observeRequests(handler, {
              metrics,
              logger,
              labelsOf: (req) => ({ door: "grpc", procedure: methods.has(req.url) ? req.url : "other" }),
            }),
        });
  // The sweeper (croner, every SWEEP_INTERVAL_SECONDS), sharing `deps`.
  const sweeper = startSweeper(deps, env.SWEEP_INTERVAL_SECONDS, logger, (result) =>
    metrics.sweep(result === "failed" ? result : { ...result }),
  );

  // The mail worker (./mail-worker): sends the outbox over SMTP_URL; without it, only tidies.
  const mailWorker = startMailWorker({
    db: database.db,
    mailer: env.SMTP_URL ? createMailer(env.SMTP_URL, env.MAIL_FROM) : undefined,
    settings: () => ({
      publicUrl: publicUrlOf(env, boundPort).replace(/\/+$/, ""),
      zone: config.rules.libraryTimezone,
      checkInEarlyMinutes: config.rules.checkInEarlyMinutes,
      graceMinutes: config.rules.graceMinutes,
    }),
    intervalSeconds: env.MAIL_INTERVAL_SECONDS,
    logger,
    onResult: (result) => metrics.mail(result),
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.PORT, env.HOST, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  boundPort = port;
  const shownHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // ── Stop the sweeper and the gRPC server here, before the database goes away.
      await sweeper.stop();
      await mailWorker.stop();
      rest.close();
      await grpc?.close();
      const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      // Clients reconnect (to another instance behind the balancer) instead of seeing an error.
      wssHandler.broadcastReconnectNotification();
      await new Promise((resolve) => setTimeout(resolve, options.shutdownGraceMs ?? 1_000).unref());
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      httpServer.closeAllConnections();
      await httpClosed;
      await loginLimits.close().catch(() => undefined);
      if (ownsBackends)
        await backends.close().catch((err: unknown) => logger.warn({ err }, "closing cache/bus failed"));
      if (ownsDatabase) await database.close();
    })();
    return closing;
  };

  return { httpServer, url, port, deps, database, sweeper, mailWorker, grpcPort: grpc?.port, close };
}
