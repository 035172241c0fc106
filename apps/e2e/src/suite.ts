import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { type E2eServer, startServer } from "./server";

export interface Suite {
  server: E2eServer;
  browser: Browser;
}

/**
 * One real server (fresh database) and one Chromium per test file, started before its tests and
 * stopped after them. Read the fields inside tests and hooks, not at module load.
 */
export function useSuite(): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.server = await startServer();
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
