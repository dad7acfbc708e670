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

function auditActions(targetId: string): string[] {
  return t.db
    .getDb()
    .select()
    .from(t.schema.auditLog)
    .all()
    .filter((r) => r.targetId === targetId)
    .map((r) => r.action);
}

describe("apps", () => {
  it("a member creates an app in their team; the view has team name, owner and counts", () => {
    const before = config.storedConfigVersion();
    const a = apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "support-bot", description: "Answers tickets" } });
    expect(a).toMatchObject({ teamId: t.teams.A, teamName: "Team A", name: "support-bot", ownerId: "usr_mem_a", keyCount: 0, subscriptions: [] });
    expect(config.storedConfigVersion()).toBeGreaterThan(before);
    expect(auditActions(a.id)).toEqual(["app.create"]);
  });

  it("refuses other teams (403), duplicate names (409), empty names and unknown teams (422)", () => {
    expect(caught(() => apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.B, name: "x" } })).status).toBe(403);
    const dup = caught(() => apps.createApp({ actor: t.actors.taA, input: { teamId: t.teams.A, name: "support-bot" } }));
    expect(dup.status).toBe(409);
    expect(dup.details).toEqual({ field: "name" });
    const empty = caught(() => apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "  " } }));
    expect(empty.status).toBe(422);
    expect(empty.details).toEqual([{ field: "name", message: "Give the app a name." }]);
    const unknown = caught(() => apps.createApp({ actor: t.actors.admin, input: { teamId: "team_nope", name: "x" } }));
    expect(unknown.status).toBe(422);
    expect(unknown.details).toEqual([{ field: "teamId", message: "Team not found." }]);
    // The same name in another team is fine.
    expect(apps.createApp({ actor: t.actors.memB, input: { teamId: t.teams.B, name: "support-bot" } }).teamId).toBe(t.teams.B);
  });

  it("lists are scoped: members see their teams' apps, admins all; the admin list shows team admins their teams'", () => {
    const names = (items: { teamId: string }[]) => [...new Set(items.map((i) => i.teamId))].sort();
    expect(names(apps.listApps({ actor: t.actors.memA }).items)).toEqual([t.teams.A]);
    expect(names(apps.listApps({ actor: t.actors.memC }).items)).toEqual([]);
    expect(names(apps.listApps({ actor: t.actors.admin }).items)).toEqual([t.teams.A, t.teams.B]);
    expect(names(apps.listAllApps({ actor: t.actors.taB }).items)).toEqual([t.teams.B]);
    expect(apps.listAllApps({ actor: t.actors.memA }).items).toEqual([]);
  });

  it("get/update need team membership; rename conflicts are 409", () => {
    const a = apps.listApps({ actor: t.actors.memA }).items[0]!;
    expect(caught(() => apps.getApp({ actor: t.actors.memB, id: a.id })).status).toBe(403);
    expect(caught(() => apps.getApp({ actor: t.actors.memA, id: "app_nope" })).status).toBe(404);
    apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "other" } });
    expect(caught(() => apps.updateApp({ actor: t.actors.memA, id: a.id, input: { name: "other" } })).status).toBe(409);
    const u = apps.updateApp({ actor: t.actors.memA, id: a.id, input: { description: "new" } });
    expect(u.description).toBe("new");
    expect(caught(() => apps.updateApp({ actor: t.actors.memA, id: a.id, input: { ownerId: "x" } })).status).toBe(422);
  });
});

