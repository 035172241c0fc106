import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One Chromium and one server at a time: the CI machine has two cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
