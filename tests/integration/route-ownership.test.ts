/**
 * Route ownership (docs/access.md, "Route ownership"): a team admin of team 2
 * must not reach team 1's model by listing team 1's route alias in an
 * auto-approved API of their own. Refused by the services (403 naming the
 * alias) and, should such an API exist anyway, by the data plane from the
 * snapshot (403 route_not_granted). The legitimate paths keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { chatBody, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";
import type { Actor } from "@/lib/auth/actor";
import type { AppError } from "@/lib/errors";

let gw: Gateway;
let team1: string;
let team2: string;
let ta2: Actor;
let R: typeof import("@/lib/services/routes");
let P: typeof import("@/lib/services/prompts");
let PR: typeof import("@/lib/services/prompts-run");

beforeAll(async () => {
  gw = await startGateway();
  R = await import("@/lib/services/routes");
  P = await import("@/lib/services/prompts");
  PR = await import("@/lib/services/prompts-run");
  team1 = (await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Team one", slug: "one" } })).id;
  team2 = (await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Team two", slug: "two" } })).id;
  const now = Date.now();
  (await gw.db.insert(gw.m.schema.users).values({ id: "usr_ta2", email: "ta2@test", name: "ta2", role: "member", createdAt: now, updatedAt: now }));
  (await gw.db.insert(gw.m.schema.teamMembers).values({ teamId: team2, userId: "usr_ta2", role: "team_admin", createdAt: now }));
  ta2 = (await gw.m.actor.loadActor("usr_ta2", "session"))!;
  // Team 1's model: a team-owned route, and a platform route granted to team 1 only.
  (await R.createRoute({ actor: gw.actor, input: { alias: "one-private", teamId: team1, targets: [{ modelId: (await gw.modelFor({ type: "mock", upstreamModel: "one-up" })) }] } }));
  (await R.createRoute({ actor: gw.actor, input: { alias: "platform-gold", targets: [{ modelId: (await gw.modelFor({ type: "mock", upstreamModel: "gold-up" })) }] } }));
  const gold = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "platform-gold")!;
  (await R.setRouteGrants({ actor: gw.actor, id: gold.id, input: { teamIds: [team1] } }));
  // Team 1's manual-approval API over both.
  const api1 = (await gw.m.apis.createApi({ actor: gw.actor, input: { teamId: team1, slug: "one-api", name: "One", routeAliases: ["one-private", "platform-gold"], approvalMode: "manual" } }));
  (await gw.m.apis.setApiState({ actor: gw.actor, id: api1.id, input: { state: "published" } }));
});
afterAll(() => gw?.close());

async function caught(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
}

async function until(ms: number, fn: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await sleep(25);
  }
}

/** What the attack would have produced had the services let it through: team 2's own auto-approved API, app, key and approved subscription. */
async function plantTeam2Api(slug: string, aliases: string[], kind: "llm" | "prompt" = "llm") {
  const now = Date.now();
  const s = gw.m.schema;
  const apiId = `api_${slug}`;
  (await gw.db
    .insert(s.apis)
    .values({ id: apiId, slug, name: slug, teamId: team2, kind, routeAliases: kind === "llm" ? aliases : [], approvalMode: "auto", reasonRequired: false, state: "published", createdAt: now, updatedAt: now }));
  const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: team2, name: `${slug}-app` } }));
  (await gw.db.insert(s.subscriptions).values({ id: `sub_${slug}`, appId: app.id, apiId, state: "approved", requestedAt: now, decidedAt: now, updatedAt: now }));
  const key = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: "k" } })).key;
  return { apiId, key };
}

async function bump() {
  const { bumpConfigVersion } = await import("@/lib/config-version");
  await bumpConfigVersion();
}

