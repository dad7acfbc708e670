/**
 * The API catalog against a temporary database: ownership checks, route-alias
 * validation, the lifecycle, delete rules, catalog visibility and search.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_STATES, type ApiState } from "@/lib/db/schema";
import { caught, setupAccessDb, type AccessDb } from "@/tests/support/access-db";

let t: AccessDb;
let apis: typeof import("./apis");
let apps: typeof import("./apps");
let subs: typeof import("./subscriptions");

beforeAll(async () => {
  t = await setupAccessDb();
  apis = await import("./apis");
  apps = await import("./apps");
  subs = await import("./subscriptions");
});
afterAll(() => t?.close());

describe("canMoveApi (pure)", () => {
  const allowed = new Set(["draft>published", "published>deprecated", "published>retired", "deprecated>published", "deprecated>retired"]);
  for (const from of API_STATES) {
    for (const to of API_STATES) {
      it(`${from} → ${to}: ${allowed.has(`${from}>${to}`) ? "allowed" : "refused"}`, () => {
        expect(apis.canMoveApi(from as ApiState, to as ApiState)).toBe(allowed.has(`${from}>${to}`));
      });
    }
  }
});

describe("validateApiRefs (pure)", () => {
  it("names the offending list entry", () => {
    const issues = apis.validateApiRefs(
      { teamId: "t1", routeAliases: ["a", "nope", "a"], visibleTeamIds: ["t2", "t9"] },
      { aliases: new Set(["a"]), teamIds: new Set(["t1", "t2"]) },
    );
    expect(issues).toEqual([
      { field: "routeAliases.1", message: 'No route with alias "nope" exists; create the route first.' },
      { field: "routeAliases.2", message: '"a" is listed twice.' },
      { field: "visibleTeamIds.1", message: "Team not found." },
    ]);
  });
});

describe("create / update", () => {
  it("a team admin creates an API for their team, in draft", async () => {
    const a = (await apis.createApi({
      actor: t.actors.taA,
      input: { slug: "gpt-chat", name: "GPT chat", teamId: t.teams.A, routeAliases: ["mock-chat"], tags: ["Chat", "llm"], docs: "# Hi" },
    }));
    expect(a).toMatchObject({
      slug: "gpt-chat",
      state: "draft",
      teamName: "Team A",
      kind: "llm",
      approvalMode: "manual",
      reasonRequired: true,
      visibility: "all",
      tags: ["chat", "llm"],
      models: ["mock-chat"],
      routeAliases: ["mock-chat"],
      subscriberCount: 0,
      pendingCount: 0,
    });
  });

  it("refuses other teams (403), members (403), bad slugs and unknown aliases (422), taken slugs (409)", async () => {
    expect((await caught(async () => (await apis.createApi({ actor: t.actors.taA, input: { slug: "x-api", name: "X", teamId: t.teams.B } })))).status).toBe(403);
    expect((await caught(async () => (await apis.createApi({ actor: t.actors.memA, input: { slug: "x-api", name: "X", teamId: t.teams.A } })))).status).toBe(403);
    const slug = (await caught(async () => (await apis.createApi({ actor: t.actors.taA, input: { slug: "Bad--Slug", name: "X", teamId: t.teams.A } }))));
    expect(slug.status).toBe(422);
    expect(slug.details).toEqual([{ field: "slug", message: "Use lowercase letters, digits and single dashes." }]);
    const alias = (await caught(async () => (await apis.createApi({ actor: t.actors.taA, input: { slug: "x-api", name: "X", teamId: t.teams.A, routeAliases: ["mock-chat", "ghost"] } }))));
    expect(alias.status).toBe(422);
    expect(alias.details).toEqual([{ field: "routeAliases.1", message: 'No route with alias "ghost" exists; create the route first.' }]);
    const team = (await caught(async () => (await apis.createApi({ actor: t.actors.admin, input: { slug: "x-api", name: "X", teamId: "team_nope" } }))));
    expect(team.status).toBe(422);
    expect((await caught(async () => (await apis.createApi({ actor: t.actors.admin, input: { slug: "gpt-chat", name: "Again", teamId: t.teams.B } })))).status).toBe(409);
  });

  it("updates: owner team admin only; moving to another team needs that team too", async () => {
    const a = (await apis.listApis({ actor: t.actors.taA })).items.find((x) => x.slug === "gpt-chat")!;
    expect((await caught(async () => (await apis.updateApi({ actor: t.actors.taB, id: a.id, input: { name: "Hijack" } })))).status).toBe(403);
    expect((await caught(async () => (await apis.updateApi({ actor: t.actors.taA, id: a.id, input: { teamId: t.teams.B } })))).status).toBe(403);
    expect((await caught(async () => (await apis.updateApi({ actor: t.actors.taA, id: a.id, input: { routeAliases: ["nope"] } })))).details).toEqual([
      { field: "routeAliases.0", message: 'No route with alias "nope" exists; create the route first.' },
    ]);
    const u = (await apis.updateApi({ actor: t.actors.taA, id: a.id, input: { routeAliases: ["mock-chat", "mock-embed"], description: "Chat and embeddings" } }));
    expect(u.routeAliases).toEqual(["mock-chat", "mock-embed"]);
    expect(u.description).toBe("Chat and embeddings");
    expect(u.state).toBe("draft");
    const moved = (await apis.updateApi({ actor: t.actors.admin, id: a.id, input: { teamId: t.teams.B } }));
    expect(moved.teamName).toBe("Team B");
    (await apis.updateApi({ actor: t.actors.admin, id: a.id, input: { teamId: t.teams.A } }));
  });

  it("lists: admin all, team admin their teams' APIs", async () => {
    (await apis.createApi({ actor: t.actors.taB, input: { slug: "b-api", name: "B API", teamId: t.teams.B } }));
    expect((await apis.listApis({ actor: t.actors.admin })).items.map((a) => a.slug).sort()).toEqual(["b-api", "gpt-chat"]);
    expect((await apis.listApis({ actor: t.actors.taB })).items.map((a) => a.slug)).toEqual(["b-api"]);
    expect((await caught(async () => (await apis.getApi({ actor: t.actors.taB, id: (await apis.listApis({ actor: t.actors.taA })).items[0]!.id })))).status).toBe(403);
  });
});

describe("lifecycle and delete", () => {
  it("moves through the allowed states only, stamping deprecatedAt/retiredAt", async () => {
    const a = (await apis.createApi({ actor: t.actors.taA, input: { slug: "life", name: "Life", teamId: t.teams.A } }));
    const bad = (await caught(async () => (await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "deprecated" } }))));
    expect(bad.status).toBe(409);
    expect(bad.details).toEqual({ state: "draft", allowed: ["published"] });
    expect((await caught(async () => (await apis.setApiState({ actor: t.actors.taB, id: a.id, input: { state: "published" } })))).status).toBe(403);
    expect((await caught(async () => (await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "gone" } })))).status).toBe(422);
    expect((await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "published" } })).state).toBe("published");
    const dep = (await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "deprecated" } }));
    expect(dep.deprecatedAt).not.toBeNull();
    const back = (await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "published" } }));
    expect(back.deprecatedAt).toBeNull();
    const ret = (await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "retired" } }));
    expect(ret.retiredAt).not.toBeNull();
    expect((await caught(async () => (await apis.setApiState({ actor: t.actors.taA, id: a.id, input: { state: "published" } })))).status).toBe(409);
    const actions = (await t.db.getDb().select().from(t.schema.auditLog)).filter((r) => r.targetId === a.id).map((r) => r.action);
    expect(actions).toEqual(["api.create", "api.publish", "api.deprecate", "api.publish", "api.retire"]);
  });

  it("deletes drafts and unsubscribed APIs; an API with subscriptions is 409", async () => {
    const d = (await apis.createApi({ actor: t.actors.taA, input: { slug: "del-draft", name: "Del", teamId: t.teams.A } }));
    expect((await apis.deleteApi({ actor: t.actors.taA, id: d.id }))).toEqual({ ok: true });
    const p = (await apis.createApi({ actor: t.actors.taA, input: { slug: "del-pub", name: "Del pub", teamId: t.teams.A, approvalMode: "auto", reasonRequired: false } }));
    (await apis.setApiState({ actor: t.actors.taA, id: p.id, input: { state: "published" } }));
    const app = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "deleter" } }));
    const s = (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: app.id, apiId: p.id } }));
    (await subs.cancelSubscription({ actor: t.actors.memA, id: s.id }));
    expect((await caught(async () => (await apis.deleteApi({ actor: t.actors.taA, id: p.id })))).status).toBe(409);
    const q = (await apis.createApi({ actor: t.actors.taA, input: { slug: "del-pub2", name: "Del pub 2", teamId: t.teams.A } }));
    (await apis.setApiState({ actor: t.actors.taA, id: q.id, input: { state: "published" } }));
    expect((await apis.deleteApi({ actor: t.actors.taA, id: q.id }))).toEqual({ ok: true });
    expect((await caught(async () => (await apis.deleteApi({ actor: t.actors.taA, id: q.id })))).status).toBe(404);
  });
});

describe("portal catalog", () => {
  let hidden: string;
  beforeAll(async () => {
    const pub = async (input: Record<string, unknown>, actor = t.actors.taA) => {
      const a = (await apis.createApi({ actor, input: { teamId: t.teams.A, ...input } }));
      (await apis.setApiState({ actor, id: a.id, input: { state: "published" } }));
      return a;
    };
    (await pub({ slug: "cat-open", name: "Open chat", description: "For everyone", tags: ["chat"], routeAliases: ["mock-chat"] }));
    const dep = (await pub({ slug: "cat-dep", name: "Old embed", tags: ["embed"], routeAliases: ["mock-embed"] }));
    (await apis.setApiState({ actor: t.actors.taA, id: dep.id, input: { state: "deprecated" } }));
    hidden = (await pub({ slug: "cat-b-only", name: "Shared with B", visibility: "teams", visibleTeamIds: [t.teams.B], tags: ["secret"] })).id;
  });

  it("shows published and deprecated APIs the caller's teams can see", async () => {
    const slugs = async (actor = t.actors.memC) => (await apis.listCatalog({ actor })).items.map((a) => a.slug);
    expect((await slugs(t.actors.memC))).toEqual(expect.arrayContaining(["cat-open", "cat-dep"]));
    expect((await slugs(t.actors.memC))).not.toContain("cat-b-only");
    expect((await slugs(t.actors.memC))).not.toContain("gpt-chat"); // draft
    expect((await slugs(t.actors.memC))).not.toContain("life"); // retired
    expect((await slugs(t.actors.memB))).toContain("cat-b-only");
    expect((await slugs(t.actors.memA))).toContain("cat-b-only"); // owner team
    expect((await slugs(t.actors.admin))).toContain("cat-b-only");
  });

  it("searches by q and filters by tag; tags lists every visible tag", async () => {
    const c = (await apis.listCatalog({ actor: t.actors.memC, query: { q: "everyone" } }));
    expect(c.items.map((a) => a.slug)).toEqual(["cat-open"]);
    expect(c.tags).toEqual(expect.arrayContaining(["chat", "embed"]));
    expect(c.tags).not.toContain("secret");
    expect((await apis.listCatalog({ actor: t.actors.memC, query: { tag: "embed" } })).items.map((a) => a.slug)).toEqual(["cat-dep"]);
    const card = (await apis.listCatalog({ actor: t.actors.memC, query: { q: "open" } })).items[0]!;
    expect(Object.keys(card).sort()).toEqual(["approvalMode", "description", "id", "kind", "models", "name", "reasonRequired", "slug", "state", "tags", "teamId", "teamName"]);
  });

  it("detail: docs, models, the caller's subscriptions; invisible and draft APIs are 404 to outsiders", async () => {
    const app = (await apps.createApp({ actor: t.actors.memB, input: { teamId: t.teams.B, name: "b-app" } }));
    (await subs.requestSubscription({ actor: t.actors.memB, input: { appId: app.id, apiId: hidden, reason: "testing" } }));
    const d = (await apis.getCatalogApi({ actor: t.actors.memB, slug: "cat-b-only" }));
    expect(d.mySubscriptions.map((s) => s.appName)).toEqual(["b-app"]);
    expect(d.mySubscriptions[0]!.state).toBe("pending");
    expect((await apis.getCatalogApi({ actor: t.actors.memA, slug: "cat-b-only" })).mySubscriptions).toEqual([]);
    expect((await apis.getCatalogApi({ actor: t.actors.admin, slug: "cat-b-only" })).mySubscriptions).toHaveLength(1);
    expect((await caught(async () => (await apis.getCatalogApi({ actor: t.actors.memC, slug: "cat-b-only" })))).status).toBe(404);
    expect((await caught(async () => (await apis.getCatalogApi({ actor: t.actors.memC, slug: "gpt-chat" })))).status).toBe(404);
    expect((await apis.getCatalogApi({ actor: t.actors.memA, slug: "gpt-chat" })).state).toBe("draft");
    const dep = (await apis.getCatalogApi({ actor: t.actors.memC, slug: "cat-dep" }));
    expect(dep).toMatchObject({ state: "deprecated", models: ["mock-embed"] });
    expect(dep.deprecatedAt).not.toBeNull();
  });
});

describe("seedAccessDefaults", () => {
  it("needs the demo team; then seeds Mock LLM, demo-app and an approved subscription once", async () => {
    const { seedAccessDefaults, MOCK_API_ID, DEMO_APP_ID } = await import("@/lib/seed/access");
    const { eq } = await import("drizzle-orm");
    const d = t.db.getDb();
    await seedAccessDefaults(d);
    expect((await d.select().from(t.schema.apis).where(eq(t.schema.apis.slug, "mock-llm")).limit(1))[0]).toBeUndefined();
    expect((await d.select().from(t.schema.settings).where(eq(t.schema.settings.key, "seeded_access")).limit(1))[0]).toBeUndefined();

    const now = Date.now();
    (await d.insert(t.schema.teams).values({ id: "team_demo", slug: "demo", name: "Demo team", createdAt: now, updatedAt: now }));
    await seedAccessDefaults(d);
    const api = (await apis.getApi({ actor: t.actors.admin, id: MOCK_API_ID }));
    expect(api).toMatchObject({
      slug: "mock-llm",
      name: "Mock LLM",
      teamId: "team_demo",
      kind: "llm",
      routeAliases: ["mock-chat", "mock-embed"],
      visibility: "all",
      approvalMode: "auto",
      state: "published",
      tags: ["mock", "demo"],
      subscriberCount: 1,
    });
    expect(api.docs).toContain("# Mock LLM");
    const app = (await apps.listAllApps({ actor: t.actors.admin })).items.find((a) => a.id === DEMO_APP_ID)!;
    expect(app).toMatchObject({ name: "demo-app", teamId: "team_demo", subscriptions: [{ apiId: MOCK_API_ID, state: "approved" }] });
    expect((await apis.listCatalog({ actor: t.actors.memC })).items.map((a) => a.slug)).toContain("mock-llm");

    // idempotent, and an admin's later edits stay
    (await apis.updateApi({ actor: t.actors.admin, id: MOCK_API_ID, input: { name: "Renamed mock" } }));
    await seedAccessDefaults(d);
    expect((await d.select().from(t.schema.apis).where(eq(t.schema.apis.slug, "mock-llm")))).toHaveLength(1);
    expect((await apis.getApi({ actor: t.actors.admin, id: MOCK_API_ID })).name).toBe("Renamed mock");
    expect((await d.select().from(t.schema.subscriptions).where(eq(t.schema.subscriptions.appId, DEMO_APP_ID)))).toHaveLength(1);
  });
});
