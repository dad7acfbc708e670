import { test, expect, type APIRequestContext } from "@playwright/test";
import OpenAI from "openai";
import { MEMBER, uniq } from "./support/auth";

const ADMIN_STATE = "e2e/.auth/admin.json";
const MEMBER_STATE = "e2e/.auth/member.json";

/** Seeds through the admin API (the same services the dashboard uses): a team with the member in it, and a published manual-approval API. */
async function seed(admin: APIRequestContext, names: { team: string; api: string; slug: string }) {
  const team = await admin.post("/api/admin/teams", { data: { name: names.team } });
  expect(team.status()).toBe(201);
  const teamId = ((await team.json()) as { id: string }).id;
  const member = await admin.post(`/api/admin/teams/${teamId}/members`, { data: { email: MEMBER.email, role: "member" } });
  expect(member.status()).toBe(201);
  const created = await admin.post("/api/admin/apis", {
    data: {
      slug: names.slug,
      name: names.api,
      description: "Chat completions for e2e tests.",
      teamId,
      kind: "llm",
      routeAliases: ["mock-chat"],
      approvalMode: "manual",
      reasonRequired: true,
      tags: ["e2e", "chat"],
      docs: "# Getting started\n\nCall **mock-chat** with any OpenAI SDK.\n\n- Subscribe an app\n- Create a key\n\n```bash\ncurl $BASE/v1/models\n```",
    },
  });
  expect(created.status()).toBe(201);
  const apiId = ((await created.json()) as { id: string }).id;
  const published = await admin.post(`/api/admin/apis/${apiId}/state`, { data: { state: "published" } });
  expect(published.status()).toBe(200);
  return { teamId, apiId };
}

/** The error a chat call fails with, or null when it succeeds. */
async function chatError(client: OpenAI): Promise<unknown> {
  return client.chat.completions.create({ model: "mock-chat", messages: [{ role: "user", content: "ping" }] }).then(
    () => null,
    (e: unknown) => e,
  );
}

