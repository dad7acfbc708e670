import fs from "node:fs";
import { test, expect, type APIRequestContext } from "@playwright/test";
import { uniq } from "./support/auth";

test.use({ storageState: "e2e/.auth/admin.json" });

/** A key of the seeded demo app (approved for the Mock LLM API), made through the admin API. */
async function demoKey(request: APIRequestContext): Promise<string> {
  const apps = (await (await request.get("/api/admin/apps")).json()) as { items: { id: string; name: string }[] };
  const demoApp = apps.items.find((a) => a.name === "demo-app")!;
  const created = await request.post("/api/admin/keys", { data: { name: uniq("obs-key"), appId: demoApp.id } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { key: string }).key;
}

async function call(request: APIRequestContext, key: string, model: string, requestId: string, content = "hello observability") {
  return request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${key}`, "x-request-id": requestId },
    data: { model, messages: [{ role: "user", content }] },
  });
}

test("logs: search by text and filters, open a detail, export CSV; costs: the per-team chart renders", async ({ page, request }, testInfo) => {
  // Give the mock model a price so calls cost something (through the admin API, like the UI).
  const priced = await request.patch("/api/admin/models/mdl_mock_chat", { data: { inputPricePerM: 1000, outputPricePerM: 2000 } });
  expect(priced.status()).toBe(200);

  const key = await demoKey(request);
  const tag = uniq("obs").replace(/[^a-z0-9]/gi, "");
  const okIds = [1, 2, 3].map((i) => `e2e-${tag}-ok-${i}`);
  for (const id of okIds) expect((await call(request, key, "mock-chat", id)).status()).toBe(200);
  const ghost = `ghost${tag}`;
  const errId = `e2e-${tag}-err`;
  expect((await call(request, key, ghost, errId)).status()).toBe(404);

  // Free-text search finds the failed call by the model name in its error message.
  await page.goto(`/admin/logs?q=${ghost}`);
  await expect(async () => {
    await page.getByTestId("refresh-logs").click();
    await expect(page.locator(`[data-testid="log-row"][data-id="${errId}"]`)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId("log-row")).toHaveCount(1);

  // Typing in the search box (committed to the URL) + a status filter: the successful calls by id.
  await page.goto("/admin/logs");
  await page.getByLabel("Search").fill(`e2e-${tag}-ok-2`);
  await page.getByLabel("Search").press("Enter");
  await expect(page).toHaveURL(new RegExp(`q=e2e-${tag}-ok-2`));
  await expect(page.locator(`[data-testid="log-row"][data-id="e2e-${tag}-ok-2"]`)).toBeVisible();
  await expect(page.getByTestId("log-row")).toHaveCount(1);
  await page.goto(`/admin/logs?route=mock-chat&q=${ghost}`);
  await expect(page.getByTestId("log-row")).toHaveCount(0);
  await page.goto("/admin/logs?route=mock-chat");
  await page.getByTestId("filter-status").selectOption("4xx");
  await expect(page).toHaveURL(/status=4xx/);
  await expect(page.locator(`[data-testid="log-row"][data-id="${okIds[0]}"]`)).toHaveCount(0);
  await page.getByTestId("filter-status").selectOption("2xx");
  await expect(page.locator(`[data-testid="log-row"][data-id="${okIds[0]}"]`)).toBeVisible();

  // Detail drawer: every field, the attempt chain, a curl without the key.
  await page.locator(`[data-testid="log-row"][data-id="${okIds[0]}"]`).click();
  const drawer = page.getByTestId("log-detail");
  await expect(drawer.getByTestId("log-detail-id")).toHaveText(okIds[0]!);
  await expect(drawer.getByTestId("log-detail-fields")).toContainText("demo-app");
  await expect(drawer.getByTestId("log-detail-fields")).toContainText("mock-chat");
  await expect(drawer.getByTestId("log-attempts")).toContainText("200");
  await expect(drawer.getByTestId("log-curl")).toContainText("$PORTICO_KEY");
  await expect(drawer.getByTestId("log-curl")).not.toContainText(key);
  await drawer.getByRole("button", { name: "Close" }).click();

  // Export CSV of the filtered set: a real download with a header and our rows.
  await page.goto(`/admin/logs?q=e2e-${tag}-ok-3`);
  await expect(page.getByTestId("log-row")).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^portico-logs-.*\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toMatch(/^id,at,time,endpoint,team,app,key,api,route,provider,model/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`e2e-${tag}-ok-3`);
  expect(lines[1]).toContain("Demo team");

  // Costs: the per-team chart has a Demo team series with a positive total (read from the hidden data table).
  await page.goto("/admin/costs?range=24h");
  const chart = page.getByTestId("cost-by-team");
  await expect(chart.locator('[role="img"][aria-label^="Cost by team"]')).toHaveAttribute("aria-label", /Cost by team, \d+ 1h buckets: .*Demo team \$/);
  const demoRow = chart.getByTestId("cost-by-team-data").locator('tr[data-series="Demo team"]');
  await expect(demoRow).toHaveCount(1);
  const total = Number(await demoRow.locator("td[data-total]").getAttribute("data-total"));
  expect(total).toBeGreaterThan(0);
  // Recharts drew bars for it.
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await testInfo.attach("costs-page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  // Team view: cost by model within the demo team.
  const teams = (await (await request.get("/api/admin/teams")).json()) as { items: { id: string; slug: string }[] };
  const demo = teams.items.find((t) => t.slug === "demo")!;
  await page.goto(`/admin/costs?range=24h&team=${demo.id}`);
  await expect(page.getByTestId("cost-by-model-data").locator('tr[data-series="mock-chat"]')).toHaveCount(1);
  await expect(page.getByTestId("top-apps-table")).toContainText("demo-app");

  // The overview shows the stats with a comparison, and the portal's usage page answers for the team.
  await page.goto("/admin");
  await expect(page.getByTestId("overview-stats")).toBeVisible();
  await expect(page.getByTestId("timeline-data")).toBeAttached();
  await page.goto("/usage?range=24h");
  await expect(page.getByTestId("cost-by-model-data").locator('tr[data-series="mock-chat"]')).toHaveCount(1);
  await testInfo.attach("portal-usage", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  // Put the price back for other specs.
  await request.patch("/api/admin/models/mdl_mock_chat", { data: { inputPricePerM: 0, outputPricePerM: 0 } });
});

test("settings: database size, row counts, retention and per-API body capture shown in the log detail", async ({ page, request }) => {
  await page.goto("/admin/settings");
  const section = page.getByTestId("log-settings");
  await expect(section.getByTestId("storage-stats")).toContainText("Request log rows");
  await expect(section.getByTestId("storage-stats")).toContainText("Database size");
  await expect(section.getByLabel("Raw logs and bodies (days)")).toHaveValue("30");

  // Turn body capture on for the seeded Mock LLM API, make a call, read its bodies in the drawer.
  const capture = section.getByLabel("Store bodies of Mock LLM");
  await capture.click();
  await expect(section.getByLabel("Store bodies of Mock LLM")).toBeChecked();
  const key = await demoKey(request);
  const rid = `e2e-${uniq("body").replace(/[^a-z0-9]/gi, "")}`;
  expect((await call(request, key, "mock-chat", rid, "tell me about quokkas")).status()).toBe(200);
  await page.goto(`/admin/logs?q=${rid}`);
  await expect(async () => {
    await page.getByTestId("refresh-logs").click();
    await expect(page.locator(`[data-testid="log-row"][data-id="${rid}"]`)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.locator(`[data-testid="log-row"][data-id="${rid}"]`).click();
  const bodies = page.getByTestId("log-detail").getByTestId("log-bodies");
  await expect(bodies).toContainText("tell me about quokkas");
  await expect(bodies).toContainText("Mock reply to: tell me about quokkas");
  await expect(page.getByTestId("log-curl")).toContainText("quokkas");
  // Body text is searchable too.
  await page.goto("/admin/logs?q=quokkas");
  await expect(page.locator(`[data-testid="log-row"][data-id="${rid}"]`)).toBeVisible();

  // Off again for the other specs.
  const settings = (await (await request.get("/api/admin/logs/settings")).json()) as { capture: { apiId: string; name: string }[] };
  const mock = settings.capture.find((c) => c.name === "Mock LLM")!;
  expect((await request.post("/api/admin/logs/body-capture", { data: { apiId: mock.apiId, captureBodies: false } })).status()).toBe(200);
});
