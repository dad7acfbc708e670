import { test, expect, type APIRequestContext } from "@playwright/test";
import { MEMBER, uniq } from "./support/auth";

const ADMIN_STATE = "e2e/.auth/admin.json";
const MEMBER_STATE = "e2e/.auth/member.json";

/** A team with the member in it and a draft prompt API owned by it (manual approval), through the admin API. */
async function seed(admin: APIRequestContext, names: { team: string; api: string; slug: string }) {
  const team = await admin.post("/api/admin/teams", { data: { name: names.team } });
  expect(team.status()).toBe(201);
  const teamId = ((await team.json()) as { id: string }).id;
  expect((await admin.post(`/api/admin/teams/${teamId}/members`, { data: { email: MEMBER.email, role: "member" } })).status()).toBe(201);
  const created = await admin.post("/api/admin/apis", {
    data: { slug: names.slug, name: names.api, description: "Summarizes support tickets.", teamId, kind: "prompt", approvalMode: "manual", reasonRequired: false, tags: ["e2e"] },
  });
  expect(created.status()).toBe(201);
  return { teamId, apiId: ((await created.json()) as { id: string }).id };
}

test("a prompt API: edit, preview, try, publish, subscribe, approve, call, v2, pin v1, roll back", async ({ browser, baseURL }) => {
  const names = { team: uniq("Prompt team"), api: uniq("Ticket summary"), slug: uniq("summarize-ticket"), app: uniq("helpdesk") };
  const adminCtx = await browser.newContext({ storageState: ADMIN_STATE });
  const devCtx = await browser.newContext({ storageState: MEMBER_STATE });
  const admin = await adminCtx.newPage();
  const dev = await devCtx.newPage();
  const { teamId, apiId } = await seed(adminCtx.request, names);

  // The admin opens the prompt editor from the APIs table.
  await admin.goto("/admin/apis");
  await admin.getByTestId(`prompt-link-${names.slug}`).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/apis/${apiId}/prompt$`));
  await expect(admin.getByRole("heading", { name: `Prompt: ${names.api}` })).toBeVisible();
  await admin.getByLabel("Route", { exact: true }).selectOption("mock-chat");
  await admin.getByLabel("System prompt").fill("You summarize support tickets.");
  await admin.getByLabel("User template").fill("Summarize: {{ticket}}");
  // An undeclared variable is reported live, by name, and can be declared in one click.
  await expect(admin.getByTestId("template-problems")).toContainText("ticket");
  await admin.getByRole("button", { name: "Declare ticket" }).click();
  await expect(admin.getByTestId("template-problems")).toHaveCount(0);
  await expect(admin.getByLabel("Variable 1 name")).toHaveValue("ticket");

  // Live preview: values are inserted as data.
  await admin.getByLabel(/^ticket/).fill("Printer {{ticket}} on fire");
  await expect(admin.getByTestId("preview-user")).toHaveText("Summarize: Printer {{ticket}} on fire");

  // Try it runs the draft against the real route.
  await admin.getByTestId("try-run").click();
  await expect(admin.getByTestId("try-output")).toContainText("Mock reply to: Summarize: Printer {{ticket}} on fire");
  await expect(admin.getByTestId("try-tokens")).toContainText("in");
  await expect(admin.getByTestId("try-latency")).toContainText("ms");

  // Publish v1.
  await admin.getByTestId("publish-prompt").click();
  await expect(admin.getByTestId("prompt-notice")).toContainText("Published v1");
  await expect(admin.getByTestId("version-row-1")).toContainText("current");
  expect((await adminCtx.request.post(`/api/admin/apis/${apiId}/state`, { data: { state: "published" } })).status()).toBe(200);

  // The developer creates an app, reads the documented endpoint and subscribes in the portal.
  const appRes = await devCtx.request.post("/api/portal/apps", { data: { teamId, name: names.app } });
  expect(appRes.status()).toBe(201);
  await dev.goto(`/apis/${names.slug}`);
  await expect(dev.getByTestId("request-fields")).toContainText("ticket");
  await expect(dev.getByTestId("prompt-version")).toHaveText("1");
  await expect(dev.getByTestId("code-sample")).toContainText(`${baseURL}/v1/apis/${names.slug}`);
  await dev.getByRole("button", { name: "Subscribe", exact: true }).click();
  const sub = dev.getByRole("dialog", { name: `Subscribe to ${names.api}` });
  await sub.getByLabel("App").selectOption({ label: `${names.app} · ${names.team}` });
  await sub.getByRole("button", { name: "Request access" }).click();
  await expect(sub).toBeHidden();
  await expect(dev.getByTestId("my-subscription").filter({ hasText: names.app }).getByTestId("subscription-state")).toHaveText("pending");

  // The approver approves it in the queue.
  await admin.goto("/admin/subscriptions");
  const row = admin.getByTestId("subscriptions-table").getByRole("row").filter({ hasText: names.app });
  await row.getByRole("button", { name: `Approve ${names.app} → ${names.api}` }).click();
  const approve = admin.getByRole("dialog", { name: "Approve subscription" });
  await approve.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approve).toBeHidden();

  // The developer creates a key in the Try-it panel and calls the endpoint there.
  await dev.reload();
  await dev.getByTestId("tryit-new-key").click();
  const keyInput = dev.getByLabel("API key");
  await expect(keyInput).toHaveValue(/^pk_/);
  const key = await keyInput.inputValue();
  await dev.getByLabel("Body (variables)").fill(JSON.stringify({ ticket: "Screen is blank" }));
  await expect(async () => {
    await dev.getByTestId("tryit-send").click();
    await expect(dev.getByTestId("tryit-response")).toContainText("HTTP 200", { timeout: 1_000 });
  }).toPass({ timeout: 5_000 });
  await expect(dev.getByTestId("tryit-response")).toContainText("Mock reply to: Summarize: Screen is blank");

  // The test calls it with the key.
  const call = async (headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseURL}/v1/apis/${names.slug}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: JSON.stringify({ ticket: "Mouse missing" }),
    });
    return { status: res.status, body: (await res.json()) as { output: string; version: number; usage: { total_tokens: number } } };
  };
  const v1 = await call();
  expect(v1.status).toBe(200);
  expect(v1.body.version).toBe(1);
  expect(v1.body.output).toContain("Mock reply to: Summarize: Mouse missing");
  expect(v1.body.usage.total_tokens).toBeGreaterThan(0);

  // v2: a new template, published from the editor.
  await admin.goto(`/admin/apis/${apiId}/prompt`);
  await admin.getByLabel("User template").fill("Summary please: {{ticket}}");
  await admin.getByLabel("Version note").fill("friendlier");
  await admin.getByTestId("publish-prompt").click();
  await expect(admin.getByTestId("prompt-notice")).toContainText("Published v2");
  await expect(async () => {
    const v2 = await call();
    expect(v2.body.version).toBe(2);
    expect(v2.body.output).toContain("Summary please: Mouse missing");
  }).toPass({ timeout: 3_000 });

  // Pin v1 by header.
  const pinned = await call({ "Portico-Prompt-Version": "1" });
  expect(pinned.body.version).toBe(1);
  expect(pinned.body.output).toContain("Summarize: Mouse missing");
  expect((await call({ "Portico-Prompt-Version": "9" })).status).toBe(404);

  // Diff and roll back to v1.
  await admin.getByTestId("version-row-1").getByRole("button", { name: "Diff" }).click();
  await expect(admin.getByTestId("diff-user-template")).toContainText("- Summarize: {{ticket}}");
  await expect(admin.getByTestId("diff-user-template")).toContainText("+ Summary please: {{ticket}}");
  await admin.getByTestId("rollback-v1").click();
  const confirm = admin.getByRole("dialog", { name: "Serve v1" });
  await confirm.getByRole("button", { name: "Make v1 current" }).click();
  await expect(confirm).toBeHidden();
  await expect(admin.getByTestId("version-row-1")).toContainText("current");
  await expect(async () => {
    const back = await call();
    expect(back.body.version).toBe(1);
  }).toPass({ timeout: 3_000 });

  await adminCtx.close();
  await devCtx.close();
});