test("a developer subscribes in the portal, an approver approves and revokes in the queue, and the gateway follows", async ({ browser, baseURL }) => {
  const names = { team: uniq("Access team"), api: uniq("E2E Chat API"), slug: uniq("e2e-chat-api"), app: uniq("support-bot") };
  const adminCtx = await browser.newContext({ storageState: ADMIN_STATE });
  const devCtx = await browser.newContext({ storageState: MEMBER_STATE });
  const admin = await adminCtx.newPage();
  const dev = await devCtx.newPage();
  await seed(adminCtx.request, names);

  // The developer creates an app in the UI (the member was added to the team above).
  await dev.goto("/apps");
  await dev.getByRole("button", { name: "New app" }).click();
  const newApp = dev.getByRole("dialog", { name: "New app" });
  await newApp.getByLabel("Team").selectOption({ label: names.team });
  await newApp.getByLabel("Name").fill(names.app);
  await newApp.getByLabel("Description").fill("Answers support tickets");
  await newApp.getByRole("button", { name: "Create app" }).click();
  await expect(dev.getByRole("heading", { name: names.app, level: 1 })).toBeVisible();
  await expect(dev.getByTestId("app-details")).toContainText(names.team);

  // ... finds the API in the catalog and opens it.
  await dev.goto("/");
  await dev.getByLabel("Search APIs").fill(names.api);
  await expect(dev).toHaveURL(/[?&]q=/);
  const card = dev.getByTestId("api-card").filter({ hasText: names.api });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("manual approval");
  await expect(card).toContainText("mock-chat");
  await card.getByRole("link", { name: names.api }).click();
  await expect(dev).toHaveURL(new RegExp(`/apis/${names.slug}$`));
  await expect(dev.getByTestId("api-docs").getByRole("heading", { name: "Getting started" })).toBeVisible();
  await expect(dev.getByTestId("api-docs").getByText("mock-chat", { exact: true })).toBeVisible();
  await expect(dev.getByTestId("code-sample")).toContainText(`${baseURL}/v1`);
  await expect(dev.getByTestId("code-sample")).toContainText("mock-chat");

  // ... subscribes: the reason is required, then the request is pending.
  await dev.getByRole("button", { name: "Subscribe", exact: true }).click();
  const sub = dev.getByRole("dialog", { name: `Subscribe to ${names.api}` });
  await sub.getByLabel("App").selectOption({ label: `${names.app} · ${names.team}` });
  await sub.getByRole("button", { name: "Request access" }).click();
  await expect(sub.getByText("A reason is required")).toBeVisible();
  await sub.getByLabel("Reason").fill("Drafting replies to support tickets");
  await sub.getByRole("button", { name: "Request access" }).click();
  await expect(sub).toBeHidden();
  const mine = dev.getByTestId("my-subscription").filter({ hasText: names.app });
  await expect(mine.getByTestId("subscription-state")).toHaveText("pending");

  // ... creates a key on the app page and copies it (shown once).
  await dev.getByRole("link", { name: names.app }).click();
  await dev.getByTestId("create-app-key").click();
  const keyDialog = dev.getByRole("dialog", { name: "Create key" });
  await keyDialog.getByLabel("Key name").fill("e2e");
  await keyDialog.getByRole("button", { name: "Create key" }).click();
  const created = dev.getByRole("dialog", { name: "Key created" });
  await expect(created.getByRole("alert")).toContainText("shown only once");
  const key = await created.getByTestId("new-key-value").inputValue();
  expect(key).toMatch(/^pk_[0-9A-Za-z]{40,}$/);
  await created.getByRole("button", { name: "Copy" }).click();
  await expect(created.getByRole("button", { name: "Copied" })).toBeVisible();
  await created.getByRole("button", { name: "Done" }).click();
  await expect(dev.getByTestId("app-keys-table")).toContainText(key.slice(0, 8));

  // While pending, the gateway refuses the key with 403 saying why.
  const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: key, maxRetries: 0 });
  await expect(async () => {
    const err = await chatError(client);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as Error).message).toMatch(/pending/i);
  }).toPass({ timeout: 5_000 }); // the key's first call: give the config snapshot a moment to pick it up

  // The approver sees the request in the queue (and the sidebar count) and approves it.
  await admin.goto("/admin/subscriptions");
  await expect(admin.getByTestId("pending-count")).toBeVisible();
  const pendingRow = admin.getByTestId("subscriptions-table").getByRole("row").filter({ hasText: names.app });
  await expect(pendingRow).toContainText("Drafting replies to support tickets");
  await expect(pendingRow).toContainText(MEMBER.email);
  await pendingRow.getByRole("button", { name: `Approve ${names.app} → ${names.api}` }).click();
  const approve = admin.getByRole("dialog", { name: "Approve subscription" });
  await approve.getByLabel("Note").fill("Approved for the e2e run");
  await approve.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approve).toBeHidden();
  await expect(pendingRow).toHaveCount(0);

  // The developer reloads and sees it approved, with the note.
  await dev.reload();
  const appSub = dev.getByTestId("app-subscriptions-table").getByRole("row").filter({ hasText: names.api });
  await expect(appSub.getByTestId("subscription-state")).toHaveText("approved");
  await expect(appSub).toContainText("Approved for the e2e run");

  // The same key now works.
  await expect(async () => {
    const res = await client.chat.completions.create({ model: "mock-chat", messages: [{ role: "user", content: "ping" }] });
    expect(res.choices[0]!.message.content).toContain("ping");
  }).toPass({ timeout: 2_000 });

  // The approver revokes it in the queue; the gateway refuses again.
  await admin.getByLabel("State", { exact: true }).selectOption("approved");
  await expect(admin).toHaveURL(/state=approved/);
  const approvedRow = admin.getByTestId("subscriptions-table").getByRole("row").filter({ hasText: names.app });
  await approvedRow.getByRole("button", { name: `Revoke ${names.app} → ${names.api}` }).click();
  const revoke = admin.getByRole("dialog", { name: "Revoke subscription" });
  await revoke.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(revoke).toBeHidden();
  await expect(approvedRow).toHaveCount(0);

  await expect(async () => {
    const err = await chatError(client);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  }).toPass({ timeout: 2_000 });

  await dev.reload();
  await expect(appSub.getByTestId("subscription-state")).toHaveText("revoked");

  await adminCtx.close();
  await devCtx.close();
});
