import { defineConfig } from "vitest/config";

// Unit tests of the SPA's pure logic; the browser flows are tested in apps/e2e.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