describe("the services refuse an API exposing a route its team may not use", () => {
  it("team 2's admin cannot list team 1's route (owned or granted) in an API, by create or update: 403 naming the alias", async () => {
    for (const alias of ["one-private", "platform-gold"]) {
      const e = await caught(async () => (await gw.m.apis.createApi({ actor: ta2, input: { teamId: team2, slug: `steal-${alias}`, name: "Steal", routeAliases: [alias], approvalMode: "auto", reasonRequired: false } })));
      expect(e.status).toBe(403);
      expect(e.code).toBe("route_not_granted");
      expect(e.message).toContain(`"${alias}"`);
      expect(e.details).toEqual([expect.objectContaining({ field: "routeAliases.0" })]);
    }
    const own = (await gw.m.apis.createApi({ actor: ta2, input: { teamId: team2, slug: "two-empty", name: "Two", routeAliases: [], approvalMode: "auto", reasonRequired: false } }));
    const e = await caught(async () => (await gw.m.apis.updateApi({ actor: ta2, id: own.id, input: { routeAliases: ["one-private"] } })));
    expect(e.status).toBe(403);
    expect(e.message).toContain('"one-private"');
    expect((await gw.m.apis.getApi({ actor: gw.actor, id: own.id })).routeAliases).toEqual([]);
  });

  it("nor use it as a prompt API's route (save, try)", async () => {
    const p = (await gw.m.apis.createApi({ actor: ta2, input: { teamId: team2, slug: "two-prompt", name: "Two prompt", kind: "prompt", approvalMode: "auto", reasonRequired: false } }));
    const spec = { routeAlias: "one-private", userTemplate: "Hi {{who}}", variables: [{ name: "who", type: "string", required: true }] };
    const e = await caught(async () => (await P.savePromptDraft({ actor: ta2, apiId: p.id, input: spec })));
    expect(e.status).toBe(403);
    expect(e.message).toContain('"one-private"');
    await expect(PR.tryPromptDraft({ actor: ta2, apiId: p.id, input: { spec, variables: { who: "x" } } })).rejects.toMatchObject({ status: 403, code: "route_not_granted" });
  });

  it("moving an API (llm or prompt) to a team that may not use its routes is refused, even for an admin of both teams", async () => {
    const now = Date.now();
    (await gw.db.insert(gw.m.schema.users).values({ id: "usr_ta12", email: "ta12@test", name: "ta12", role: "member", createdAt: now, updatedAt: now }));
    for (const t of [team1, team2]) (await gw.db.insert(gw.m.schema.teamMembers).values({ teamId: t, userId: "usr_ta12", role: "team_admin", createdAt: now }));
    const both = (await gw.m.actor.loadActor("usr_ta12", "session"))!;
    const llm = (await gw.m.apis.createApi({ actor: both, input: { teamId: team1, slug: "one-movable", name: "Movable", routeAliases: ["one-private"] } }));
    const e1 = await caught(async () => (await gw.m.apis.updateApi({ actor: both, id: llm.id, input: { teamId: team2 } })));
    expect(e1.status).toBe(403);
    expect(e1.details).toEqual([expect.objectContaining({ field: "routeAliases.0" })]);
    const pr = (await gw.m.apis.createApi({ actor: both, input: { teamId: team1, slug: "one-prompt-movable", name: "Prompt movable", kind: "prompt" } }));
    (await P.savePromptDraft({ actor: both, apiId: pr.id, input: { routeAlias: "one-private", userTemplate: "Hi" } }));
    const e2 = await caught(async () => (await gw.m.apis.updateApi({ actor: both, id: pr.id, input: { teamId: team2 } })));
    expect(e2.status).toBe(403);
    expect(e2.message).toContain('"one-private"');
    expect(e2.details).toEqual([expect.objectContaining({ field: "teamId" })]);
  });

  it("team 1 may expose its own routes; a granted team may expose the platform route; an admin may expose any (granting it)", async () => {
    const taOne = (await gw.m.apis.createApi({ actor: gw.actor, input: { teamId: team1, slug: "one-second", name: "One again", routeAliases: ["one-private", "platform-gold"] } }));
    expect(taOne.routeAliases).toEqual(["one-private", "platform-gold"]);
    const gold = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "platform-gold")!;
    expect(gold.owner).toEqual({ kind: "platform", teamId: null, teamName: null });
    expect(gold.grantedTeams.map((t) => t.id)).toEqual([team1]);
    const one = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "one-private")!;
    expect(one.owner).toMatchObject({ kind: "team", teamId: team1, teamName: "Team one" });
  });
});

