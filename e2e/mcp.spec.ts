import { test, expect } from "@playwright/test";
import { MEMBER, uniq } from "./support/auth";
import { startFakeMcp, type FakeMcp } from "./fakes/mcp";

const ADMIN_STATE = "e2e/.auth/admin.json";
const MEMBER_STATE = "e2e/.auth/member.json";

// The fake MCP server runs in the test process; Portico runs with PORTICO_MCP_ALLOW_PRIVATE=1 (playwright.config.ts).
let fake: FakeMcp;
test.beforeAll(async () => {
  fake = await startFakeMcp();
});
test.afterAll(async () => {
  await fake?.close();
});

test("an MCP server: register, list tools, allow some, subscribe, approve, try a tool", async ({ browser, baseURL }) => {
  const names = { team: uniq("Tools team"), api: uniq("Fake tools"), slug: uniq("fake-tools"), app: uniq("agent") };
  const adminCtx = await browser.newContext({ storageState: ADMIN_STATE });
  const devCtx = await browser.newContext({ storageState: MEMBER_STATE });
  const admin = await adminCtx.newPage();
  const dev = await devCtx.newPage();

  // A team with the developer in it and a draft API of kind mcp (manual approval), through the admin API.
  const team = await adminCtx.request.post("/api/admin/teams", { data: { name: names.team } });
  expect(team.status()).toBe(201);
  const teamId = ((await team.json()) as { id: string }).id;
  expect((await adminCtx.request.post(`/api/admin/teams/${teamId}/members`, { data: { email: MEMBER.email, role: "member" } })).status()).toBe(201);
  const created = await adminCtx.request.post("/api/admin/apis", {
    data: { slug: names.slug, name: names.api, description: "Tools for agents.", teamId, kind: "mcp", approvalMode: "manual", reasonRequired: false },
  });
  expect(created.status()).toBe(201);
  const apiId = ((await created.json()) as { id: string }).id;

  // The admin registers the upstream server from the APIs table and lists its tools.
  await admin.goto("/admin/apis");
  await admin.getByTestId(`mcp-link-${names.slug}`).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/apis/${apiId}/mcp$`));
  await admin.getByLabel("URL (Streamable HTTP endpoint)").fill(fake.url);
  await admin.getByLabel("Authentication").selectOption("bearer");
  await admin.getByLabel("Token").fill("upstream-token-9876");
  await admin.getByTestId("mcp-save").click();
  await expect(admin.getByLabel("Token")).toHaveValue("");
  await expect(admin.getByText("Stored (…9876)")).toBeVisible();
  fake.requireAuth("authorization", "Bearer upstream-token-9876");
  await admin.getByTestId("mcp-refresh").click();
  const table = admin.getByTestId("mcp-tools-table");
  await expect(table.getByTestId("mcp-tool-admin_reset")).toBeVisible();
  await table.getByTestId("mcp-tool-echo").getByText("Input schema").click();
  await expect(table.getByTestId("mcp-tool-echo")).toContainText('"text"');
  // New tools are hidden until allowed: allow echo and add only.
  await admin.getByLabel("Allow echo").check();
  await admin.getByLabel("Allow add").check();
  await admin.getByTestId("mcp-save-tools").click();
  await expect(admin.getByText("Allowlist saved: 2 tool(s) exposed.")).toBeVisible();
  expect((await adminCtx.request.post(`/api/admin/apis/${apiId}/state`, { data: { state: "published" } })).status()).toBe(200);

  // The developer sees the allowed tools and the client configuration, and subscribes an app.
  expect((await devCtx.request.post("/api/portal/apps", { data: { teamId, name: names.app } })).status()).toBe(201);
  await dev.goto(`/apis/${names.slug}`);
  await expect(dev.getByTestId("mcp-tools").getByTestId("mcp-tool-echo")).toBeVisible();
  await expect(dev.getByTestId("mcp-tools").getByTestId("mcp-tool-add")).toBeVisible();
  await expect(dev.getByTestId("mcp-tools").getByTestId("mcp-tool-admin_reset")).toHaveCount(0);
  await expect(dev.getByTestId("mcp-config")).toContainText(`${baseURL}/mcp/${names.slug}`);
  await expect(dev.getByTestId("mcp-config")).toContainText("Bearer ${PORTICO_API_KEY}");
  await dev.getByRole("tab", { name: "TypeScript SDK" }).click();
  await expect(dev.getByTestId("mcp-config")).toContainText("StreamableHTTPClientTransport");
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

  // Try it: a key for the app, a form built from the tool's input schema, the call through Portico.
  await dev.reload();
  const tryIt = dev.getByTestId("mcp-try-it");
  await tryIt.getByTestId("mcp-tryit-new-key").click();
  await expect(tryIt.getByLabel("API key")).not.toHaveValue("");
  await tryIt.getByLabel("Tool").selectOption("add");
  await tryIt.getByLabel(/^a \*/).fill("20");
  await tryIt.getByLabel(/^b \*/).fill("22");
  await tryIt.getByTestId("mcp-tryit-call").click();
  await expect(tryIt.getByTestId("mcp-tryit-result")).toContainText('"sum": 42');
  expect(fake.calls.at(-1)).toMatchObject({ tool: "add", args: { a: 20, b: 22 } });
  fake.requireAuth(null);
});
