import type { BusHandler, BusLogger } from "./types";

/** Calls each live handler; one that throws is logged and does not stop the others. */
export function deliver(
  handlers: Set<BusHandler>,
  message: unknown,
  channel: string,
  logger: BusLogger | undefined,
): void {
  for (const h of [...handlers]) {
    if (!handlers.has(h)) continue;
    try {
      h(message);
    } catch (err) {
      logger?.warn({ err, channel }, "bus handler threw");
    }
  }
}
