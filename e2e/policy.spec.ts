import { test, expect } from "@playwright/test";
import { MEMBER, uniq } from "./support/auth";

const ADMIN_STATE = "e2e/.auth/admin.json";
const MEMBER_STATE = "e2e/.auth/member.json";

/**
 * Traffic policy in the UI: an admin sets a rate limit and a budget for an
 * app on /admin/limits and a budget on the team page; the developer sees
 * them (limits and spend vs budget) on the app page in the portal.
 */
test("an admin sets a limit and budgets in the dashboard; the developer sees them on the app page", async ({ browser }) => {
  const names = { team: uniq("Policy team"), app: uniq("policy-bot") };
  const adminCtx = await browser.newContext({ storageState: ADMIN_STATE });
  const devCtx = await browser.newContext({ storageState: MEMBER_STATE });

  // Seed through the APIs: a team with the member in it; the member's app.
  const team = await adminCtx.request.post("/api/admin/teams", { data: { name: names.team } });
  expect(team.status()).toBe(201);
  const teamId = ((await team.json()) as { id: string }).id;
  expect((await adminCtx.request.post(`/api/admin/teams/${teamId}/members`, { data: { email: MEMBER.email, role: "member" } })).status()).toBe(201);
  const app = await devCtx.request.post("/api/portal/apps", { data: { teamId, name: names.app } });
  expect(app.status()).toBe(201);
  const appId = ((await app.json()) as { id: string }).id;

  const admin = await adminCtx.newPage();
  await admin.goto("/admin");
  await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Limits & budgets" }).click();
  await expect(admin.getByRole("heading", { name: "Limits & budgets", level: 1 })).toBeVisible();

  // A rate limit for the app.
  await admin.getByRole("button", { name: "New rate limit" }).click();
  const ld = admin.getByRole("dialog", { name: "New rate limit" });
  await ld.getByLabel("Applies to").selectOption("app");
  await ld.getByLabel("App", { exact: true }).selectOption({ label: `${names.app} (${names.team})` });
  await ld.getByLabel("Requests per minute").fill("42");
  await ld.getByLabel("Tokens per minute").fill("9000");
  await ld.getByRole("button", { name: "Create limit" }).click();
  await expect(ld).toBeHidden();
  const limitRow = admin.getByTestId("limits-table").getByRole("row").filter({ hasText: names.app });
  await expect(limitRow).toContainText("42");
  await expect(limitRow).toContainText("9,000");

  // A monthly budget for the app; bad input first shows the server's message on the field.
  await admin.getByRole("button", { name: "New budget" }).click();
  const bd = admin.getByRole("dialog", { name: "New budget" });
  await bd.getByLabel("Applies to").selectOption("app");
  await bd.getByLabel("App", { exact: true }).selectOption({ label: `${names.app} (${names.team})` });
  await bd.getByLabel("Period").selectOption("month");
  await bd.getByLabel("Budget (USD)").fill("-5");
  await bd.getByRole("button", { name: "Create budget" }).click();
  await expect(bd.getByText("The budget must be more than 0.")).toBeVisible();
  await bd.getByLabel("Budget (USD)").fill("25");
  await bd.getByLabel("Notify at (% of budget)").fill("50, 90, 100");
  await bd.getByRole("button", { name: "Create budget" }).click();
  await expect(bd).toBeHidden();
  const budgetRow = admin.getByTestId("budgets-table").getByRole("row").filter({ hasText: names.app });
  await expect(budgetRow).toContainText("of $25.00 per month (UTC)");
  await expect(budgetRow).toContainText("50%, 90%, 100%");

  // A daily budget for the team, from the team page.
  await admin.goto(`/admin/teams/${teamId}`);
  const teamCard = admin.getByTestId("team-budgets");
  await expect(teamCard).toContainText("No budget");
  await teamCard.getByRole("button", { name: "Add budget" }).click();
  const td = admin.getByRole("dialog", { name: "New budget" });
  await td.getByLabel("Period").selectOption("day");
  await td.getByLabel("Budget (USD)").fill("10");
  await td.getByRole("button", { name: "Create budget" }).click();
  await expect(td).toBeHidden();
  await expect(teamCard).toContainText("of $10.00 per day (UTC)");

  // The developer sees both on the app page.
  const dev = await devCtx.newPage();
  await dev.goto(`/apps/${appId}`);
  const section = dev.getByTestId("app-limits");
  await expect(section.getByRole("heading", { name: "Limits & budget" })).toBeVisible();
  const appPart = section.getByTestId("app-limits-app");
  await expect(appPart).toContainText("42 requests/min");
  await expect(appPart).toContainText("9,000 tokens/min");
  await expect(appPart).toContainText("$0.00 of $25.00 per month (UTC)");
  await expect(appPart).toContainText("$25.00 left");
  await expect(section.getByTestId("app-limits-team")).toContainText("of $10.00 per day (UTC)");
  await expect(section.getByRole("meter").first()).toHaveAttribute("aria-valuenow", "0");

  await adminCtx.close();
  await devCtx.close();
});
