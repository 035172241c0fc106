import type { BusLogger } from "./types";

/**
 * Tracks whether a Redis-backed component is degraded, so an outage logs ONE warning (not one
 * per failed call or reconnect attempt) and its end logs one info line.
 */
export interface Health {
  readonly down: boolean;
  /** Records a failure; warns only on the transition to down. */
  fail(err: unknown): void;
  /** Records a success; on the transition back to up logs and runs `onRecover`. */
  ok(): void;
}

export function createHealth(name: string, logger: BusLogger | undefined, onRecover?: () => void): Health {
  let down = false;
  return {
    get down() {
      return down;
    },
    fail(err) {
      if (down) return;
      down = true;
      logger?.warn({ err: errorMessage(err), component: name }, `${name}: Redis unavailable, degrading`);
    },
    ok() {
      if (!down) return;
      down = false;
      logger?.info?.({ component: name }, `${name}: Redis is back`);
      onRecover?.();
    },
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
