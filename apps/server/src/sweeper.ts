import type { ApiDeps } from "@dlsms/api";
import { runSweep, type SweepResult } from "@dlsms/api/server";
import { Cron } from "croner";
import type { Logger } from "./logger";

export interface Sweeper {
  /** Runs one pass now (tests, and the first pass at boot). Never throws. */
  runOnce(): Promise<void>;
  /** Stops scheduling and resolves when a pass in flight has finished. */
  stop(): Promise<void>;
}

/**
 * The lifecycle sweeper, in-process on every instance. croner's `protect` skips a tick while
 * the previous pass still runs; runSweep's conditional updates make concurrent passes on
 * other instances harmless. Errors are logged, never thrown: the next tick tries again.
 */
export function startSweeper(
  deps: ApiDeps,
  intervalSeconds: number,
  logger: Logger,
  onPass: (result: SweepResult | "failed") => void = () => undefined,
): Sweeper {
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      const { result, effects } = await runSweep(deps.db, deps.config.rules);
      await effects.flush(deps);
      onPass(result);
      if (Object.values(result).some((n) => n > 0)) {
        logger.info({ sweep: result }, "sweeper pass");
      }
    } catch (err) {
      logger.error({ err }, "sweeper pass failed");
      onPass("failed");
    }
  };
  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const job = new Cron("* * * * * *", { interval: intervalSeconds, protect: true, unref: true }, runOnce);
  return {
    runOnce,
    async stop() {
      job.stop();
      await running;
    },
  };
}
