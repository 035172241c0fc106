import { z } from "zod";

/**
 * What the test suites read from the environment, parsed once. CI points DATABASE_URL and
 * REDIS_URL at the real services; without them tests use PGlite and in-process backends.
 */
export const testEnv = z
  .object({
    DATABASE_URL: z.url().optional(),
    REDIS_URL: z.url().optional(),
  })
  .parse(process.env);