describe("grants", () => {
  it("only existing teams (422 naming the entry); the owner is not listed as a grant; an admin-exposed route is granted implicitly and audited", async () => {
    const gold = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "platform-gold")!;
    const e = await caught(async () => (await R.setRouteGrants({ actor: gw.actor, id: gold.id, input: { teamIds: [team1, "team_nope"] } })));
    expect(e.status).toBe(422);
    expect(e.details).toEqual([{ field: "teamIds.1", message: "Team not found." }]);
    expect((await caught(async () => (await R.setRouteGrants({ actor: ta2, id: gold.id, input: { teamIds: [team2] } })))).status).toBe(403);
    const one = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "one-private")!;
    expect((await R.setRouteGrants({ actor: gw.actor, id: one.id, input: { teamIds: [team1] } })).grantedTeams).toEqual([]);
    // A platform admin puts team 1's route in a team-2 API: team 2 gets a grant, in the audit log.
    const team3 = (await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Team three", slug: "three" } })).id;
    (await gw.m.apis.createApi({ actor: gw.actor, input: { teamId: team3, slug: "three-api", name: "Three", routeAliases: ["platform-gold"] } }));
    const after = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "platform-gold")!;
    expect(after.grantedTeams.map((t) => t.id)).toContain(team3);
    const audit = (await gw.db.select().from(gw.m.schema.auditLog).where(eq(gw.m.schema.auditLog.action, "route.grant")));
    expect(audit.some((a) => a.teamId === team3 && a.targetId === gold.id)).toBe(true);
  });
});

describe("the data plane refuses it too (from the snapshot, no DB read)", () => {
  it("the exact attack: team 2's auto-approved API listing team 1's alias → 403 route_not_granted, then 200 once an admin grants it", async () => {
    const { key } = (await plantTeam2Api("two-steal", ["one-private"]));
    await bump();
    const res = await gw.post("/v1/chat/completions", chatBody("one-private"), { key });
    const body = (await res.json()) as Wire;
    expect(res.status).toBe(403);
    expect(body.error.code).toBe("route_not_granted");
    expect(body.error.message).toContain("one-private");
    expect(gw.requestsFor("one-up")).toHaveLength(0);
    const models = (await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as Wire;
    expect(models.data.map((m: { id: string }) => m.id)).not.toContain("one-private");

    // Legit: a platform admin decides team 2 may use it.
    const one = (await R.listRoutes({ actor: gw.actor })).items.find((r) => r.alias === "one-private")!;
    (await R.setRouteGrants({ actor: gw.actor, id: one.id, input: { teamIds: [team2] } }));
    await until(2000, async () => (await gw.post("/v1/chat/completions", chatBody("one-private"), { key })).status === 200);
    // Revoked: refused again at once (next snapshot).
    (await R.setRouteGrants({ actor: gw.actor, id: one.id, input: { teamIds: [] } }));
    await until(2000, async () => (await gw.post("/v1/chat/completions", chatBody("one-private"), { key })).status === 403);
  });

  it("a prompt API of team 2 running on team 1's route → 403 route_not_granted", async () => {
    const { apiId, key } = (await plantTeam2Api("two-prompt-steal", [], "prompt"));
    const s = gw.m.schema;
    const now = Date.now();
    const spec = { routeAlias: "platform-gold", params: {}, systemPrompt: "", userTemplate: "Hello", variables: [], outputMode: "text" as const, outputSchema: null, streaming: false };
    (await gw.db.insert(s.prompts).values({ id: "pmt_steal", apiId, ...spec, currentVersion: 1, createdAt: now, updatedAt: now }));
    (await gw.db.insert(s.promptVersions).values({ id: "pmv_steal", promptId: "pmt_steal", version: 1, ...spec, createdAt: now }));
    await bump();
    const res = await gw.post("/v1/apis/two-prompt-steal", {}, { key });
    expect(res.status).toBe(403);
    expect(((await res.json()) as Wire).error.code).toBe("route_not_granted");
    expect(gw.requestsFor("gold-up")).toHaveLength(0);
    // Team 1's own subscriber, approved by team 1, still gets through.
    const a = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: team1, name: "one-app" } }));
    const api1 = (await gw.db.select().from(s.apis).where(eq(s.apis.slug, "one-api")).limit(1))[0]!;
    const sub = (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: a.id, apiId: api1.id, reason: "ours" } }));
    (await gw.m.subscriptions.approveSubscription({ actor: gw.actor, id: sub.id, input: {} }));
    const k1 = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: a.id, input: { name: "k" } })).key;
    await until(2000, async () => (await gw.post("/v1/chat/completions", chatBody("platform-gold"), { key: k1 })).status === 200);
  });
});
