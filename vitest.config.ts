import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.{ts,tsx}", "tests/**/*.test.ts", "e2e/fakes/**/*.test.ts"],
    environment: "node",
    // PORTICO_TEST_ENGINE=postgres: DATABASE_URL selects PostgreSQL before test files load.
    setupFiles: ["tests/support/engine-env.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
