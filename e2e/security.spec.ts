/**
 * Browser-level security rules: a page on another port of the same host cannot make the
 * signed-in admin's browser change anything (SameSite=Lax lets the cookie through there),
 * sign-out and "sign out everywhere" end copied cookies, pages refuse to be framed.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test, expect, type APIRequestContext } from "@playwright/test";
import { loginViaApi, uniq } from "./support/auth";

const ADMIN_STATE = "e2e/.auth/admin.json";

async function newUser(request: APIRequestContext, role: "admin" | "member" = "member") {
  const email = `${uniq("sec")}@e2e.test`;
  const password = "security-password-1";
  expect((await request.post("/api/admin/users", { data: { email, name: "Sec", password, role } })).status()).toBe(201);
  return { email, password };
}

test.describe("cross-site requests", () => {
  test.use({ storageState: ADMIN_STATE });

  test("a page on another port cannot create a platform admin with the admin's cookie; the dashboard itself still can", async ({ page, request, baseURL }) => {
    const email = `${uniq("csrf")}@e2e.test`;
    const target = `${baseURL}/api/admin/users`;
    // The attacker's page: same host, another port (same-site, so the Lax cookie is sent).
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>evil</title><script>
        const body = JSON.stringify({ email: ${JSON.stringify(email)}, name: "Evil", password: "evil-password-123", role: "admin" });
        Promise.allSettled([
          fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body }),
          fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", credentials: "include", body: new URLSearchParams({ x: body }) }),
        ]).then(() => { document.title = "done"; });
      </script>`);
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    const seen: number[] = []; // what the server answered the two forged requests
    page.on("response", (r) => {
      if (r.url() === target) seen.push(r.status());
    });
    try {
      await page.goto(evilUrl);
      await expect(page).toHaveTitle("done");
    } finally {
      await new Promise<void>((r) => evil.close(() => r()));
    }
    expect(seen).not.toContain(201);
    const list = await request.get(`/api/admin/users?q=${encodeURIComponent(email)}`);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(0);

    // Our own pages: the same write from the dashboard's origin goes through.
    await page.goto("/admin/users");
    const status = await page.evaluate(async (e) => {
      const r = await fetch("/api/admin/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: e, name: "Own", password: "own-password-123" }) });
      return r.status;
    }, `${uniq("own")}@e2e.test`);
    expect(status).toBe(201);
  });
});

test.describe("sessions", () => {
  test.use({ storageState: ADMIN_STATE });

  test("a session cookie copied before sign-out is refused after it", async ({ browser, request, playwright, baseURL }) => {
    const u = await newUser(request);
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    expect(await loginViaApi(ctx.request, u.email, u.password)).toBe(200);
    const copied = (await ctx.cookies()).filter((c) => c.name.includes("session-token"));
    expect(copied.length).toBeGreaterThan(0);
    const page = await ctx.newPage();
    await page.goto("/");
    await expect(page.getByTestId("user-menu")).toBeVisible();
    await expect(async () => {
      if (!page.url().includes("/login")) await page.getByRole("button", { name: "Sign out", exact: true }).click({ timeout: 2000 });
      await expect(page).toHaveURL(/\/login/, { timeout: 3000 });
    }).toPass({ timeout: 15_000 });
    await ctx.close();
    // Someone who copied the cookie before the sign-out.
    const thief = await playwright.request.newContext({ baseURL, storageState: { cookies: copied, origins: [] } });
    expect((await thief.get("/api/me")).status()).toBe(401);
    await thief.dispose();
  });

  test("'Sign out everywhere' ends the user's sessions in other browsers", async ({ browser, request }) => {
    const u = await newUser(request);
    const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    expect(await loginViaApi(other.request, u.email, u.password)).toBe(200);
    expect((await other.request.get("/api/me")).status()).toBe(200);
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    expect(await loginViaApi(ctx.request, u.email, u.password)).toBe(200);
    const page = await ctx.newPage();
    await page.goto("/");
    await expect(async () => {
      if (!page.url().includes("/login")) await page.getByTestId("sign-out-everywhere").click({ timeout: 2000 });
      await expect(page).toHaveURL(/\/login/, { timeout: 3000 });
    }).toPass({ timeout: 15_000 });
    expect((await other.request.get("/api/me")).status()).toBe(401);
    await other.close();
    await ctx.close();
  });
});

test("pages refuse framing and sniffing, and keep full URLs out of the Referer", async ({ request }) => {
  const res = await request.get("/login");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});
