/**
 * Who may call what: every `route.ts` under app/api/admin/** and
 * app/api/portal/** (found by walking the filesystem), every exported HTTP
 * method, called as anonymous, member, team_admin and admin.
 *
 * The table below is the contract. The test FAILS when a route file or method
 * exists without an entry (add one when you add a route) and when an entry
 * names a route that no longer exists. `401`/`403` must match exactly; `OK`
 * means "allowed": anything but 401/403 (dummy ids and empty bodies make
 * 404/422 normal) and never a 500.
 *
 * How callers are faked, without test hooks in production code: each role is
 * a real user with a real admin API token (`Authorization: Bearer pat_...`),
 * so every call goes through the real `currentActor` → `actorFromAdminToken`
 * → `loadActor` (which loads the user's real platform and team roles) →
 * `requireRole` → service checks. Tokens are minted with the real
 * `createAdminToken` service; it records the token for `actor.userId`, so for
 * the member and team_admin we pass the admin actor with that user's id and
 * email — the token then belongs to that user and grants exactly their roles.
 * Anonymous calls carry no header; outside a Next request there is no cookie
 * store, so `next-auth`'s `getServerSession` is mocked to "no session" — the
 * same answer it gives a request without a session cookie.
 *
 * Handlers are called directly: `GET(new Request(url, init), { params: Promise.resolve({...}) })`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

const OK = "ok" as const;
type Expect = 401 | 403 | typeof OK;
type Row = { anon: Expect; member: Expect; team_admin: Expect; admin: Expect };
type Role = keyof Row;

/** role: "admin" routes */
const ADMIN: Row = { anon: 401, member: 403, team_admin: 403, admin: OK };
/** role: "team_admin" routes (finer team checks in the services) */
const TEAM_ADMIN: Row = { anon: 401, member: 403, team_admin: OK, admin: OK };
/** role: "member" routes (portal) */
const MEMBER: Row = { anon: 401, member: OK, team_admin: OK, admin: OK };
/** public documents */
const PUBLIC: Row = { anon: OK, member: OK, team_admin: OK, admin: OK };

