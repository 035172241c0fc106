import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file boots a real server over its own database; on 2 cores under turbo a fresh PGlite
    // or Postgres database can take seconds. These are ceilings, not timings under test.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
