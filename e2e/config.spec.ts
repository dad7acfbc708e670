import fs from "node:fs";
import { test, expect } from "@playwright/test";
import { uniq } from "./support/auth";

test.use({ storageState: "e2e/.auth/admin.json" });

test("Settings exports the configuration as a file; a route declared by a file carries the badge", async ({ page, baseURL }) => {
  const alias = uniq("cfg-route");
  // A file declaring one route on the built-in mock (sections left out are not touched).
  const file = `routes:\n  - alias: ${alias}\n    targets:\n      - { provider: Built-in mock, model: mock-chat }\n`;
  const applied = await page.request.post("/api/admin/config/apply", { data: { file }, headers: { origin: baseURL! } });
  expect(applied.status()).toBe(200);

  await page.goto("/admin/settings");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("config-export").click()]);
  expect(download.suggestedFilename()).toBe("portico.yaml");
  const text = fs.readFileSync((await download.path())!, "utf8");
  expect(text).toContain(`alias: ${alias}`);
  expect(text).toContain("providers:");

  await page.goto("/admin/routes");
  await expect(page.getByTestId(`managed-route-${alias}`)).toHaveText("managed by config file");
});
