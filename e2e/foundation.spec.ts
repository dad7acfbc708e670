import { test, expect } from "@playwright/test";
import { ADMIN, uniq } from "./support/auth";

const ADMIN_STATE = "e2e/.auth/admin.json";
const MEMBER_STATE = "e2e/.auth/member.json";

test.describe("sign-in", () => {
  test("first-run admin signs in through the form and sees the dashboard", async ({ page }) => {
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByTestId("user-role")).toHaveText("admin");
    await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" })).toBeVisible();
  });

  test("a wrong password shows an error and keeps the user on the sign-in page", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test("sign-out ends the session", async ({ browser, playwright, baseURL }) => {
    // Its own account: signing out ends every session of that user, the stored admin state included.
    const admin = await playwright.request.newContext({ baseURL, storageState: ADMIN_STATE });
    const email = `${uniq("leaver")}@e2e.test`;
    expect((await admin.post("/api/admin/users", { data: { email, name: "Leaver", password: "leaver-password-1", role: "admin" } })).status()).toBe(201);
    await admin.dispose();
    const ctx = await browser.newContext({ storageState: undefined });
    const page = await ctx.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("leaver-password-1");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByTestId("user-menu")).toBeVisible();
    // The button works once React has hydrated the page: retry the click until it navigates.
    await expect(async () => {
      if (!page.url().includes("/login")) await page.getByRole("button", { name: "Sign out", exact: true }).click({ timeout: 2000 });
      await expect(page).toHaveURL(/\/login/, { timeout: 3000 });
    }).toPass({ timeout: 15_000 });
    expect((await page.request.get("/api/me")).status()).toBe(401);
    await ctx.close();
  });
});

test.describe("as a member", () => {
  test.use({ storageState: MEMBER_STATE });

  test("cannot open /admin and cannot call admin routes", async ({ page }) => {
    await page.goto("/admin");
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await page.goto("/admin/users");
    await expect(page.getByTestId("forbidden")).toBeVisible();
    const res = await page.request.get("/api/admin/users");
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });
});

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("creates a team and a user in the UI, and the audit log shows both", async ({ page }) => {
    const team = uniq("Team");
    await page.goto("/admin/teams");
    await page.getByRole("button", { name: "New team" }).click();
    const teamDialog = page.getByRole("dialog", { name: "New team" });
    await teamDialog.getByLabel("Team name").fill(team);
    await teamDialog.getByRole("button", { name: "Create team" }).click();
    await expect(page.getByRole("heading", { name: team })).toBeVisible();

    const email = `${uniq("dev")}@e2e.test`;
    await page.goto("/admin/users");
    await page.getByRole("button", { name: "New user" }).click();
    const userDialog = page.getByRole("dialog", { name: "New user" });
    await userDialog.getByLabel("Email").fill(email);
    await userDialog.getByLabel("Name").fill("Dev Eloper");
    await userDialog.getByLabel("Password").fill("a-long-password-1");
    await userDialog.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByTestId("users-table")).toContainText(email);

    await page.goto("/admin/audit");
    await expect(page.getByTestId("audit-table").getByText("user.create").first()).toBeVisible();
    await expect(page.getByTestId("audit-table").getByText("team.create").first()).toBeVisible();
    // The newest user.create row carries the new user's email in its "after" snapshot.
    await page.getByRole("button", { name: /Details of audit event/ }).first().click();
    await expect(page.getByTestId("audit-after")).toContainText(email);
  });

  test("a duplicate email is refused with 409 and a clear message", async ({ request }) => {
    const email = `${uniq("dup")}@e2e.test`;
    const body = { email, name: "Dup", password: "a-long-password-1" };
    expect((await request.post("/api/admin/users", { data: body })).status()).toBe(201);
    const again = await request.post("/api/admin/users", { data: body });
    expect(again.status()).toBe(409);
    expect((await again.json()).error.message).toContain("already exists");
  });

  test("bad input gets 400/422 naming the field, never a 500", async ({ request }) => {
    const bad = await request.post("/api/admin/users", { headers: { "content-type": "application/json" }, data: Buffer.from("{not json") });
    expect(bad.status()).toBe(400);
    const invalid = await request.post("/api/admin/users", { data: { email: "nope", name: "", password: "short", extra: 1 } });
    expect(invalid.status()).toBe(422);
    const fields = ((await invalid.json()).error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["email", "name", "password", "extra"]));
  });
});

test.describe("platform endpoints", () => {
  test.use({ storageState: ADMIN_STATE });

  test("health and readiness answer", async ({ request }) => {
    expect((await request.get("/healthz")).status()).toBe(200);
    const ready = await request.get("/readyz");
    expect(ready.status()).toBe(200);
    const body = await ready.json();
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.migrations.ok).toBe(true);
  });

  test("an admin API token works as a bearer token and the OpenAPI document lists the routes", async ({ request, playwright, baseURL }) => {
    const created = await request.post("/api/admin/tokens", { data: { name: uniq("ci-token") } });
    expect(created.status()).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect(token).toMatch(/^pat_/);
    // No cookies: the project's admin storage state must not leak into this context.
    const bare = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const withToken = await bare.get("/api/admin/users", { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status()).toBe(200);
    const bad = await bare.get("/api/admin/users", { headers: { authorization: "Bearer pat_not-a-real-token" } });
    expect(bad.status()).toBe(401);
    const anon = await bare.get("/api/admin/users");
    expect(anon.status()).toBe(401);
    const doc = await (await bare.get("/api/admin/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/admin/users", "/api/admin/teams/{id}/members"]));
    await bare.dispose();
  });

  test("sign-in is throttled after 10 failures for an account (429), other accounts unaffected", async ({ request, playwright, baseURL }) => {
    const email = `${uniq("locked")}@e2e.test`;
    expect((await request.post("/api/admin/users", { data: { email, name: "Locked", password: "a-long-password-1" } })).status()).toBe(201);
    const anon = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const { loginViaApi } = await import("./support/auth");
    for (let i = 0; i < 10; i++) expect(await loginViaApi(anon, email, "wrong-password")).toBe(401);
    expect(await loginViaApi(anon, email, "a-long-password-1")).toBe(429);
    await anon.dispose();
  });
});
