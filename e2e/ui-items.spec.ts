import { test, expect } from "@playwright/test";
import { ADMIN, uniq } from "./support/auth";
import { openSettled, seedUiFixture, stateFor, type UiFixture } from "./support/ui-fixture";

let fx: UiFixture;
test.beforeAll(async ({ browser, baseURL }) => {
  fx = await seedUiFixture(browser, baseURL!);
});
test.use({ storageState: stateFor("admin") });

test("a text search that finds nothing says body capture is off and links to the setting", async ({ page }) => {
  await openSettled(page, `/admin/logs?q=${uniq("no-such-prompt-text")}`);
  const hint = page.getByTestId("capture-off-hint");
  await expect(hint).toContainText("body capture");
  await expect(hint.getByRole("link", { name: /Settings/ })).toHaveAttribute("href", /\/admin\/settings/);
});

test("the body-capture checkbox ticks at once, before the server answers", async ({ page }) => {
  await openSettled(page, "/admin/settings");
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/api/admin/logs/body-capture", async (route) => {
    await held;
    await route.continue();
  });
  const box = page.getByTestId(`capture-${fx.apiSlug}`);
  await expect(box).not.toBeChecked();
  await box.click();
  await expect(box).toBeChecked({ timeout: 1000 });
  release();
  await expect(box).toBeChecked();
  await box.click(); // back off, so other tests keep the default
  await expect(box).not.toBeChecked();
});

test("a failed load offers Retry", async ({ page }) => {
  // The first load and react-query's one automatic retry both fail; the user's Retry then succeeds.
  let failures = 2;
  await page.route("**/api/admin/teams", async (route) => {
    if (failures > 0 && route.request().method() === "GET") {
      failures--;
      await route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: { code: "internal", message: "Something went wrong." } }) });
    } else await route.continue();
  });
  await page.goto("/admin/teams");
  await page.getByTestId("retry").click();
  await expect(page.getByRole("link", { name: "Demo team" })).toBeVisible();
});

test("publishing a prompt says when the API is still a draft, and an unchanged draft cannot be published again", async ({ page }) => {
  await openSettled(page, `/admin/apis/${fx.promptApiId}/prompt`);
  await page.getByLabel("Route", { exact: true }).selectOption("mock-chat");
  await page.getByLabel("User template").fill("Say hi");
  await page.getByTestId("publish-prompt").click();
  await expect(page.getByTestId("prompt-notice")).toContainText("Published v1");
  await expect(page.getByTestId("prompt-notice")).toContainText("still draft");
  await expect(page.getByTestId("publish-prompt")).toBeDisabled();
  await expect(page.getByTestId("publish-prompt")).toHaveText("v1 is current");
  await page.getByLabel("User template").fill("Say hello");
  await expect(page.getByTestId("publish-prompt")).toHaveText("Publish v2");
});

test("table headers sort, badges keep their size, roles read as words", async ({ page }) => {
  await openSettled(page, "/admin/users");
  const table = page.getByRole("table", { name: "Users" });
  const emailHeader = table.getByRole("columnheader", { name: /Email/ });
  await emailHeader.getByRole("button").click();
  await expect(emailHeader).toHaveAttribute("aria-sort", "ascending");
  const emails = async () => (await table.locator("tbody tr td:first-child").allInnerTexts()).map((s) => s.trim());
  const asc = await emails();
  expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base", numeric: true })));
  await emailHeader.getByRole("button").click();
  await expect(emailHeader).toHaveAttribute("aria-sort", "descending");
  expect(await emails()).toEqual([...asc].reverse());
  const badge = table.locator(".badge").first();
  const cell = table.locator("tbody tr td").filter({ has: page.locator(".badge") }).first();
  expect((await badge.boundingBox())!.width).toBeLessThan((await cell.boundingBox())!.width);
  await expect(page.locator("body")).not.toContainText("team_admin");
});

test("setup without detours: admins land on the dashboard, Add member creates the account, providers test their connection", async ({ browser, page }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const login = await ctx.newPage();
  await login.goto("/login");
  await login.getByLabel("Email").fill(ADMIN.email);
  await login.getByLabel("Password").fill(ADMIN.password);
  await login.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(login).toHaveURL(/\/admin$/);
  await ctx.close();

  await openSettled(page, `/admin/teams/${fx.teamId}`);
  await page.getByRole("button", { name: "Add member" }).click();
  const dialog = page.getByRole("dialog", { name: "Add member" });
  const email = `${uniq("new")}@e2e.test`;
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(dialog.getByTestId("add-member-create")).toBeVisible();
  await dialog.getByLabel("Name").fill("Nora New");
  await dialog.getByLabel("First password").fill("a-long-first-password");
  await dialog.getByRole("button", { name: "Create account and add" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(email)).toBeVisible();

  await openSettled(page, "/admin/providers");
  await page.getByRole("button", { name: "Test connection of Built-in mock" }).click();
  const test = page.getByRole("dialog", { name: /Test connection/ });
  await test.getByTestId("provider-test-run").click();
  await expect(test.getByTestId("provider-test-result")).toContainText("Connected");
});

test("charts: one day of data is drawn as bars, not a ramp; the axis has no repeated labels", async ({ page }) => {
  await openSettled(page, "/admin/costs?range=30d");
  const tokens = page.getByTestId("tokens-by-model-chart");
  await expect(tokens).toHaveAttribute("data-sparse", "true");
  await expect(tokens).toHaveAttribute("data-shape", "bar");
  // Y-axis tick labels are the right-aligned texts of the chart (recharts may draw them in a separate layer).
  const yLabels = tokens.locator('svg text[text-anchor="end"]');
  await expect(yLabels.first()).toBeVisible();
  const ticks = (await yLabels.allTextContents()).map((t) => t.trim()).filter(Boolean);
  expect(ticks.length).toBeGreaterThan(1);
  expect(new Set(ticks).size).toBe(ticks.length);
});
