/**
 * Apps and their keys against a temporary database: team scoping, 409/422
 * shapes, key plaintext shown once, rotation with grace, revoke, delete, audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caught, setupAccessDb, type AccessDb } from "@/tests/support/access-db";

let t: AccessDb;
let apps: typeof import("./apps");
let keys: typeof import("./keys");
let subs: typeof import("./subscriptions");
let apis: typeof import("./apis");
let config: typeof import("@/lib/config-version");

beforeAll(async () => {
  t = await setupAccessDb();
  apps = await import("./apps");
  keys = await import("./keys");
  subs = await import("./subscriptions");
  apis = await import("./apis");
  config = await import("@/lib/config-version");
});
afterAll(() => t?.close());

async function auditActions(targetId: string): Promise<string[]> {
  return (await t.db
    .getDb()
    .select()
    .from(t.schema.auditLog))
    .filter((r) => r.targetId === targetId)
    .map((r) => r.action);
}

describe("apps", () => {
  it("a member creates an app in their team; the view has team name, owner and counts", async () => {
    const before = (await config.storedConfigVersion());
    const a = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "support-bot", description: "Answers tickets" } }));
    expect(a).toMatchObject({ teamId: t.teams.A, teamName: "Team A", name: "support-bot", ownerId: "usr_mem_a", keyCount: 0, subscriptions: [] });
    expect((await config.storedConfigVersion())).toBeGreaterThan(before);
    expect((await auditActions(a.id))).toEqual(["app.create"]);
  });

  it("refuses other teams (403), duplicate names (409), empty names and unknown teams (422)", async () => {
    expect((await caught(async () => (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.B, name: "x" } })))).status).toBe(403);
    const dup = (await caught(async () => (await apps.createApp({ actor: t.actors.taA, input: { teamId: t.teams.A, name: "support-bot" } }))));
    expect(dup.status).toBe(409);
    expect(dup.details).toEqual({ field: "name" });
    const empty = (await caught(async () => (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "  " } }))));
    expect(empty.status).toBe(422);
    expect(empty.details).toEqual([{ field: "name", message: "Give the app a name." }]);
    const unknown = (await caught(async () => (await apps.createApp({ actor: t.actors.admin, input: { teamId: "team_nope", name: "x" } }))));
    expect(unknown.status).toBe(422);
    expect(unknown.details).toEqual([{ field: "teamId", message: "Team not found." }]);
    // The same name in another team is fine.
    expect((await apps.createApp({ actor: t.actors.memB, input: { teamId: t.teams.B, name: "support-bot" } })).teamId).toBe(t.teams.B);
  });

  it("lists are scoped: members see their teams' apps, admins all; the admin list shows team admins their teams'", async () => {
    const names = (items: { teamId: string }[]) => [...new Set(items.map((i) => i.teamId))].sort();
    expect(names((await apps.listApps({ actor: t.actors.memA })).items)).toEqual([t.teams.A]);
    expect(names((await apps.listApps({ actor: t.actors.memC })).items)).toEqual([]);
    expect(names((await apps.listApps({ actor: t.actors.admin })).items)).toEqual([t.teams.A, t.teams.B]);
    expect(names((await apps.listAllApps({ actor: t.actors.taB })).items)).toEqual([t.teams.B]);
    expect((await apps.listAllApps({ actor: t.actors.memA })).items).toEqual([]);
  });

  it("get/update need team membership; rename conflicts are 409", async () => {
    const a = (await apps.listApps({ actor: t.actors.memA })).items[0]!;
    expect((await caught(async () => (await apps.getApp({ actor: t.actors.memB, id: a.id })))).status).toBe(403);
    expect((await caught(async () => (await apps.getApp({ actor: t.actors.memA, id: "app_nope" })))).status).toBe(404);
    (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "other" } }));
    expect((await caught(async () => (await apps.updateApp({ actor: t.actors.memA, id: a.id, input: { name: "other" } })))).status).toBe(409);
    const u = (await apps.updateApp({ actor: t.actors.memA, id: a.id, input: { description: "new" } }));
    expect(u.description).toBe("new");
    expect((await caught(async () => (await apps.updateApp({ actor: t.actors.memA, id: a.id, input: { ownerId: "x" } })))).status).toBe(422);
  });
});

describe("keys under apps", () => {
  let appId: string;
  beforeAll(async () => {
    appId = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "keys-app" } })).id;
  });

  it("creates pk_ + 32 random bytes base62 shown once; stores only the hash", async () => {
    const k = (await keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "prod", expiresInDays: 30 } }));
    expect(k.key).toMatch(/^pk_[0-9A-Za-z]{43}$/);
    expect(k).toMatchObject({ appId, name: "prod", status: "active", rotatedFromId: null, revokedAt: null });
    expect(k.prefix).toBe(k.key.slice(0, 12));
    expect(k.expiresAt! - k.createdAt).toBe(30 * 86_400_000);
    const row = (await t.db.getDb().select().from(t.schema.apiKeys)).find((r) => r.id === k.id)!;
    expect(row.teamId).toBe(t.teams.A);
    expect(row.keyHash).not.toContain(k.key);
    const got = (await apps.getApp({ actor: t.actors.memA, id: appId }));
    expect(got.app.keyCount).toBe(1);
    expect(JSON.stringify(got)).not.toContain(k.key);
    expect(JSON.stringify(got)).not.toContain("keyHash");
    expect(JSON.stringify((await t.db.getDb().select().from(t.schema.auditLog)))).not.toContain(k.key);
    expect((await caught(async () => (await keys.createAppKey({ actor: t.actors.memB, appId, input: { name: "x" } })))).status).toBe(403);
    expect((await caught(async () => (await keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "" } })))).status).toBe(422);
  });

  it("rotates: a new key pointing at the old one; the old one expires at now + grace", async () => {
    const old = (await keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "rotating" } }));
    const t0 = Date.now();
    const r = (await keys.rotateKey({ actor: t.actors.memA, appId, keyId: old.id, input: { graceHours: 2 } }));
    expect(r.key.key).toMatch(/^pk_/);
    expect(r.key.key).not.toBe(old.key);
    expect(r.key).toMatchObject({ name: "rotating", rotatedFromId: old.id, status: "active", expiresAt: null });
    expect(r.previous.id).toBe(old.id);
    expect(r.previous.status).toBe("active");
    expect(r.previous.expiresAt! - t0).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(r.previous.expiresAt! - t0).toBeLessThan(2 * 3_600_000 + 5_000);
    expect((await auditActions(r.key.id))).toEqual(["api_key.rotate"]);
    expect((await auditActions(old.id))).toEqual(["api_key.create", "api_key.rotate_out"]);
    // grace 0 ends the old key at once
    const r2 = (await keys.rotateKey({ actor: t.actors.memA, appId, keyId: r.key.id, input: { graceHours: 0 } }));
    expect(r2.previous.status).toBe("expired");
    // an expired key cannot be rotated again; grace out of range is 422
    expect((await caught(async () => (await keys.rotateKey({ actor: t.actors.memA, appId, keyId: r.key.id, input: { graceHours: 1 } })))).status).toBe(409);
    const bad = (await caught(async () => (await keys.rotateKey({ actor: t.actors.memA, appId, keyId: r2.key.id, input: { graceHours: 169 } }))));
    expect(bad.status).toBe(422);
    expect(bad.details).toEqual([{ field: "graceHours", message: "At most 168 hours (7 days)." }]);
    expect((await caught(async () => (await keys.rotateKey({ actor: t.actors.memA, appId, keyId: r2.key.id, input: {} })))).status).toBe(422);
  });

  it("a rotated key with an expiry keeps the same lifetime; grace never extends the old key", async () => {
    const old = (await keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "short", expiresInDays: 1 } }));
    const r = (await keys.rotateKey({ actor: t.actors.memA, appId, keyId: old.id, input: { graceHours: 168 } }));
    expect(r.previous.expiresAt).toBe(old.expiresAt);
    expect(r.key.expiresAt! - r.key.createdAt).toBeGreaterThan(86_400_000 - 5_000);
  });

  it("revokes once (409 the second time); keys of another app are 404", async () => {
    const k = (await keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "to revoke" } }));
    const v = (await keys.revokeAppKey({ actor: t.actors.memA, appId, keyId: k.id }));
    expect(v.status).toBe("revoked");
    expect(v.revokedAt).not.toBeNull();
    expect((await caught(async () => (await keys.revokeAppKey({ actor: t.actors.memA, appId, keyId: k.id })))).status).toBe(409);
    const other = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "another" } }));
    expect((await caught(async () => (await keys.revokeAppKey({ actor: t.actors.memA, appId: other.id, keyId: k.id })))).status).toBe(404);
    expect((await keys.listAppKeys({ actor: t.actors.memA, appId })).items.find((x) => x.id === k.id)!.status).toBe("revoked");
  });

  it("admin Keys API: create needs an appId and takes the team from the app", async () => {
    const missing = (await caught(async () => (await keys.createKey({ actor: t.actors.admin, input: { name: "x" } }))));
    expect(missing.status).toBe(422);
    expect(missing.details).toEqual([{ field: "appId", message: "Choose an app." }]);
    const unknown = (await caught(async () => (await keys.createKey({ actor: t.actors.admin, input: { name: "x", appId: "app_nope" } }))));
    expect(unknown.status).toBe(422);
    expect(unknown.details).toEqual([{ field: "appId", message: "App not found." }]);
    expect((await caught(async () => (await keys.createKey({ actor: t.actors.taA, input: { name: "x", appId } })))).status).toBe(403);
    const k = (await keys.createKey({ actor: t.actors.admin, input: { name: "ci", appId } }));
    expect(k).toMatchObject({ appId, teamId: t.teams.A, teamName: "Team A", appName: "keys-app", status: "active" });
    expect("keyHash" in k).toBe(false);
    expect((await keys.listKeys({ actor: t.actors.admin })).items.find((x) => x.id === k.id)!.appName).toBe("keys-app");
    (await keys.revokeKey({ actor: t.actors.admin, id: k.id }));
    expect((await keys.getKey({ actor: t.actors.admin, id: k.id })).status).toBe("revoked");
  });
});

describe("deleting an app", () => {
  it("revokes and detaches its keys, removes its subscriptions, audits the counts", async () => {
    const app = (await apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "doomed" } }));
    const k = (await keys.createAppKey({ actor: t.actors.memA, appId: app.id, input: { name: "k" } }));
    const api = (await apis.createApi({ actor: t.actors.taA, input: { slug: "doomed-api", name: "Doomed", teamId: t.teams.A, approvalMode: "auto", reasonRequired: false } }));
    (await apis.setApiState({ actor: t.actors.taA, id: api.id, input: { state: "published" } }));
    (await subs.requestSubscription({ actor: t.actors.memA, input: { appId: app.id, apiId: api.id } }));
    expect((await caught(async () => (await apps.deleteApp({ actor: t.actors.memB, id: app.id })))).status).toBe(403);
    expect((await apps.deleteApp({ actor: t.actors.memA, id: app.id }))).toEqual({ ok: true });
    const row = (await t.db.getDb().select().from(t.schema.apiKeys)).find((r) => r.id === k.id)!;
    expect(row.revokedAt).not.toBeNull();
    expect(row.appId).toBeNull();
    expect((await t.db.getDb().select().from(t.schema.subscriptions)).filter((s) => s.appId === app.id)).toEqual([]);
    const audit = (await t.db.getDb().select().from(t.schema.auditLog)).find((r) => r.targetId === app.id && r.action === "app.delete")!;
    expect(audit.after).toEqual({ keysRevoked: 1, subscriptionsRemoved: 1, policyRowsRemoved: 0 });
    expect(audit.actorEmail).toBe("mem_a@test");
    expect((await caught(async () => (await apps.getApp({ actor: t.actors.memA, id: app.id })))).status).toBe(404);
  });
});
