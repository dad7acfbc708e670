import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { openSettled, pagesFor, seedUiFixture, SIZES, stateFor, type Role, type UiFixture } from "./support/ui-fixture";

let fx: UiFixture;
test.beforeAll(async ({ browser, baseURL }) => {
  fx = await seedUiFixture(browser, baseURL!);
});

/** Serious and critical axe violations on the page, one line each with a few offending nodes. */
async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

// Each role walks its pages in both themes and at both sizes, the pairs alternating between roles
// (admin: light at desktop, dark at phone size; team_admin the other two; member as admin): every
// theme × size pair is walked, by roles whose pages overlap, in half the time of all twelve walks.
const ROLES = ["admin", "team_admin", "member"] as Role[];
const [DESKTOP, PHONE] = [SIZES.find((s) => s.width >= 1000)!, SIZES.find((s) => s.width < 1000)!];
const walks = ROLES.flatMap((role, i) =>
  i % 2 === 0
    ? [{ role, scheme: "light" as const, size: DESKTOP }, { role, scheme: "dark" as const, size: PHONE }]
    : [{ role, scheme: "dark" as const, size: DESKTOP }, { role, scheme: "light" as const, size: PHONE }],
);

for (const { role, scheme, size } of walks) {
  test(`axe: no serious violations as ${role}, ${scheme}, ${size.width}x${size.height}`, async ({ browser }) => {
    test.setTimeout(420_000);
    const ctx = await browser.newContext({ storageState: stateFor(role), viewport: { width: size.width, height: size.height }, colorScheme: scheme });
    const page = await ctx.newPage();
    const found: string[] = [];
    for (const path of pagesFor(role, fx)) {
      await openSettled(page, path);
      for (const v of await seriousViolations(page)) found.push(`${path}: ${v}`);
    }
    expect(found, found.join("\n")).toEqual([]);
    await ctx.close();
  });
}

test("axe: the sign-in page, light and dark", async ({ browser }) => {
  for (const scheme of ["light", "dark"] as const) {
    const ctx = await browser.newContext({ colorScheme: scheme });
    const page = await ctx.newPage();
    await page.goto("/login");
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  }
});

test("every layout has one main landmark and a skip link that moves focus to it", async ({ browser }) => {
  for (const [role, path] of [["admin", "/admin"], ["member", "/"]] as const) {
    const ctx = await browser.newContext({ storageState: stateFor(role) });
    const page = await ctx.newPage();
    await openSettled(page, path);
    await expect(page.getByRole("main")).toHaveCount(1);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await skip.press("Enter");
    await expect(page.locator("#main")).toBeFocused();
    await ctx.close();
  }
});

test("dark mode follows the system and a chosen theme persists across reloads", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: stateFor("admin"), colorScheme: "dark" });
  const page = await ctx.newPage();
  await openSettled(page, "/admin");
  const rootBg = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--bg").trim());
  expect(await rootBg()).toBe("#0f1017");
  const toggle = page.getByTestId("theme-toggle");
  await expect(toggle).toHaveText("Theme: System");
  await toggle.click(); // → light
  await expect(toggle).toHaveText("Theme: Light");
  expect(await rootBg()).toBe("#f7f7fb");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await rootBg()).toBe("#f7f7fb");
  await page.getByTestId("theme-toggle").click(); // → dark
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.getByTestId("theme-toggle").click(); // → system again
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.+/);
  expect(await rootBg()).toBe("#0f1017");
  await ctx.close();
});

test("dialogs trap focus, return it to the opener, and a shown-once key is not lost by Escape", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: stateFor("admin") });
  const page = await ctx.newPage();
  await openSettled(page, "/admin/keys");
  const opener = page.getByRole("button", { name: "Create key" }).first();
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "Create key" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  // Tab and Shift+Tab never leave the dialog.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  // Typed input is not thrown away by Escape without asking.
  await dialog.getByLabel("Name").fill("a11y key");
  await page.keyboard.press("Escape");
  await expect(dialog.getByTestId("confirm-dismiss")).toBeVisible();
  await dialog.getByRole("button", { name: "Keep open" }).click();
  await expect(dialog.getByLabel("Name")).toHaveValue("a11y key");
  await dialog.getByLabel("App").selectOption({ index: 1 });
  await dialog.getByRole("button", { name: "Create key" }).click();

  const created = page.getByRole("dialog", { name: "Key created" });
  await expect(created.getByTestId("new-key-value")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(created.getByTestId("confirm-dismiss")).toContainText("shown only once");
  await page.mouse.click(5, 5); // the backdrop asks too
  await expect(created).toBeVisible();
  await created.getByRole("button", { name: "Close anyway" }).click();
  await expect(created).toBeHidden();
  await expect(opener).toBeFocused();
  await ctx.close();
});

test("log time links are named by their visible text", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: stateFor("admin") });
  const page = await ctx.newPage();
  await openSettled(page, "/admin/logs");
  const first = page.getByTestId("log-row").first().getByRole("button").first();
  // The text a sighted user sees (the visually hidden part excluded) starts the accessible name (WCAG 2.5.3).
  const visible = await first.evaluate((b) => Array.from(b.childNodes).filter((n) => !(n instanceof HTMLElement && n.classList.contains("sr-only"))).map((n) => n.textContent).join("").trim());
  const escaped = visible.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await expect(first).toHaveAccessibleName(new RegExp(`^${escaped}\\s*, open request `));
  // A date is always shown, not just a time.
  expect(visible).toMatch(/[A-Z][a-z]{2} \d{1,2}/);
  await ctx.close();
});
