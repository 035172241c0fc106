import { redactLocation } from "./backends";
import { isSupervisor, superviseWorkers } from "./cluster";
import { type Env, loadEnv } from "./env";
import { createLogger } from "./logger";
import { createDlsmsServer } from "./server";

/** The process entry: parse env once, build everything, log what was chosen, stop cleanly. */
async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    // Before a logger exists: a plain message is what an operator reads first.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(env);
  if (isSupervisor(env.WORKERS)) {
    superviseWorkers(env.WORKERS, logger);
    return;
  }
  const server = await createDlsmsServer({ env, logger });
  const { cache, bus } = server.deps;
  const redis = env.REDIS_URL ? redactLocation(env.REDIS_URL) : undefined;
  logger.info(
    {
      url: server.url,
      port: server.port,
      grpcPort: server.grpcPort ?? "off",
      backends: {
        database: { kind: server.database.kind, location: server.database.location },
        cache: { kind: cache.kind, ...(redis && cache.kind === "redis" ? { location: redis } : {}) },
        bus: { kind: bus.kind, ...(redis && bus.kind === "redis" ? { location: redis } : {}) },
      },
      mail: env.SMTP_URL ? redactLocation(env.SMTP_URL) : "off (SMTP_URL unset: mails stay queued)",
    },
    `DL-SMS listening on ${server.url}, gRPC ${server.grpcPort ? `on port ${server.grpcPort}` : "off"} (database ${server.database.kind}, cache ${cache.kind}, bus ${bus.kind})`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // A hung close must not keep the container from stopping.
    setTimeout(() => {
      logger.error("shutdown took too long, exiting");
      process.exit(1);
    }, 15_000).unref();
    server.close().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("DL-SMS failed to start:", error);
  process.exit(1);
});
