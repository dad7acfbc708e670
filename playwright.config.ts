import { defineConfig, devices } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

/**
 * Browser tests against the production build (`npm run build` first; `npm test` does it)
 * on a throw-away database, with a fake provider upstream beside it.
 * Chromium comes from the OS (/usr/bin/chromium), override with PORTICO_CHROMIUM.
 * PORTICO_E2E_DATABASE_URL runs the server on another database (scripts/test.mjs's
 * PostgreSQL pass: an empty scratch database); PORTICO_E2E_RESULTS names the JSON report.
 */
const PORT = Number(process.env.PORTICO_E2E_PORT || 3199);
const FAKE_PORT = Number(process.env.PORTICO_E2E_FAKE_PORT || 3198);
const dir = path.resolve(process.env.PORTICO_E2E_DIR || ".tmp/e2e");
export const baseURL = `http://127.0.0.1:${PORT}`;

// Only the runner's main process starts from a clean database (workers load this file too).
if (!process.env.TEST_WORKER_INDEX && !process.env.PORTICO_E2E_KEEP) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

export default defineConfig({
  testDir: "./e2e",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.PORTICO_E2E_RESULTS || "test-results/e2e-results.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.PORTICO_CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/ },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
  webServer: [
    {
      command: `npx tsx e2e/fakes/cli.ts --port ${FAKE_PORT}`,
      url: `http://127.0.0.1:${FAKE_PORT}/v1/models`,
      ignoreHTTPSErrors: true,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
    },
    {
      command: "node dist/server.js",
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      env: {
        NODE_ENV: "production",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        DATABASE_URL: process.env.PORTICO_E2E_DATABASE_URL || `file:${dir}/portico.db`,
        PORTICO_SECRET_FILE: `${dir}/secret.key`,
        PORTICO_ADMIN_EMAIL: "admin@e2e.test",
        PORTICO_ADMIN_PASSWORD: "e2e-admin-password",
        NEXTAUTH_URL: baseURL,
        PORTICO_CONFIG_POLL_MS: "200",
        PORTICO_E2E_FAKE_URL: `http://127.0.0.1:${FAKE_PORT}`,
        // e2e/mcp.spec.ts registers a fake MCP server on 127.0.0.1
        PORTICO_MCP_ALLOW_PRIVATE: "1",
      },
    },
  ],
});