describe("keys under apps", () => {
  let appId: string;
  beforeAll(() => {
    appId = apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "keys-app" } }).id;
  });

  it("creates pk_ + 32 random bytes base62 shown once; stores only the hash", () => {
    const k = keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "prod", expiresInDays: 30 } });
    expect(k.key).toMatch(/^pk_[0-9A-Za-z]{43}$/);
    expect(k).toMatchObject({ appId, name: "prod", status: "active", rotatedFromId: null, revokedAt: null });
    expect(k.prefix).toBe(k.key.slice(0, 12));
    expect(k.expiresAt! - k.createdAt).toBe(30 * 86_400_000);
    const row = t.db.getDb().select().from(t.schema.apiKeys).all().find((r) => r.id === k.id)!;
    expect(row.teamId).toBe(t.teams.A);
    expect(row.keyHash).not.toContain(k.key);
    const got = apps.getApp({ actor: t.actors.memA, id: appId });
    expect(got.app.keyCount).toBe(1);
    expect(JSON.stringify(got)).not.toContain(k.key);
    expect(JSON.stringify(got)).not.toContain("keyHash");
    expect(JSON.stringify(t.db.getDb().select().from(t.schema.auditLog).all())).not.toContain(k.key);
    expect(caught(() => keys.createAppKey({ actor: t.actors.memB, appId, input: { name: "x" } })).status).toBe(403);
    expect(caught(() => keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "" } })).status).toBe(422);
  });

  it("rotates: a new key pointing at the old one; the old one expires at now + grace", () => {
    const old = keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "rotating" } });
    const t0 = Date.now();
    const r = keys.rotateKey({ actor: t.actors.memA, appId, keyId: old.id, input: { graceHours: 2 } });
    expect(r.key.key).toMatch(/^pk_/);
    expect(r.key.key).not.toBe(old.key);
    expect(r.key).toMatchObject({ name: "rotating", rotatedFromId: old.id, status: "active", expiresAt: null });
    expect(r.previous.id).toBe(old.id);
    expect(r.previous.status).toBe("active");
    expect(r.previous.expiresAt! - t0).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(r.previous.expiresAt! - t0).toBeLessThan(2 * 3_600_000 + 5_000);
    expect(auditActions(r.key.id)).toEqual(["api_key.rotate"]);
    expect(auditActions(old.id)).toEqual(["api_key.create", "api_key.rotate_out"]);
    // grace 0 ends the old key at once
    const r2 = keys.rotateKey({ actor: t.actors.memA, appId, keyId: r.key.id, input: { graceHours: 0 } });
    expect(r2.previous.status).toBe("expired");
    // an expired key cannot be rotated again; grace out of range is 422
    expect(caught(() => keys.rotateKey({ actor: t.actors.memA, appId, keyId: r.key.id, input: { graceHours: 1 } })).status).toBe(409);
    const bad = caught(() => keys.rotateKey({ actor: t.actors.memA, appId, keyId: r2.key.id, input: { graceHours: 169 } }));
    expect(bad.status).toBe(422);
    expect(bad.details).toEqual([{ field: "graceHours", message: "At most 168 hours (7 days)." }]);
    expect(caught(() => keys.rotateKey({ actor: t.actors.memA, appId, keyId: r2.key.id, input: {} })).status).toBe(422);
  });

  it("a rotated key with an expiry keeps the same lifetime; grace never extends the old key", () => {
    const old = keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "short", expiresInDays: 1 } });
    const r = keys.rotateKey({ actor: t.actors.memA, appId, keyId: old.id, input: { graceHours: 168 } });
    expect(r.previous.expiresAt).toBe(old.expiresAt);
    expect(r.key.expiresAt! - r.key.createdAt).toBeGreaterThan(86_400_000 - 5_000);
  });

  it("revokes once (409 the second time); keys of another app are 404", () => {
    const k = keys.createAppKey({ actor: t.actors.memA, appId, input: { name: "to revoke" } });
    const v = keys.revokeAppKey({ actor: t.actors.memA, appId, keyId: k.id });
    expect(v.status).toBe("revoked");
    expect(v.revokedAt).not.toBeNull();
    expect(caught(() => keys.revokeAppKey({ actor: t.actors.memA, appId, keyId: k.id })).status).toBe(409);
    const other = apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "another" } });
    expect(caught(() => keys.revokeAppKey({ actor: t.actors.memA, appId: other.id, keyId: k.id })).status).toBe(404);
    expect(keys.listAppKeys({ actor: t.actors.memA, appId }).items.find((x) => x.id === k.id)!.status).toBe("revoked");
  });

  it("admin Keys API: create needs an appId and takes the team from the app", () => {
    const missing = caught(() => keys.createKey({ actor: t.actors.admin, input: { name: "x" } }));
    expect(missing.status).toBe(422);
    expect(missing.details).toEqual([{ field: "appId", message: "Choose an app." }]);
    const unknown = caught(() => keys.createKey({ actor: t.actors.admin, input: { name: "x", appId: "app_nope" } }));
    expect(unknown.status).toBe(422);
    expect(unknown.details).toEqual([{ field: "appId", message: "App not found." }]);
    expect(caught(() => keys.createKey({ actor: t.actors.taA, input: { name: "x", appId } })).status).toBe(403);
    const k = keys.createKey({ actor: t.actors.admin, input: { name: "ci", appId } });
    expect(k).toMatchObject({ appId, teamId: t.teams.A, teamName: "Team A", appName: "keys-app", status: "active" });
    expect("keyHash" in k).toBe(false);
    expect(keys.listKeys({ actor: t.actors.admin }).items.find((x) => x.id === k.id)!.appName).toBe("keys-app");
    keys.revokeKey({ actor: t.actors.admin, id: k.id });
    expect(keys.getKey({ actor: t.actors.admin, id: k.id }).status).toBe("revoked");
  });
});

describe("deleting an app", () => {
  it("revokes and detaches its keys, removes its subscriptions, audits the counts", () => {
    const app = apps.createApp({ actor: t.actors.memA, input: { teamId: t.teams.A, name: "doomed" } });
    const k = keys.createAppKey({ actor: t.actors.memA, appId: app.id, input: { name: "k" } });
    const api = apis.createApi({ actor: t.actors.taA, input: { slug: "doomed-api", name: "Doomed", teamId: t.teams.A, approvalMode: "auto", reasonRequired: false } });
    apis.setApiState({ actor: t.actors.taA, id: api.id, input: { state: "published" } });
    subs.requestSubscription({ actor: t.actors.memA, input: { appId: app.id, apiId: api.id } });
    expect(caught(() => apps.deleteApp({ actor: t.actors.memB, id: app.id })).status).toBe(403);
    expect(apps.deleteApp({ actor: t.actors.memA, id: app.id })).toEqual({ ok: true });
    const row = t.db.getDb().select().from(t.schema.apiKeys).all().find((r) => r.id === k.id)!;
    expect(row.revokedAt).not.toBeNull();
    expect(row.appId).toBeNull();
    expect(t.db.getDb().select().from(t.schema.subscriptions).all().filter((s) => s.appId === app.id)).toEqual([]);
    const audit = t.db.getDb().select().from(t.schema.auditLog).all().find((r) => r.targetId === app.id && r.action === "app.delete")!;
    expect(audit.after).toEqual({ keysRevoked: 1, subscriptionsRemoved: 1 });
    expect(audit.actorEmail).toBe("mem_a@test");
    expect(caught(() => apps.getApp({ actor: t.actors.memA, id: app.id })).status).toBe(404);
  });
});