const MATRIX: Record<string, Row> = {
  // identity
  "GET /api/admin/users": ADMIN,
  "POST /api/admin/users": ADMIN,
  "GET /api/admin/users/[id]": ADMIN,
  "PATCH /api/admin/users/[id]": ADMIN,
  "POST /api/admin/users/[id]/sign-out": ADMIN,
  "GET /api/admin/teams": TEAM_ADMIN,
  "POST /api/admin/teams": ADMIN,
  "GET /api/admin/teams/[id]": TEAM_ADMIN,
  "PATCH /api/admin/teams/[id]": TEAM_ADMIN,
  "GET /api/admin/teams/[id]/members": TEAM_ADMIN,
  "POST /api/admin/teams/[id]/members": TEAM_ADMIN,
  "PATCH /api/admin/teams/[id]/members/[userId]": TEAM_ADMIN,
  "DELETE /api/admin/teams/[id]/members/[userId]": TEAM_ADMIN,
  "GET /api/admin/tokens": ADMIN,
  "POST /api/admin/tokens": ADMIN,
  "DELETE /api/admin/tokens/[id]": ADMIN,
  "GET /api/admin/audit": TEAM_ADMIN,
  "GET /api/admin/config/export": ADMIN,
  "POST /api/admin/config/plan": ADMIN,
  "POST /api/admin/config/apply": ADMIN,
  "GET /api/admin/config/schema.json": PUBLIC,
  "GET /api/admin/config/managed": TEAM_ADMIN,
  "GET /api/admin/openapi.json": PUBLIC,
  // gateway config
  "GET /api/admin/providers": ADMIN,
  "POST /api/admin/providers": ADMIN,
  "GET /api/admin/providers/[id]": ADMIN,
  "PATCH /api/admin/providers/[id]": ADMIN,
  "DELETE /api/admin/providers/[id]": ADMIN,
  "POST /api/admin/providers/[id]/test": ADMIN,
  "GET /api/admin/providers/presets": ADMIN,
  "POST /api/admin/providers/presets": ADMIN,
  "GET /api/admin/providers/breakers": ADMIN,
  "GET /api/admin/models": ADMIN,
  "POST /api/admin/models": ADMIN,
  "GET /api/admin/models/[id]": ADMIN,
  "PATCH /api/admin/models/[id]": ADMIN,
  "DELETE /api/admin/models/[id]": ADMIN,
  "GET /api/admin/pricing/catalog": ADMIN,
  "GET /api/admin/routes": ADMIN,
  "POST /api/admin/routes": ADMIN,
  "GET /api/admin/routes/[id]": ADMIN,
  "PATCH /api/admin/routes/[id]": ADMIN,
  "DELETE /api/admin/routes/[id]": ADMIN,
  "POST /api/admin/routes/[id]/test": ADMIN,
  "PUT /api/admin/routes/[id]/grants": ADMIN,
  "GET /api/admin/keys": ADMIN,
  "POST /api/admin/keys": ADMIN,
  "GET /api/admin/keys/[id]": ADMIN,
  "PATCH /api/admin/keys/[id]": ADMIN,
  "DELETE /api/admin/keys/[id]": ADMIN,
  "GET /api/admin/logs": TEAM_ADMIN,
  "GET /api/admin/logs/[id]": TEAM_ADMIN,
  "GET /api/admin/logs/export": TEAM_ADMIN,
  "GET /api/admin/logs/facets": TEAM_ADMIN,
  "GET /api/admin/logs/settings": ADMIN,
  "PATCH /api/admin/logs/settings": ADMIN,
  "POST /api/admin/logs/body-capture": ADMIN,
  "GET /api/admin/charts/[chart]": TEAM_ADMIN,
  "GET /api/portal/logs": MEMBER,
  "GET /api/portal/logs/[id]": MEMBER,
  "GET /api/portal/logs/export": MEMBER,
  "GET /api/portal/logs/facets": MEMBER,
  "GET /api/portal/usage/[chart]": MEMBER,
  // access (docs/access.md)
  "GET /api/admin/apis": TEAM_ADMIN,
  "POST /api/admin/apis": TEAM_ADMIN,
  "GET /api/admin/apis/[id]": TEAM_ADMIN,
  "PATCH /api/admin/apis/[id]": TEAM_ADMIN,
  "DELETE /api/admin/apis/[id]": TEAM_ADMIN,
  "POST /api/admin/apis/[id]/state": TEAM_ADMIN,
  "GET /api/admin/apis/[id]/mcp": TEAM_ADMIN,
  "PUT /api/admin/apis/[id]/mcp": TEAM_ADMIN,
  "PUT /api/admin/apis/[id]/mcp/tools": TEAM_ADMIN,
  "POST /api/admin/apis/[id]/mcp/refresh": TEAM_ADMIN,
  // prompt-to-REST (docs/prompt-apis.md)
  "GET /api/admin/prompts/[apiId]": TEAM_ADMIN,
  "PUT /api/admin/prompts/[apiId]": TEAM_ADMIN,
  "POST /api/admin/prompts/[apiId]/publish": TEAM_ADMIN,
  "POST /api/admin/prompts/[apiId]/rollback": TEAM_ADMIN,
  "GET /api/admin/prompts/[apiId]/versions": TEAM_ADMIN,
  "GET /api/admin/prompts/[apiId]/diff": TEAM_ADMIN,
  "POST /api/admin/prompts/[apiId]/try": TEAM_ADMIN,
  "GET /api/portal/apis/[slug]/openapi": MEMBER,
  "GET /api/admin/apps": TEAM_ADMIN,
  "GET /api/admin/subscriptions": TEAM_ADMIN,
  "GET /api/admin/subscriptions/pending-count": TEAM_ADMIN,
  "POST /api/admin/subscriptions/[id]/approve": TEAM_ADMIN,
  "POST /api/admin/subscriptions/[id]/reject": TEAM_ADMIN,
  "POST /api/admin/subscriptions/[id]/revoke": TEAM_ADMIN,
  "POST /api/admin/subscriptions/bulk-approve": TEAM_ADMIN,
  "GET /api/admin/webhooks": TEAM_ADMIN,
  "POST /api/admin/webhooks": TEAM_ADMIN,
  "PATCH /api/admin/webhooks/[id]": TEAM_ADMIN,
  "DELETE /api/admin/webhooks/[id]": TEAM_ADMIN,
  // response cache + content guards
  "GET /api/admin/content-policies": TEAM_ADMIN,
  "POST /api/admin/content-policies": TEAM_ADMIN,
  "PATCH /api/admin/content-policies/[id]": TEAM_ADMIN,
  "DELETE /api/admin/content-policies/[id]": TEAM_ADMIN,
  "POST /api/admin/content-policies/detectors": ADMIN,
  "PATCH /api/admin/content-policies/detectors/[id]": ADMIN,
  "DELETE /api/admin/content-policies/detectors/[id]": ADMIN,
  "POST /api/admin/content-policies/preview": TEAM_ADMIN,
  "GET /api/admin/cache": ADMIN,
  "DELETE /api/admin/cache": ADMIN,
  // alerts (observability)
  "GET /api/admin/alerts": ADMIN,
  "GET /api/admin/alerts/firing-count": ADMIN,
  "GET /api/admin/alerts/rules": ADMIN,
  "POST /api/admin/alerts/rules": ADMIN,
  "GET /api/admin/alerts/rules/[id]": ADMIN,
  "PATCH /api/admin/alerts/rules/[id]": ADMIN,
  "DELETE /api/admin/alerts/rules/[id]": ADMIN,
  "POST /api/admin/alerts/rules/[id]/test": ADMIN,
  "GET /api/admin/limits": TEAM_ADMIN,
  "POST /api/admin/limits": TEAM_ADMIN,
  "PATCH /api/admin/limits/[id]": TEAM_ADMIN,
  "DELETE /api/admin/limits/[id]": TEAM_ADMIN,
  "GET /api/admin/budgets": TEAM_ADMIN,
  "POST /api/admin/budgets": TEAM_ADMIN,
  "PATCH /api/admin/budgets/[id]": TEAM_ADMIN,
  "DELETE /api/admin/budgets/[id]": TEAM_ADMIN,
  "GET /api/admin/budgets/notifications": TEAM_ADMIN,
  // portal
  "GET /api/portal/catalog": MEMBER,
  "GET /api/portal/apis/[slug]": MEMBER,
  "GET /api/portal/apis/[slug]/mcp-tools": MEMBER,
  "GET /api/portal/apps": MEMBER,
  "POST /api/portal/account/sign-out": MEMBER,
  "POST /api/portal/apps": MEMBER,
  "GET /api/portal/apps/[id]": MEMBER,
  "PATCH /api/portal/apps/[id]": MEMBER,
  "DELETE /api/portal/apps/[id]": MEMBER,
  "GET /api/portal/apps/[id]/keys": MEMBER,
  "POST /api/portal/apps/[id]/keys": MEMBER,
  "DELETE /api/portal/apps/[id]/keys/[keyId]": MEMBER,
  "POST /api/portal/apps/[id]/keys/[keyId]/rotate": MEMBER,
  "POST /api/portal/subscriptions": MEMBER,
  "POST /api/portal/subscriptions/[id]/cancel": MEMBER,
  "GET /api/portal/apps/[id]/limits": MEMBER,
};

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const ROOT = path.resolve(__dirname, "..");

