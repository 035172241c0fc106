import { type Logger, pino } from "pino";
import type { Env } from "./env";

export type { Logger };

/** JSON lines on stdout: one structured log for humans (via `pino-pretty`) and machines alike. */
export function createLogger(env: Pick<Env, "LOG_LEVEL" | "NODE_ENV">): Logger {
  return pino({
    level: env.LOG_LEVEL,
    base: { service: "dlsms", env: env.NODE_ENV },
    // Tokens and passwords must never reach log storage, even if a request object is logged.
    redact: ["req.headers.authorization", "password", "*.password", "token", "*.token"],
  });
}
