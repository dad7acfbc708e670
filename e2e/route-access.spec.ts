import { test, expect } from "@playwright/test";
import { uniq } from "./support/auth";

test.use({ storageState: "e2e/.auth/admin.json" });

test("an admin sees who owns each route and grants a platform route to a team", async ({ page }) => {
  const teamName = uniq("Grant team");
  const team = await page.request.post("/api/admin/teams", { data: { name: teamName } });
  expect(team.status()).toBe(201);

  await page.goto("/admin/routes");
  const owner = page.getByTestId("route-owner-mock-chat");
  await expect(owner).toContainText("platform");
  await expect(owner).not.toContainText(teamName);

  await page.getByRole("button", { name: "Access to route mock-chat" }).click();
  const dialog = page.getByRole("dialog", { name: "Access to mock-chat" });
  await expect(dialog.getByTestId("route-owner")).toHaveValue("");
  await dialog.getByTestId("route-grants").getByLabel(teamName).check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(owner).toContainText(`granted to`);
  await expect(owner).toContainText(teamName);
  await page.screenshot({ path: "test-results/route-access.png", fullPage: false });
});