/** `app/api/admin/teams/[id]/route.ts` → `/api/admin/teams/[id]`, for every route.ts below admin/ and portal/. */
function routeFiles(): { file: string; path: string }[] {
  const out: { file: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") out.push({ file: p, path: "/" + path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep).join("/") });
    }
  };
  for (const d of ["app/api/admin", "app/api/portal"]) walk(path.join(ROOT, d));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

let dir: string;
let teamId: string;
const tokens: Partial<Record<Role, string>> = {};
const handlers = new Map<string, { handler: Handler; path: string }>();
let closeDb: () => void;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-roles-"));
  process.env.DATABASE_URL = "file:" + path.join(dir, "portico.db");
  process.env.PORTICO_SECRET = "test-secret-".padEnd(40, "x");
  process.env.PORTICO_ADMIN_EMAIL = "admin@roles.test";
  process.env.PORTICO_ADMIN_PASSWORD = "correct-horse-battery-staple";
  const { bootstrap } = await import("@/lib/bootstrap");
  const { getDb, closeDb: close } = await import("@/lib/db/client");
  const { users } = await import("@/lib/db/schema");
  const { loadActor } = await import("@/lib/auth/actor");
  const { createUser } = await import("@/lib/services/users");
  const { createTeam, addMember } = await import("@/lib/services/teams");
  const { createAdminToken } = await import("@/lib/services/admin-tokens");
  const { eq } = await import("drizzle-orm");
  closeDb = close;
  await bootstrap();
  const adminRow = (await getDb().select().from(users).where(eq(users.email, "admin@roles.test")).limit(1))[0]!;
  const admin = (await loadActor(adminRow.id, "session"))!;
  teamId = (await createTeam({ actor: admin, input: { name: "Matrix team", slug: "matrix" } })).id;
  const member = await createUser({ actor: admin, input: { email: "member@roles.test", name: "Member", password: "member-password-123" } });
  const teamAdmin = await createUser({ actor: admin, input: { email: "ta@roles.test", name: "Team admin", password: "teamadmin-password-123" } });
  await addMember({ actor: admin, teamId, input: { userId: member.id, role: "member" } });
  await addMember({ actor: admin, teamId, input: { userId: teamAdmin.id, role: "team_admin" } });
  // See the header: the token belongs to `actor.userId`; its bearer gets that user's real roles.
  const tokenFor = async (u: { id: string; email: string }) => (await createAdminToken({ actor: { ...admin, userId: u.id, email: u.email }, input: { name: "role matrix" } })).token;
  tokens.admin = await tokenFor({ id: admin.userId, email: admin.email });
  tokens.member = await tokenFor(member);
  tokens.team_admin = await tokenFor(teamAdmin);

  for (const r of routeFiles()) {
    const mod = (await import(r.file)) as Record<string, unknown>;
    for (const m of METHODS) if (typeof mod[m] === "function") handlers.set(`${m} ${r.path}`, { handler: mod[m] as Handler, path: r.path });
  }
});

