/**
 * Runs the fake upstream's own tests on their own, until (or besides) the root vitest include
 * list covering e2e/fakes:  npx vitest run --config e2e/fakes/vitest.config.ts
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["e2e/fakes/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
  },
});
