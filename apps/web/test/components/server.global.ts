import { randomBytes } from "node:crypto";
import { testEnv } from "@dlsms/db/testing";
import type { TestProject } from "vitest/node";
import { startTestServer } from "../../../server/test/helpers";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the real server the components talk to, e.g. http://127.0.0.1:41234. */
    serverUrl: string;
  }
}

/**
 * One real server (and database) for every component test file: starting one per file would
 * cost seconds each. Files keep out of each other's way by using their own students, days and
 * seats. With REDIS_URL set, live events travel through real Redis, in a namespace of this run.
 */
export default async function setup(project: TestProject) {
  const redisUrl = testEnv.REDIS_URL;
  const redis: Record<string, string> = redisUrl
    ? { REDIS_URL: redisUrl, REDIS_NAMESPACE: `web-${randomBytes(4).toString("hex")}` }
    : {};
  const server = await startTestServer(redis);
  project.provide("serverUrl", server.url);
  return () => server.stop();
}
