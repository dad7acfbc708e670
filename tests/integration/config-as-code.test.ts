/**
 * Configuration as code (lib/config, docs/config-as-code.md) through the real
 * services and route handlers: plan, apply, export, prune, problems with paths,
 * the change set in the audit log, and the managed marks.
 * The round trip onto a FRESH instance and the start-up file are in
 * config-startup.test.ts (a second process with its own database).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, startGateway, type Gateway } from "../support/gateway";

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, "../../docs/examples/portico.yaml"), "utf8");
export const EXAMPLE_ENV = {
  OPENAI_API_KEY: "sk-openai-example-1234",
  ANTHROPIC_API_KEY: "sk-ant-example-5678",
  ALERT_WEBHOOK_SECRET: "alert-secret-0123456789",
  SUBSCRIPTION_WEBHOOK_SECRET: "hook-secret-0123456789",
  TOOLS_MCP_AUTH: "Bearer mcp-tools-token-4321",
};

let gw: Gateway;
let svc: typeof import("@/lib/config/service");
beforeAll(async () => {
  gw = await startGateway(EXAMPLE_ENV);
  svc = await import("@/lib/config/service");
});
afterAll(async () => gw?.close());

type Problems = { status: number; details: { path: string; message: string }[] };
async function problemsOf(fn: () => unknown): Promise<Problems> {
  try {
    await fn();
  } catch (e) {
    return e as Problems;
  }
  throw new Error("expected a problem");
}

describe("apply the documented example", () => {
  it("creates everything, then the same file plans and applies no change", async () => {
    const first = await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    expect(first.problems).toEqual([]);
    expect(first.summary.create).toBeGreaterThan(20);
    expect(first.changeSet).toMatch(/^cfg_/);

    const again = await svc.planFromText({ actor: gw.actor, text: EXAMPLE });
    expect(again.changes).toEqual([]);
    const second = await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    expect(second.changes).toEqual([]);
    expect(second.changeSet).toBeNull();

    // The data plane serves what the file declared.
    const { getDb } = await import("@/lib/db/client");
    const s = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    const db = getDb();
    const chat = (await db.select().from(s.routes).where(eq(s.routes.alias, "chat")).limit(1))[0]!;
    expect(chat.strategy).toBe("fallback");
    expect(chat.retry.attemptsPerTarget).toBe(3);
    const openai = (await db.select().from(s.providers).where(eq(s.providers.name, "openai")).limit(1))[0]!;
    expect(openai.keyLast4).toBe("1234");
    const mini = (await db.select().from(s.models).where(eq(s.models.upstreamModel, "gpt-4o-mini")).limit(1))[0]!;
    expect(mini.inputPricePerM).toBeGreaterThan(0); // filled from the price catalog
    const summarize = (await db.select().from(s.apis).where(eq(s.apis.slug, "summarize")).limit(1))[0]!;
    expect(summarize.state).toBe("published");
    const prompt = (await db.select().from(s.prompts).where(eq(s.prompts.apiId, summarize.id)).limit(1))[0]!;
    expect(prompt.currentVersion).toBe(1);
    const lead = (await db.select().from(s.users).where(eq(s.users.email, "lead@search.example.com")).limit(1))[0]!;
    expect(lead.passwordHash).toBeNull();

    // One change set in the audit log: every row of the apply carries it, the config.apply row holds the plan.
    const { listAudit } = await import("@/lib/services/audit");
    const rows = (await listAudit(gw.actor, { limit: 200, changeSet: first.changeSet! })).items;
    expect(rows.length).toBeGreaterThan(20);
    const head = rows.find((r) => r.action === "config.apply")!;
    expect((head.after as { summary: unknown }).summary).toEqual(first.summary);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["provider.create", "route.create", "api.publish", "prompt.publish", "webhook.create"]));
    expect(JSON.stringify(rows)).not.toContain(EXAMPLE_ENV.OPENAI_API_KEY);

    // Marked as managed by the file.
    const managed = (await svc.listManaged({ actor: gw.actor })).items;
    expect(managed).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "route", key: "chat" }), expect.objectContaining({ kind: "provider", key: "openai" })]));
    // a team admin (lead of "search") sees the marks of APIs only, and cannot plan or apply
    const { loadActor } = await import("@/lib/auth/actor");
    const leadActor = (await loadActor(lead.id, "session"))!;
    expect(new Set((await svc.listManaged({ actor: leadActor })).items.map((m) => m.kind))).toEqual(new Set(["api"]));
    expect((await problemsOf(() => svc.planFromText({ actor: leadActor, text: EXAMPLE }))).status).toBe(403);
    expect((await problemsOf(async () => (await svc.exportConfig({ actor: leadActor })))).status).toBe(403);
  });

  it("exports with secrets as references, never in clear, twice the same", async () => {
    const a = (await svc.exportConfig({ actor: gw.actor }));
    const b = (await svc.exportConfig({ actor: gw.actor }));
    expect(a).toBe(b);
    for (const v of Object.values(EXAMPLE_ENV)) expect(a).not.toContain(v);
    // the variable the file used is remembered for the export
    expect(a).toContain("apiKey: ${OPENAI_API_KEY}");
    expect(a).toContain("secret: ${SUBSCRIPTION_WEBHOOK_SECRET}");
    // the export applies to this instance as "no change"
    expect((await svc.planFromText({ actor: gw.actor, text: a })).changes).toEqual([]);
    expect((await svc.planFromText({ actor: gw.actor, text: (await svc.exportConfig({ actor: gw.actor, format: "json" })) })).changes).toEqual([]);
  });
});

describe("the data plane", () => {
  it("serves a route the file created at once (the apply bumps the config version)", async () => {
    const file = "routes:\n  - alias: cfg-served\n    targets:\n      - { provider: Built-in mock, model: mock-chat }\n";
    await svc.applyFromText({ actor: gw.actor, text: file });
    // expose it through the harness API, whose subscription the default key holds
    const { readState } = await import("@/lib/config/state");
    const apis = await import("@/lib/services/apis");
    const id = (await readState()).ids.get("api:harness")!;
    (await apis.updateApi({ actor: gw.actor, id, input: { routeAliases: [...(await apis.getApi({ actor: gw.actor, id })).routeAliases, "cfg-served"] } }));
    const res = await gw.post("/v1/chat/completions", chatBody("cfg-served"));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe("chat.completion");
  });
});

describe("credential headers", () => {
  it("a provider header carrying a credential is exported as a reference, and plans as no change when the variable holds it", async () => {
    const file = `providers:\n  - name: proxy\n    type: openai\n    baseUrl: https://llm-proxy.example.com/v1\n    headers:\n      x-proxy-token: \${PROXY_KEY}\n      x-team: search\n`;
    await svc.applyFromText({ actor: gw.actor, text: file, env: { PROXY_KEY: "proxy-credential-42" } });
    const out = (await svc.exportConfig({ actor: gw.actor }));
    expect(out).not.toContain("proxy-credential-42");
    expect(out).toContain("x-proxy-token: ${PROXY_HEADER_X_PROXY_TOKEN_VALUE}");
    expect(out).toContain("x-team: search");
    expect((await svc.planFromText({ actor: gw.actor, text: out, env: { ...process.env, PROXY_HEADER_X_PROXY_TOKEN_VALUE: "proxy-credential-42" } })).changes).toEqual([]);
    const { deleteProvider } = await import("@/lib/services/providers");
    const { readState } = await import("@/lib/config/state");
    await deleteProvider({ actor: gw.actor, id: (await readState()).ids.get("provider:proxy")! });
  });
});

type Doc = Record<string, Record<string, unknown>[]>;
async function exportedDoc(): Promise<Doc> {
  const { parse } = await import("yaml");
  return parse((await svc.exportConfig({ actor: gw.actor }))) as Doc;
}
async function yamlOf(doc: unknown): Promise<string> {
  const { stringify } = await import("yaml");
  return stringify(doc);
}
const find = (doc: Doc, section: string, key: string, value: string) => doc[section]!.find((e) => e[key] === value)!;

describe("plan", () => {
  it("a changed file gives exactly the expected field-level diff, and changes nothing", async () => {
    const doc = await exportedDoc();
    (find(doc, "routes", "alias", "chat").retry as Record<string, unknown>).attemptsPerTarget = 2;
    find(doc, "apis", "slug", "llm").tags = ["chat"];
    const anthropic = find(doc, "providers", "name", "anthropic");
    ((anthropic.models as Record<string, unknown>[])[0]!.prices as Record<string, unknown>).output = 16;
    doc.routes!.push({ alias: "chat-cheap", targets: [{ provider: "openai", model: "gpt-4o-mini" }] });
    const plan = await svc.planFromText({ actor: gw.actor, text: await yamlOf(doc), env: { ...process.env, OPENAI_API_KEY: "sk-rotated-9999" } });
    const brief = plan.changes.map((c) => ({ op: c.op, kind: c.kind, name: c.name, fields: c.fields }));
    expect(brief).toEqual([
      { op: "update", kind: "provider", name: "openai", fields: [{ field: "apiKey", before: "(set)", after: "${OPENAI_API_KEY}" }] },
      { op: "update", kind: "model", name: "anthropic/claude-sonnet-4-5", fields: [{ field: "prices.output", before: 15, after: 16 }] },
      { op: "update", kind: "route", name: "chat", fields: [{ field: "retry.attemptsPerTarget", before: 3, after: 2 }] },
      { op: "create", kind: "route", name: "chat-cheap", fields: [] },
      { op: "update", kind: "api", name: "llm", fields: [{ field: "tags", before: ["chat", "embeddings"], after: ["chat"] }] },
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 4, delete: 0 });
    expect(JSON.stringify(plan)).not.toContain("sk-rotated-9999");
    const { renderPlan } = await import("@/lib/config/render");
    expect(renderPlan(plan)).toContain("~ route chat\n    retry.attemptsPerTarget: 3 → 2");
    // plan is a dry run
    expect((await svc.planFromText({ actor: gw.actor, text: EXAMPLE })).changes).toEqual([]);
  });

  it("without prune never deletes; with prune deletes exactly what the file dropped, in the sections it holds", async () => {
    const doc = await exportedDoc();
    doc.limits = doc.limits!.filter((l) => !(l.scope === "team" && l.target === "search"));
    doc.alertRules = doc.alertRules!.filter((r) => r.name !== "OpenAI circuit open");
    const openai = find(doc, "providers", "name", "openai");
    openai.models = (openai.models as { name: string }[]).filter((m) => m.name !== "text-embedding-3-small");
    doc.routes = doc.routes!.filter((r) => r.alias !== "embed");
    find(doc, "apis", "slug", "llm").routes = ["chat"];
    for (const a of doc.apis!) if (Array.isArray(a.routes)) a.routes = (a.routes as string[]).filter((r) => r !== "embed");
    doc.policies = doc.policies!.filter((p) => p.target !== "embed");
    delete (doc as Record<string, unknown>).webhooks; // a section left out is not managed, even with prune
    doc.teams = doc.teams!.filter((t) => t.slug !== "demo"); // teams are never deleted (their apps and keys are the developers')
    const text = await yamlOf(doc);

    expect((await svc.planFromText({ actor: gw.actor, text })).changes.filter((c) => c.op === "delete")).toEqual([]);
    const applied = await svc.applyFromText({ actor: gw.actor, text, prune: true });
    expect(applied.changes.filter((c) => c.op === "delete").map((c) => `${c.kind} ${c.name}`).sort()).toEqual(
      ["alert_rule OpenAI circuit open", "limit team:search", "model openai/text-embedding-3-small", "policy route:embed", "route embed"].sort(),
    );
    const after = await exportedDoc();
    expect(after.webhooks).toHaveLength(1);
    expect((await svc.planFromText({ actor: gw.actor, text, prune: true })).changes).toEqual([]);
    // back to the example for the next tests
    await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
  });
});

describe("problems", () => {
  it("422 with the path of every problem: unknown objects, missing variables, unknown fields", async () => {
    const bad = EXAMPLE.replace("- { provider: openai, model: gpt-4o-mini }\n      - { provider: anthropic", "- { provider: openai, model: gpt-5-mini }\n      - { provider: anthropic")
      .replace("team: search\n    kind: prompt", "team: nobody\n    kind: prompt")
      .replace("${ANTHROPIC_API_KEY}", "${NOT_SET_ANYWHERE}")
      .replace("  - name: employee_id", "  - name: employee_id\n    colour: blue");
    const e = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: bad }));
    expect(e.status).toBe(422);
    expect(e.details).toEqual(
      expect.arrayContaining([
        { path: "providers[1].apiKey", message: "environment variable NOT_SET_ANYWHERE is not set" },
        { path: "detectors[0].colour", message: "unknown field" },
      ]),
    );
    const e2 = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: bad.replace("\n    colour: blue", "") }));
    expect(e2.details).toEqual(
      expect.arrayContaining([
        { path: "routes[0].targets[0].model", message: "unknown model 'gpt-5-mini' (provider 'openai')" },
        { path: "apis[1].team", message: "unknown team 'nobody'" },
        { path: "providers[1].apiKey", message: "environment variable NOT_SET_ANYWHERE is not set" },
      ]),
    );
    // secrets in clear are refused: they would end up in Git
    const clear = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("${OPENAI_API_KEY}", "sk-in-clear") }));
    expect(clear.details).toEqual([expect.objectContaining({ path: "providers[0].apiKey", message: expect.stringContaining("environment reference") })]);
    // a webhook at a private address (here the cloud metadata service) is refused before anything is applied
    const ssrf = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("https://hooks.example.com/portico/subscriptions", "http://169.254.169.254/latest/meta-data") }));
    expect(ssrf.status).toBe(422);
    expect(ssrf.details).toEqual([expect.objectContaining({ path: "webhooks[0].url", message: expect.stringContaining("169.254.169.254") })]);
    // published prompt versions never change
    const rewrite = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("note: first version", "note: rewritten") }));
    expect(rewrite.details).toEqual([expect.objectContaining({ path: "apis[1].prompt.versions[0]" })]);
  });

  it("refuses syntax errors, alias bombs and deep nesting as 422, never a 500", async () => {
    expect((await problemsOf(() => svc.planFromText({ actor: gw.actor, text: "providers: [\n" }))).status).toBe(422);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect((await problemsOf(() => svc.planFromText({ actor: gw.actor, text: bomb }))).status).toBe(422);
    expect((await problemsOf(() => svc.planFromText({ actor: gw.actor, text: "teams: " + "[".repeat(200) + "]".repeat(200) }))).status).toBe(422);
  });

  it("a service refusal fails the whole apply: nothing of it stays", async () => {
    const doc = await exportedDoc();
    doc.routes!.push({ alias: "never-created", targets: [{ provider: "anthropic", model: "claude-sonnet-4-5" }] });
    // Only the providers and routes sections: the model is still used by the "chat" route, so its kind cannot change.
    const mini = (find(doc, "providers", "name", "openai").models as Record<string, unknown>[]).find((m) => m.name === "gpt-4o-mini")!;
    mini.kind = "embedding";
    const text = await yamlOf({ providers: doc.providers, routes: doc.routes!.filter((r) => r.alias === "never-created") });
    const e = await problemsOf(() => svc.applyFromText({ actor: gw.actor, text }));
    expect(e.status).toBe(409);
    const at = doc.providers!.findIndex((p) => p.name === "openai");
    expect(e.details).toEqual([{ path: `providers[${at}].models[0]`, message: "This model is used by route chat; its kind cannot change while routes serve it." }]);
    const { getDb } = await import("@/lib/db/client");
    const s = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    expect((await getDb().select().from(s.routes).where(eq(s.routes.alias, "never-created")).limit(1))[0]).toBeUndefined();
  });
});

describe("edges", () => {
  it("an empty mapping changes nothing; pruning providers still used by routes is a 409, not a 500", async () => {
    expect((await svc.applyFromText({ actor: gw.actor, text: "{}", prune: true })).changes).toEqual([]);
    const e = await problemsOf(() => svc.applyFromText({ actor: gw.actor, text: "providers: []\n", prune: true }));
    expect(e.status).toBe(409);
    expect(e.details[0]!.message).toMatch(/is used by route/);
  });

  it("a new prompt API with only a draft, then its first published version", async () => {
    const base = "apis:\n  - slug: cfg-prompt\n    name: Cfg prompt\n    team: search\n    kind: prompt\n    prompt:\n      routeAlias: chat\n      userTemplate: 'Say {{word}}'\n      variables: [{ name: word, type: string, required: true }]\n";
    expect((await svc.applyFromText({ actor: gw.actor, text: base })).changes.map((c) => `${c.op} ${c.name}`)).toEqual(["create cfg-prompt"]);
    const v1 = base + "      versions:\n        - { version: 1, routeAlias: chat, userTemplate: 'Say {{word}}', variables: [{ name: word, type: string, required: true }] }\n";
    const plan = await svc.planFromText({ actor: gw.actor, text: v1 });
    expect(plan.changes[0]!.fields).toEqual([{ field: "prompt.versions", before: [], after: [1] }]);
    await svc.applyFromText({ actor: gw.actor, text: v1 });
    expect((await svc.planFromText({ actor: gw.actor, text: v1 })).changes).toEqual([]);
    expect((await svc.exportConfig({ actor: gw.actor }))).toMatch(/slug: cfg-prompt[\s\S]*currentVersion: 1/);
  });
});

describe("admin API", () => {
  it("plan, apply, export and the schema through the route handlers with an admin token", async () => {
    const { createAdminToken } = await import("@/lib/services/admin-tokens");
    const { token } = await createAdminToken({ actor: gw.actor, input: { name: "ci" } });
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const plan = await import("@/app/api/admin/config/plan/route");
    const apply = await import("@/app/api/admin/config/apply/route");
    const exp = await import("@/app/api/admin/config/export/route");
    const schema = await import("@/app/api/admin/config/schema.json/route");
    const ctx = { params: Promise.resolve({}) };
    const post = (h: typeof plan.POST, body: unknown) => h(new Request("http://x/api/admin/config/plan", { method: "POST", headers: auth, body: JSON.stringify(body) }), ctx);

    const ok = await post(plan.POST, { file: EXAMPLE });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ changes: [], diff: "No changes: the configuration matches the file.\n" });
    const bad = await post(plan.POST, { file: EXAMPLE.replace("model: gpt-4o-mini }\n      - { provider: anthropic", "model: gpt-5-mini }\n      - { provider: anthropic") });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; details: { path: string; message: string }[] } };
    expect(body.error.code).toBe("invalid_config");
    expect(body.error.details).toContainEqual({ path: "routes[0].targets[0].model", message: "unknown model 'gpt-5-mini' (provider 'openai')" });
    expect((await post(apply.POST, { file: EXAMPLE, prune: "yes" })).status).toBe(422);
    expect((await post(apply.POST, { file: EXAMPLE })).status).toBe(200);
    // a change through the API: its audit rows are one change set, listed by the audit route
    const changed = await post(apply.POST, { file: EXAMPLE.replace("tags: [chat, embeddings]", "tags: [chat]") });
    const { changeSet, diff } = (await changed.json()) as { changeSet: string; diff: string };
    expect(diff).toContain('~ api llm\n    tags: ["chat","embeddings"] → ["chat"]');
    const audit = await import("@/app/api/admin/audit/route");
    const rows = (await (await audit.GET(new Request(`http://x/api/admin/audit?changeSet=${changeSet}`, { headers: auth }), ctx)).json()) as { items: { action: string; changeSet: string }[] };
    expect(rows.items.map((r) => r.action).sort()).toEqual(["api.update", "config.apply"]);
    expect((await post(apply.POST, { file: EXAMPLE })).status).toBe(200);

    const y = await exp.GET(new Request("http://x/api/admin/config/export", { headers: auth }), ctx);
    expect(y.headers.get("content-type")).toContain("application/yaml");
    expect(y.headers.get("content-disposition")).toContain("portico.yaml");
    expect(await y.text()).toBe((await svc.exportConfig({ actor: gw.actor })));
    // (no credentials, other roles: tests/role-matrix.test.ts)

    // an oversized file is a client error: over the control-plane body limit (1 MiB), refused while read
    expect((await post(plan.POST, { file: "a".repeat(5 * 1024 * 1024 + 1) })).status).toBe(413);

    const s = (await schema.GET().json()) as { properties: Record<string, unknown> };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(["providers", "routes", "apis", "policies", "alertRules", "webhooks"]));
  });
});

describe("route ownership and MCP APIs", () => {
  const dbMods = async () => ({ db: (await import("@/lib/db/client")).getDb(), s: await import("@/lib/db/schema"), eq: (await import("drizzle-orm")).eq });

  it("exports owners, grants and MCP servers (credential as a reference) and applies them back as no change", async () => {
    await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    const doc = await exportedDoc();
    expect(find(doc, "routes", "alias", "chat")).toMatchObject({ owner: null, grants: ["platform", "search"] });
    expect(find(doc, "routes", "alias", "search-rerank")).toMatchObject({ owner: "search", grants: [] });
    expect(find(doc, "apis", "slug", "tools").mcp).toEqual({
      url: "https://tools.example.com/mcp",
      authHeader: "authorization",
      authValue: "${TOOLS_MCP_AUTH}",
      timeoutMs: 30000,
      allowedTools: ["search_docs", "create_ticket"],
      toolRateLimits: { create_ticket: 10 },
    });
    const text = (await svc.exportConfig({ actor: gw.actor }));
    expect(text).not.toContain("mcp-tools-token-4321");
    const { db, s, eq } = await dbMods();
    const rerank = (await db.select().from(s.routes).where(eq(s.routes.alias, "search-rerank")).limit(1))[0]!;
    expect(rerank.teamId).toBe((await db.select().from(s.teams).where(eq(s.teams.slug, "search")).limit(1))[0]!.id);
    const tools = (await db.select().from(s.apis).where(eq(s.apis.slug, "tools")).limit(1))[0]!;
    const server = (await db.select().from(s.mcpServers).where(eq(s.mcpServers.apiId, tools.id)).limit(1))[0]!;
    expect(server.authLast4).toBe("4321");
    expect(server.encryptedAuth).not.toContain("mcp-tools-token");
    expect(server.tools).toEqual([]); // tools/list is not called by apply
    // export → apply → export: identical, nothing to change
    expect((await svc.applyFromText({ actor: gw.actor, text })).changes).toEqual([]);
    expect((await svc.exportConfig({ actor: gw.actor }))).toBe(text);
    // grants left out of the file are not managed, even with prune
    const noGrants = { routes: doc.routes!.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "grants"))) };
    expect((await svc.planFromText({ actor: gw.actor, text: await yamlOf(noGrants), prune: true })).changes).toEqual([]);
  });

  it("a grant the API save adds (grants left out of the file) is exported, and that export applies as no change", async () => {
    const file =
      "routes:\n  - alias: cfg-implicit\n    targets: [{ provider: openai, model: gpt-4o-mini }]\n" +
      "apis:\n  - slug: cfg-implicit-api\n    name: Implicit\n    team: search\n    routes: [cfg-implicit]\n";
    await svc.applyFromText({ actor: gw.actor, text: file });
    const doc = await exportedDoc();
    expect(find(doc, "routes", "alias", "cfg-implicit").grants).toEqual(["search"]);
    const text = (await svc.exportConfig({ actor: gw.actor }));
    expect((await svc.applyFromText({ actor: gw.actor, text })).changes).toEqual([]);
    expect((await svc.exportConfig({ actor: gw.actor }))).toBe(text);
    // grants the file lists must let the file's APIs expose the route (else saving them would grant it again)
    const e = await problemsOf(() =>
      svc.planFromText({ actor: gw.actor, text: file.replace("gpt-4o-mini }]\n", "gpt-4o-mini }]\n    grants: []\n").replace("name: Implicit", "name: Implicit again") }),
    );
    expect(e.status).toBe(422);
    expect(e.details).toEqual([{ path: "apis[0].routes[0]", message: "route 'cfg-implicit' is a platform route not granted to team 'search': add search to routes[0].grants" }]);
    const bad = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: "routes:\n  - alias: cfg-implicit\n    owner: search\n    grants: [search, nobody]\n    targets: [{ provider: openai, model: gpt-4o-mini }]\n" }));
    expect(bad.details).toEqual([
      { path: "routes[0].grants[0]", message: "'search' owns the route; the owner needs no grant" },
      { path: "routes[0].grants[1]", message: "unknown team 'nobody'" },
    ]);
  });

  it("a changed owner, grant list or allowed-tools list gives exactly the expected diff, and applies through the services", async () => {
    await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    const doc = await exportedDoc();
    find(doc, "routes", "alias", "embed").grants = ["search", "platform"];
    find(doc, "routes", "alias", "search-rerank").owner = "platform";
    (find(doc, "apis", "slug", "tools").mcp as Record<string, unknown>).allowedTools = ["search_docs"];
    const text = await yamlOf(doc);
    const env = { ...process.env, TOOLS_MCP_AUTH: "Bearer rotated-token-8765" };
    const plan = await svc.planFromText({ actor: gw.actor, text, env });
    expect(plan.changes.map((c) => ({ op: c.op, kind: c.kind, name: c.name, fields: c.fields }))).toEqual([
      { op: "update", kind: "route", name: "embed", fields: [{ field: "grants", before: ["platform"], after: ["platform", "search"] }] },
      { op: "update", kind: "route", name: "search-rerank", fields: [{ field: "owner", before: "search", after: "platform" }] },
      {
        op: "update",
        kind: "api",
        name: "tools",
        fields: [
          { field: "mcp.allowedTools", before: ["search_docs", "create_ticket"], after: ["search_docs"] },
          { field: "mcp.authValue", before: "(set)", after: "${TOOLS_MCP_AUTH}" },
        ],
      },
    ]);
    expect(JSON.stringify(plan)).not.toContain("rotated-token");
    const applied = await svc.applyFromText({ actor: gw.actor, text, env });
    const { listAudit } = await import("@/lib/services/audit");
    const actions = (await listAudit(gw.actor, { limit: 50, changeSet: applied.changeSet! })).items.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["route.grant", "route.update", "mcp_server.put"]));
    const { db, s, eq } = await dbMods();
    const platformId = (await db.select().from(s.teams).where(eq(s.teams.slug, "platform")).limit(1))[0]!.id;
    expect((await db.select().from(s.routes).where(eq(s.routes.alias, "search-rerank")).limit(1))[0]!.teamId).toBe(platformId);
    const tools = (await db.select().from(s.apis).where(eq(s.apis.slug, "tools")).limit(1))[0]!;
    const server = (await db.select().from(s.mcpServers).where(eq(s.mcpServers.apiId, tools.id)).limit(1))[0]!;
    expect(server.allowedTools).toEqual(["search_docs"]);
    expect(server.authLast4).toBe("8765");
    expect((await svc.planFromText({ actor: gw.actor, text, env })).changes).toEqual([]);
    // and back: the grant is revoked, the owner restored
    const back = await svc.applyFromText({ actor: gw.actor, text: EXAMPLE });
    expect(back.changes.map((c) => `${c.kind} ${c.name}`)).toEqual(["route embed", "route search-rerank", "api tools"]);
    expect((await svc.planFromText({ actor: gw.actor, text: EXAMPLE })).changes).toEqual([]);
  });

  it("an MCP credential in clear and a private MCP URL are 422 with their paths (private URLs pass with PORTICO_MCP_ALLOW_PRIVATE=1)", async () => {
    const clear = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("${TOOLS_MCP_AUTH}", "Bearer in-clear-token") }));
    expect(clear.status).toBe(422);
    expect(clear.details).toEqual([expect.objectContaining({ path: "apis[2].mcp.authValue", message: expect.stringContaining("environment reference") })]);
    const local = EXAMPLE.replace("https://tools.example.com/mcp", "http://127.0.0.1:9/mcp");
    const saved = process.env.PORTICO_MCP_ALLOW_PRIVATE;
    try {
      delete process.env.PORTICO_MCP_ALLOW_PRIVATE;
      const ssrf = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: local }));
      expect(ssrf.status).toBe(422);
      expect(ssrf.details).toEqual([{ path: "apis[2].mcp.url", message: expect.stringContaining("127.0.0.1") }]);
      expect((await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("https://tools.example.com/mcp", "http://[::ffff:169.254.169.254]/mcp") }))).details).toEqual([
        expect.objectContaining({ path: "apis[2].mcp.url" }),
      ]);
      process.env.PORTICO_MCP_ALLOW_PRIVATE = "1";
      expect((await svc.planFromText({ actor: gw.actor, text: local })).changes.map((c) => c.fields)).toEqual([[{ field: "mcp.url", before: "https://tools.example.com/mcp", after: "http://127.0.0.1:9/mcp" }]]);
    } finally {
      if (saved === undefined) delete process.env.PORTICO_MCP_ALLOW_PRIVATE;
      else process.env.PORTICO_MCP_ALLOW_PRIVATE = saved;
    }
    // the header and its credential go together; mcp only on APIs of kind mcp
    const half = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("      authValue: ${TOOLS_MCP_AUTH}", "") }));
    expect(half.details).toEqual([expect.objectContaining({ path: "apis[2].mcp.authValue" })]);
    const kind = await problemsOf(() => svc.planFromText({ actor: gw.actor, text: EXAMPLE.replace("team: search\n    kind: mcp", "team: search\n    kind: llm") }));
    expect(kind.details).toEqual([{ path: "apis[2].mcp", message: "only APIs of kind mcp have an MCP server (this one is llm)" }]);
  });
});
