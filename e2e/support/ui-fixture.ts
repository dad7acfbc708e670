import { expect, type Browser, type Page } from "@playwright/test";
import fs from "node:fs";
import { MEMBER, loginViaApi, uniq } from "./auth";

export const ADMIN_STATE = "e2e/.auth/admin.json";
export const MEMBER_STATE = "e2e/.auth/member.json";
export const TEAM_ADMIN_STATE = "e2e/.auth/team-admin.json";

export const SIZES = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Markdown docs with a table, code and links, including a path-relative trick that must not leave the site. */
export const DOCS_MD = [
  "# Ticket summary",
  "Send a ticket, get a summary. See [the guide](https://example.com/guide) or [the catalog](/).",
  "",
  "| field | type | notes |",
  "| --- | --- | --- |",
  "| ticket | string | the text to summarize |",
  "",
  "```json",
  '{ "ticket": "Printer on fire" }',
  "```",
  "",
  "Tricky: [x](/\\evil.example) and [y](//evil.example) and [z](javascript:alert(1)).",
].join("\n");

export interface UiFixture {
  teamId: string;
  apiId: string;
  apiSlug: string;
  promptApiId: string;
  appId: string;
}

/**
 * One team with the member and a team admin in it, a published API with markdown docs, a prompt API,
 * an app with a key and a few logged calls, so every page has content (tables, charts) to lay out.
 */
export async function seedUiFixture(browser: Browser, baseURL: string): Promise<UiFixture> {
  const adminCtx = await browser.newContext({ storageState: ADMIN_STATE });
  const rq = adminCtx.request;
  const names = { team: uniq("UI team"), api: uniq("Ticket summary"), slug: uniq("ui-tickets"), prompt: uniq("ui-prompt") };
  const team = await rq.post("/api/admin/teams", { data: { name: names.team } });
  expect(team.status()).toBe(201);
  const teamId = ((await team.json()) as { id: string }).id;
  expect((await rq.post(`/api/admin/teams/${teamId}/members`, { data: { email: MEMBER.email, role: "member" } })).status()).toBe(201);

  // A team admin of that team, signed in once and saved like the other roles.
  const taEmail = `${uniq("ta")}@e2e.test`;
  const taPassword = "e2e-team-admin-password";
  expect((await rq.post("/api/admin/users", { data: { email: taEmail, name: "Tess Teamadmin", password: taPassword, role: "member" } })).status()).toBe(201);
  expect((await rq.post(`/api/admin/teams/${teamId}/members`, { data: { email: taEmail, role: "team_admin" } })).status()).toBe(201);
  const ta = await browser.newContext({ baseURL });
  expect(await loginViaApi(ta.request, taEmail, taPassword)).toBe(200);
  fs.mkdirSync("e2e/.auth", { recursive: true });
  await ta.storageState({ path: TEAM_ADMIN_STATE });
  await ta.close();

  const api = await rq.post("/api/admin/apis", {
    data: { slug: names.slug, name: names.api, description: "Summaries of support tickets.", teamId, kind: "llm", routeAliases: ["mock-chat"], approvalMode: "auto", reasonRequired: false, tags: ["ui"], docs: DOCS_MD },
  });
  expect(api.status()).toBe(201);
  const apiId = ((await api.json()) as { id: string }).id;
  expect((await rq.post(`/api/admin/apis/${apiId}/state`, { data: { state: "published" } })).status()).toBe(200);
  const prompt = await rq.post("/api/admin/apis", { data: { slug: names.prompt, name: uniq("Prompt"), teamId, kind: "prompt", approvalMode: "manual", reasonRequired: false } });
  expect(prompt.status()).toBe(201);
  const promptApiId = ((await prompt.json()) as { id: string }).id;

  const app = await rq.post("/api/portal/apps", { data: { teamId, name: uniq("ui-app") } });
  expect(app.status()).toBe(201);
  const appId = ((await app.json()) as { id: string }).id;
  expect((await rq.post("/api/portal/subscriptions", { data: { appId, apiId } })).status()).toBe(201);
  const keyRes = await rq.post(`/api/portal/apps/${appId}/keys`, { data: { name: "ui e2e" } });
  expect(keyRes.status()).toBe(201);
  const key = ((await keyRes.json()) as { key: string }).key;
  for (let i = 0; i < 3; i++) {
    const r = await rq.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: "mock-chat", messages: [{ role: "user", content: `ui call ${i}` }] } });
    expect(r.status()).toBe(200);
  }
  await adminCtx.close();
  return { teamId, apiId, apiSlug: names.slug, promptApiId, appId };
}

export type Role = "admin" | "team_admin" | "member";

/** Every page a role can open, with real ids from the fixture. */
export function pagesFor(role: Role, f: UiFixture): string[] {
  const portal = ["/", "/apps", `/apps/${f.appId}`, `/apis/${f.apiSlug}`, "/usage"];
  const teamAdmin = ["/admin", "/admin/logs", "/admin/costs", "/admin/limits", "/admin/guards", "/admin/apis", `/admin/apis/${f.promptApiId}/prompt`, "/admin/subscriptions", "/admin/teams", `/admin/teams/${f.teamId}`, "/admin/audit"];
  const admin = [...teamAdmin, "/admin/alerts", "/admin/providers", "/admin/models", "/admin/routes", "/admin/keys", "/admin/users", "/admin/settings"];
  if (role === "admin") return admin;
  if (role === "team_admin") return teamAdmin;
  return portal;
}

export function stateFor(role: Role): string {
  return role === "admin" ? ADMIN_STATE : role === "team_admin" ? TEAM_ADMIN_STATE : MEMBER_STATE;
}

/** Navigates and waits until queries have answered: no skeletons, no busy regions, network quiet. */
export async function openSettled(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(page.locator("#main")).toBeVisible();
}

/** Elements sticking out past the viewport's right edge (for a readable failure message). */
export async function overflowReport(page: Page): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const de = document.documentElement;
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const r = el.getBoundingClientRect();
      if (r.right > de.clientWidth + 1 && culprits.length < 8) {
        culprits.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${String((el as HTMLElement).className || "").slice(0, 40)} right=${Math.round(r.right)} w=${Math.round(r.width)}`);
      }
    }
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, culprits };
  });
}
