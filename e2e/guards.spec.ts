import { test, expect } from "@playwright/test";
import { uniq } from "./support/auth";

const ADMIN_STATE = "e2e/.auth/admin.json";

/**
 * Guards in the UI: an admin sets a "block" prompt policy on an API on
 * /admin/guards; a call through that API carrying an e-mail address is refused
 * with 400 content_blocked, and a clean call passes. The detector test box shows
 * typed placeholders.
 */
test("an admin blocks PII for an API in the dashboard and the gateway refuses a call carrying it", async ({ browser }) => {
  const names = { team: uniq("Guards team"), api: uniq("Guarded Chat"), slug: uniq("guarded-chat"), app: uniq("guarded-bot") };
  const adminCtx = await browser.newContext({ storageState: ADMIN_STATE });
  const rq = adminCtx.request;

  // Seed through the APIs: a team, a published auto-approval API over mock-chat, an app subscribed to it, a key.
  const team = await rq.post("/api/admin/teams", { data: { name: names.team } });
  expect(team.status()).toBe(201);
  const teamId = ((await team.json()) as { id: string }).id;
  const created = await rq.post("/api/admin/apis", {
    data: { slug: names.slug, name: names.api, teamId, kind: "llm", routeAliases: ["mock-chat"], approvalMode: "auto", reasonRequired: false },
  });
  expect(created.status()).toBe(201);
  const apiId = ((await created.json()) as { id: string }).id;
  expect((await rq.post(`/api/admin/apis/${apiId}/state`, { data: { state: "published" } })).status()).toBe(200);
  const app = await rq.post("/api/portal/apps", { data: { teamId, name: names.app } });
  expect(app.status()).toBe(201);
  const appId = ((await app.json()) as { id: string }).id;
  expect((await rq.post("/api/portal/subscriptions", { data: { appId, apiId } })).status()).toBe(201);
  const keyRes = await rq.post(`/api/portal/apps/${appId}/keys`, { data: { name: "guards e2e" } });
  expect(keyRes.status()).toBe(201);
  const key = ((await keyRes.json()) as { key: string }).key;
  const chat = (content: string) =>
    rq.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: "mock-chat", messages: [{ role: "user", content }] } });
  expect((await chat("hello jane@example.com")).status()).toBe(200);

  // The policy, through the UI.
  const admin = await adminCtx.newPage();
  await admin.goto("/admin");
  await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Guards & cache" }).click();
  await expect(admin.getByRole("heading", { name: "Guards & cache", level: 1 })).toBeVisible();
  await admin.getByRole("button", { name: "New policy" }).click();
  const dialog = admin.getByRole("dialog", { name: "New cache & guard policy" });
  await dialog.getByLabel("Applies to").selectOption("api");
  await dialog.getByLabel("API", { exact: true }).selectOption({ label: `${names.api} (${names.slug})` });
  await dialog.getByLabel("Prompt PII policy").selectOption("block");
  await dialog.getByRole("button", { name: "Save policy" }).click();
  await expect(dialog).toBeHidden();
  const row = admin.getByTestId("content-policies-table").getByRole("row").filter({ hasText: names.api });
  await expect(row).toContainText("block");

  // The gateway applies it at once.
  const blocked = await chat("hello jane@example.com");
  expect(blocked.status()).toBe(400);
  const err = ((await blocked.json()) as { error: { code: string; message: string } }).error;
  expect(err.code).toBe("content_blocked");
  expect(err.message).toContain("email");
  expect(err.message).not.toContain("jane@example.com");
  expect((await chat("hello there")).status()).toBe(200);

  // The test box.
  await admin.getByLabel("Sample text").fill("call +1 415 555 0100 or mail bob@example.com");
  await admin.getByRole("button", { name: "Check" }).click();
  await expect(admin.getByTestId("preview-result")).toContainText("call [PHONE_1] or mail [EMAIL_1]");
});
