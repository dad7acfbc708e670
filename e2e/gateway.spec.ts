import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { FAKE_URL, uniq } from "./support/auth";

test.use({ storageState: "e2e/.auth/admin.json" });

test("an admin wires a provider, model and route in the UI, calls it with the openai SDK, and sees the call in Logs", async ({ page, baseURL }) => {
  const providerName = uniq("Fake OpenAI");
  const alias = uniq("e2e-chat");

  // Provider
  await page.goto("/admin/providers");
  await page.getByTestId("add-provider").click();
  const pDialog = page.getByRole("dialog", { name: "Add provider" });
  await pDialog.getByLabel("Name").fill(providerName);
  await pDialog.getByLabel("Type").selectOption("openai");
  await pDialog.getByLabel("Base URL").fill(`${FAKE_URL}/v1`);
  await pDialog.getByLabel("API key").fill("sk-e2e-upstream-key-1234");
  await pDialog.getByRole("button", { name: "Create provider" }).click();
  await expect(page.getByTestId("providers-table")).toContainText(providerName);
  // The key is never shown again: only its last 4 characters.
  await expect(page.getByTestId("providers-table")).toContainText("1234");
  await expect(page.getByTestId("providers-table")).not.toContainText("sk-e2e-upstream-key");

  // Model (prices pre-filled from the catalog)
  await page.goto("/admin/models");
  await page.getByTestId("add-model").click();
  const mDialog = page.getByRole("dialog", { name: "Add model" });
  const providerOption = await mDialog.locator("#model-provider option", { hasText: providerName }).getAttribute("value");
  await mDialog.getByLabel("Provider").selectOption(providerOption!);
  await mDialog.getByLabel("Upstream model").fill("gpt-4o-mini");
  await mDialog.getByRole("button", { name: "Create model" }).click();
  await expect(page.getByTestId("models-table")).toContainText("gpt-4o-mini");

  // Route
  await page.goto("/admin/routes");
  await page.getByTestId("add-route").click();
  const editor = page.getByTestId("route-editor");
  await editor.getByLabel("Alias").fill(alias);
  await editor.getByLabel("Target 1 model").selectOption({ label: `${providerName} / gpt-4o-mini` });
  await editor.getByRole("button", { name: "Create route" }).click();
  await expect(page.getByTestId("routes-table")).toContainText(alias);

  // "Test route" sends a real request and shows the attempt chain.
  await page.getByRole("button", { name: `Test route ${alias}` }).click();
  await page.getByRole("button", { name: "Run test" }).click();
  await expect(page.getByTestId("route-test-status")).toContainText("200");
  await expect(page.getByTestId("route-test-output")).toContainText("Fake openai reply");

  // Publish the route as an auto-approval API and subscribe an app of the demo team (seeded through the API).
  const request = page.request;
  const teams = (await (await request.get("/api/admin/teams")).json()) as { items: { id: string; slug: string; name: string }[] };
  const demo = teams.items.find((t) => t.slug === "demo")!;
  const apiRes = await request.post("/api/admin/apis", {
    data: { slug: alias.toLowerCase(), name: `API ${alias}`, teamId: demo.id, routeAliases: [alias], approvalMode: "auto", reasonRequired: false },
  });
  expect(apiRes.status()).toBe(201);
  const apiId = ((await apiRes.json()) as { id: string }).id;
  expect((await request.post(`/api/admin/apis/${apiId}/state`, { data: { state: "published" } })).status()).toBe(200);
  const appName = uniq("e2e-app");
  const appRes = await request.post("/api/portal/apps", { data: { teamId: demo.id, name: appName } });
  expect(appRes.status()).toBe(201);
  const appId = ((await appRes.json()) as { id: string }).id;
  const subRes = await request.post("/api/portal/subscriptions", { data: { appId, apiId } });
  expect(((await subRes.json()) as { state: string }).state).toBe("approved");

  // Key, shown once
  await page.goto("/admin/keys");
  await page.getByTestId("create-key").click();
  const kDialog = page.getByRole("dialog", { name: "Create key" });
  await kDialog.getByLabel("Name").fill(uniq("e2e-key"));
  await kDialog.getByLabel("App").selectOption({ label: `${demo.name} / ${appName}` });
  await kDialog.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-key-value").inputValue();
  expect(key).toMatch(/^pk_[0-9A-Za-z]{40,}$/);

  // Call it like any app would: the official SDK, only baseURL and key changed.
  const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: key });
  const res = await client.chat.completions.create({ model: alias, messages: [{ role: "user", content: "Hello from Playwright" }] });
  expect(res.choices[0]!.message.content).toContain("Hello from Playwright");
  const stream = await client.chat.completions.create({ model: alias, stream: true, messages: [{ role: "user", content: "Stream please" }] });
  let streamed = "";
  for await (const c of stream) streamed += c.choices[0]?.delta?.content ?? "";
  expect(streamed).toContain("Stream please");

  // The calls appear in Logs.
  await page.goto("/admin/logs");
  await expect(async () => {
    await page.getByTestId("refresh-logs").click();
    await expect(page.getByTestId("logs-table")).toContainText(alias, { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  // The "Test route" call is logged too: three calls in all.
  await expect(page.getByTestId("log-row").filter({ hasText: alias })).toHaveCount(3);
});

test("a fresh install answers on the built-in mock route", async ({ request, baseURL }) => {
  // The seeded demo app holds an approved subscription to the seeded "Mock LLM" API.
  const apps = (await (await request.get("/api/admin/apps")).json()) as { items: { id: string; name: string }[] };
  const demoApp = apps.items.find((a) => a.name === "demo-app")!;
  expect(demoApp).toBeTruthy();
  const created = await request.post("/api/admin/keys", { data: { name: uniq("mock-key"), appId: demoApp.id } });
  expect(created.status()).toBe(201);
  const { key } = (await created.json()) as { key: string };
  const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: key });
  const models = await client.models.list();
  expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(["mock-chat", "mock-embed"]));
  const res = await client.chat.completions.create({ model: "mock-chat", messages: [{ role: "user", content: "ping" }] });
  expect(res.choices[0]!.message.content).toContain("Mock reply to: ping");
  const emb = await client.embeddings.create({ model: "mock-embed", input: "hello" });
  expect(emb.data[0]!.embedding.length).toBeGreaterThan(0);
});
