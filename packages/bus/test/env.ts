import { z } from "zod";

/** What the bus tests read from the environment, parsed once. */
export const testEnv = z
  .object({
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  })
  .parse(process.env);
