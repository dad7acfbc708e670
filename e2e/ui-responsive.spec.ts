import { test, expect } from "@playwright/test";
import { openSettled, overflowReport, pagesFor, seedUiFixture, SIZES, stateFor, type Role, type UiFixture } from "./support/ui-fixture";

let fx: UiFixture;
test.beforeAll(async ({ browser, baseURL }) => {
  fx = await seedUiFixture(browser, baseURL!);
});

for (const size of SIZES) {
  for (const role of ["admin", "member"] as Role[]) {
    test(`no page scrolls sideways at ${size.width}x${size.height} as ${role}`, async ({ browser }) => {
      test.setTimeout(240_000);
      const ctx = await browser.newContext({ storageState: stateFor(role), viewport: { width: size.width, height: size.height } });
      const page = await ctx.newPage();
      const wide: string[] = [];
      for (const path of pagesFor(role, fx)) {
        await openSettled(page, path);
        const r = await overflowReport(page);
        if (r.scrollWidth > r.clientWidth) wide.push(`${path}: scrollWidth ${r.scrollWidth} > ${r.clientWidth} — ${r.culprits.join("; ")}`);
      }
      expect(wide, wide.join("\n")).toEqual([]);
      await ctx.close();
    });
  }
}

test("login page fits a phone", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto("/login");
  const r = await overflowReport(page);
  expect(r.scrollWidth, r.culprits.join("; ")).toBeLessThanOrEqual(r.clientWidth);
  await ctx.close();
});

test("below 900 px the admin sidebar is a top bar with a menu", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: stateFor("admin"), viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await openSettled(page, "/admin");
  const nav = page.getByRole("navigation", { name: "Admin" });
  const logs = nav.getByRole("link", { name: "Logs" });
  await expect(logs).toBeHidden();
  const menu = nav.getByRole("button", { name: /Menu/ });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(logs).toBeVisible();
  await logs.click();
  await expect(page).toHaveURL(/\/admin\/logs$/);
  // A navigation closes the menu again.
  await expect(logs).toBeHidden();
  // The sidebar is above the content, not beside it.
  const navBox = (await nav.boundingBox())!;
  const mainBox = (await page.locator("#main").boundingBox())!;
  expect(mainBox.y).toBeGreaterThanOrEqual(navBox.y + navBox.height - 1);
  expect(mainBox.width).toBeGreaterThan(350);
  // On a short page the bar keeps its own height (the grid must not stretch it).
  await openSettled(page, "/admin/providers");
  expect((await nav.boundingBox())!.height).toBeLessThan(100);
  await ctx.close();
});