afterAll(() => {
  closeDb?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Route params: the matrix team for team routes (so a team admin passes the team check), dummies elsewhere. */
function paramsFor(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name] of p.matchAll(/\[(\w+)\]/g)) out[name!] = p.startsWith("/api/admin/teams/") && name === "id" ? teamId : `nope-${name}`;
  return out;
}

async function callAs(role: Role, method: string, p: string, handler: Handler): Promise<Response> {
  const params = paramsFor(p);
  const url = "http://localhost" + p.replace(/\[(\w+)\]/g, (_, n: string) => encodeURIComponent(params[n]!));
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (role !== "anon") headers.authorization = `Bearer ${tokens[role]}`;
  const init: RequestInit = { method, headers };
  if (method !== "GET" && method !== "DELETE") init.body = "{}";
  return handler(new Request(url, init), { params: Promise.resolve(params) });
}

describe("role matrix", () => {
  it("every route file and method has an entry, and every entry a route", () => {
    const found = [...handlers.keys()].sort();
    expect(found.length).toBeGreaterThan(50);
    const missing = found.filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !handlers.has(k));
    expect(missing, `routes without a MATRIX entry in tests/role-matrix.test.ts: add them`).toEqual([]);
    expect(stale, `MATRIX entries whose route no longer exists: remove them`).toEqual([]);
  });

  it("each role gets the expected outcome", async () => {
    const failures: string[] = [];
    for (const [key, { handler, path: p }] of handlers) {
      const row = MATRIX[key];
      if (!row) continue; // reported by the test above
      const method = key.split(" ")[0]!;
      for (const role of ["anon", "member", "team_admin", "admin"] as const) {
        const res = await callAs(role, method, p, handler);
        const want = row[role];
        const got = res.status;
        const fine = want === OK ? got !== 401 && got !== 403 && got < 500 : got === want;
        if (!fine) failures.push(`${key} as ${role}: expected ${want === OK ? "allowed (not 401/403, < 500)" : want}, got ${got} ${(await res.text()).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
