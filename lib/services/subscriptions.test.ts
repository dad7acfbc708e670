/**
 * Subscriptions against a temporary database: request (pending / auto),
 * 409 duplicate with details.existing, 422 reason, 403 visibility, the
 * decisions and who may make them, bulk approve, pending count, list + cursor,
 * audit and config-version bumps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caught, setupAccessDb, type AccessDb } from "@/tests/support/access-db";

let t: AccessDb;
let apis: typeof import("./apis");
let apps: typeof import("./apps");
let subs: typeof import("./subscriptions");
let config: typeof import("@/lib/config-version");

let manual: string; // team A, manual, reason required
let auto: string; // team A, auto
let bPrivate: string; // team B's API, visibility "teams" with no extra team: only team B sees it
let appA: string;
let appA2: string;
let appB: string;

beforeAll(async () => {
  t = await setupAccessDb();
  apis = await import("./apis");
  apps = await import("./apps");
  subs = await import("./subscriptions");
  config = await import("@/lib/config-version");
  const pub = async (actor: typeof t.actors.admin, input: Record<string, unknown>) => {
    const a = (await apis.createApi({ actor, input }));
    (await apis.setApiState({ actor, id: a.id, input: { state: "published" } }));
    return a.id;
  };
  manual = (await pub(t.actors.taA, { slug: "manual", name: "Manual", teamId: t.teams.A, routeAliases: ["mock-chat"] }));
  auto = (await pub(t.actors.taA, { slug: "auto", name: "Auto", teamId: t.teams.A, approvalMode: "auto", reasonRequired: false }));
  bPrivate = (await pub(t.actors.taB, { slug: "b-private", name: "B private", teamId: t.teams.B, visibility: "teams", visibleTeamIds: [] }));
  appA = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "a-app" } })).id;
  appA2 = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "a-app-2" } })).id;
  appB = (await apps.createApp({ actor: t.actors.memB, input: { teamId: t.teams.B, name: "b-app" } })).id;
});
afterAll(() => t?.close());

describe("requesting", () => {
  it("a manual API gives pending, with requester and reason; the version is bumped", async () => {
    const v0 = (await config.storedConfigVersion());
    const s = (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: manual, reason: "  support answers  " } }));
    expect(s).toMatchObject({
      appId: appA,
      appName: "a-app",
      teamId: t.teams.A,
      teamName: "Team A",
      apiId: manual,
      apiSlug: "manual",
      apiName: "Manual",
      state: "pending",
      reason: "support answers",
      decisionNote: null,
      requestedBy: "usr_mem_a",
      requestedByEmail: "mem_a@test",
      decidedBy: null,
      decidedByEmail: null,
      decidedAt: null,
    });
    expect(Object.keys(s)).not.toContain("apiTeamId");
    expect((await config.storedConfigVersion())).toBeGreaterThan(v0);
  });

  it("a second live request is 409 with details.existing", async () => {
    const e = (await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: manual, reason: "again" } }))));
    expect(e.status).toBe(409);
    const existing = (e.details as { existing: { state: string; appId: string } }).existing;
    expect(existing).toMatchObject({ state: "pending", appId: appA, apiId: manual });
  });

  it("a missing reason is 422 naming reason when the API requires one", async () => {
    const e = (await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA2, apiId: manual, reason: "   " } }))));
    expect(e.status).toBe(422);
    expect(e.details).toEqual([{ field: "reason", message: "A reason is required for this API." }]);
  });

  it("an auto API approves at once", async () => {
    const s = (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: auto } }));
    expect(s.state).toBe("approved");
    expect(s.decidedAt).not.toBeNull();
    expect(s.decisionNote).toMatch(/automatically/);
  });

  it("403 for another team's app or an API the app's team cannot see; 404 unknown; 409 draft/retired", async () => {
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memB, input: { appId: appA, apiId: auto } })))).status).toBe(403);
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: bPrivate, reason: "x" } })))).status).toBe(403);
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.admin, input: { appId: appA, apiId: bPrivate, reason: "x" } })))).status).toBe(403);
    expect((await subs.requestSubscription({ actor: t.actors.memB, input: { appId: appB, apiId: bPrivate, reason: "x" } })).state).toBe("pending");
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: "app_nope", apiId: auto } })))).status).toBe(404);
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: "api_nope" } })))).status).toBe(404);
    const draft = (await apis.createApi({ actor: t.actors.taB, input: { slug: "b-draft", name: "B draft", teamId: t.teams.B, reasonRequired: false } }));
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: draft.id } })))).status).toBe(404);
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memB, input: { appId: appB, apiId: draft.id } })))).status).toBe(409);
    const ret = (await apis.createApi({ actor: t.actors.taA, input: { slug: "gone", name: "Gone", teamId: t.teams.A, reasonRequired: false } }));
    (await apis.setApiState({ actor: t.actors.taA, id: ret.id, input: { state: "published" } }));
    (await apis.setApiState({ actor: t.actors.taA, id: ret.id, input: { state: "retired" } }));
    expect((await caught(async () => (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: appA, apiId: ret.id } })))).status).toBe(409);
  });
});

describe("deciding", () => {
  async function pendingFor(appId: string, actor = t.actors.memA) {
    return (await subs.requestSubscription({ actor, input: { appId, apiId: manual, reason: "please" } }));
  }

  it("only an admin or the API team's team admin decides; a decided one is 409", async () => {
    const s = (await subs.listSubscriptions({ actor: t.actors.admin, query: { appId: appA, apiId: manual } })).items[0]!;
    expect((await caught(async () => (await subs.approveSubscription({ actor: t.actors.memA, id: s.id })))).status).toBe(403);
    expect((await caught(async () => (await subs.approveSubscription({ actor: t.actors.taB, id: s.id })))).status).toBe(403);
    const v0 = (await config.storedConfigVersion());
    const a = (await subs.approveSubscription({ actor: t.actors.taA, id: s.id, input: { note: "ok for support" } }));
    expect(a).toMatchObject({ state: "approved", decisionNote: "ok for support", decidedBy: "usr_ta_a", decidedByEmail: "ta_a@test" });
    expect((await config.storedConfigVersion())).toBeGreaterThan(v0);
    const again = (await caught(async () => (await subs.approveSubscription({ actor: t.actors.admin, id: s.id }))));
    expect(again.status).toBe(409);
    expect(again.details).toEqual({ state: "approved" });
    expect((await caught(async () => (await subs.rejectSubscription({ actor: t.actors.admin, id: s.id })))).status).toBe(409);
    expect((await caught(async () => (await subs.approveSubscription({ actor: t.actors.admin, id: "sub_nope" })))).status).toBe(404);
    const audit = (await t.db.getDb().select().from(t.schema.auditLog)).filter((r) => r.targetId === s.id);
    const approve = audit.find((r) => r.action === "subscription.approve")!;
    expect(approve.actorEmail).toBe("ta_a@test");
    expect(approve.at).toBeGreaterThan(0);
    expect((approve.before as { state: string }).state).toBe("pending");
    expect((approve.after as { state: string }).state).toBe("approved");
  });

  it("revoke needs approved; then the app may subscribe again (a new row)", async () => {
    const s = (await subs.listSubscriptions({ actor: t.actors.admin, query: { appId: appA, apiId: manual, state: "approved" } })).items[0]!;
    const r = (await subs.revokeSubscription({ actor: t.actors.admin, id: s.id, input: { note: "abuse" } }));
    expect(r.state).toBe("revoked");
    expect((await caught(async () => (await subs.revokeSubscription({ actor: t.actors.admin, id: s.id })))).status).toBe(409);
    const again = (await pendingFor(appA));
    expect(again.id).not.toBe(s.id);
    expect((await caught(async () => (await subs.revokeSubscription({ actor: t.actors.admin, id: again.id })))).status).toBe(409);
    expect((await subs.rejectSubscription({ actor: t.actors.taA, id: again.id })).state).toBe("rejected");
  });

  it("the requesting team cancels pending or approved; other teams cannot", async () => {
    const s = (await pendingFor(appA2));
    expect((await caught(async () => (await subs.cancelSubscription({ actor: t.actors.memB, id: s.id })))).status).toBe(403);
    expect((await subs.cancelSubscription({ actor: t.actors.memA, id: s.id })).state).toBe("cancelled");
    expect((await caught(async () => (await subs.cancelSubscription({ actor: t.actors.memA, id: s.id })))).status).toBe(409);
  });

  it("bulk approve approves what it can and says why it skipped the rest", async () => {
    const p1 = (await pendingFor(appA2));
    const x = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "bulk" } })).id;
    const p2 = (await pendingFor(x));
    const bPending = (await subs.listSubscriptions({ actor: t.actors.admin, query: { appId: appB, state: "pending" } })).items[0]!; // to team B's API
    const decided = (await subs.listSubscriptions({ actor: t.actors.admin, query: { state: "rejected" } })).items[0]!;
    const r = (await subs.bulkApproveSubscriptions({ actor: t.actors.taA, input: { ids: [p1.id, p2.id, bPending.id, decided.id, "sub_nope"], note: "batch" } }));
    expect(r.approved.map((s) => s.id).sort()).toEqual([p1.id, p2.id].sort());
    expect(r.approved.every((s) => s.decisionNote === "batch")).toBe(true);
    expect(r.skipped.map((s) => s.id)).toEqual([bPending.id, decided.id, "sub_nope"]);
    expect(r.skipped[0]!.reason).toMatch(/team admin/);
    expect(r.skipped[1]!.reason).toMatch(/already rejected/);
    expect(r.skipped[2]!.reason).toMatch(/not found/);
    expect((await caught(async () => (await subs.bulkApproveSubscriptions({ actor: t.actors.taA, input: { ids: [] } })))).status).toBe(422);
  });

  it("pending count covers what the caller may decide", async () => {
    (await pendingFor((await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "count-me" } })).id));
    expect((await subs.pendingCount({ actor: t.actors.taA }))).toEqual({ count: 1 });
    expect((await subs.pendingCount({ actor: t.actors.taB }))).toEqual({ count: 1 }); // appB → b-private
    expect((await subs.pendingCount({ actor: t.actors.admin }))).toEqual({ count: 2 });
    expect((await subs.pendingCount({ actor: t.actors.memA }))).toEqual({ count: 0 });
  });
});

describe("listing", () => {
  it("newest first with a stable cursor; filters by state, API, team", async () => {
    const all = (await subs.listSubscriptions({ actor: t.actors.admin, query: { limit: 200 } })).items;
    expect(all.length).toBeGreaterThan(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await subs.listSubscriptions({ actor: t.actors.admin, query: { limit: 2, ...(cursor ? { cursor } : {}) } }));
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((s) => s.id));
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.requestedAt).toBeGreaterThanOrEqual(all[i]!.requestedAt);
    expect((await subs.listSubscriptions({ actor: t.actors.admin, query: { state: "pending" } })).items.every((s) => s.state === "pending")).toBe(true);
    expect((await subs.listSubscriptions({ actor: t.actors.admin, query: { teamId: t.teams.B } })).items.map((s) => s.appId)).toEqual([appB]);
    expect((await subs.listSubscriptions({ actor: t.actors.admin, query: { apiId: auto } })).items.map((s) => s.apiId)).toEqual([auto]);
    expect((await caught(async () => (await subs.listSubscriptions({ actor: t.actors.admin, query: { cursor: "garbage" } })))).status).toBe(422);
  });

  it("team admins see subscriptions to their APIs and of their apps only", async () => {
    const b = (await subs.listSubscriptions({ actor: t.actors.taB, query: {} })).items;
    expect(b.map((s) => s.appId)).toEqual([appB]);
    const a = (await subs.listSubscriptions({ actor: t.actors.taA, query: {} })).items;
    expect(a.every((s) => s.teamId === t.teams.A || s.apiSlug === "manual" || s.apiSlug === "auto")).toBe(true);
    expect(a.some((s) => s.appId === appB)).toBe(false);
  });
});
