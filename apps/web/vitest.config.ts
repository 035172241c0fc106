import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Two projects: unit tests of the SPA's pure logic (Node), and component tests that render the
// real components in happy-dom against one real server started for the whole run. The browser
// flows at desktop and phone size stay in apps/e2e.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/*.test.ts"], environment: "node" } },
      {
        plugins: [react()],
        test: {
          name: "components",
          include: ["test/components/**/*.test.tsx"],
          environment: "happy-dom",
          globalSetup: ["test/components/server.global.ts"],
          setupFiles: ["test/components/setup.ts"],
          // Every test waits on real HTTP and WebSocket round trips to the shared server.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
