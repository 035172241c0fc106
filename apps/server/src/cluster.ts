import cluster, { type Worker } from "node:cluster";
import type { Logger } from "./logger";

/**
 * WORKERS > 1: this process only supervises. It forks that many server processes, which share
 * PORT and GRPC_PORT through node:cluster (the primary accepts and hands out connections), and
 * restarts one that dies. Instances are stateless (Postgres holds the data, Redis the events and
 * caches), so workers are just more instances; the sweeper runs in each, which its conditional
 * updates make safe.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count }, `DL-SMS supervising ${count} server processes`);

  cluster.on("exit", (worker: Worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, "a server process died; starting another");
    fork();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down the server processes");
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    setTimeout(() => {
      logger.error("server processes took too long to stop, exiting");
      process.exit(1);
    }, 20_000).unref();
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once("exit", () => {
        left -= 1;
        if (left === 0) {
          logger.info("stopped");
          process.exit(0);
        }
      });
      worker.process.kill("SIGTERM");
    }
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

export const isSupervisor = (workers: number) => workers > 1 && cluster.isPrimary;
