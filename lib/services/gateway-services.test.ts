/**
 * DB-backed checks of the gateway services against a temporary SQLite file:
 * secrets never leave the service, 409/422 shapes, seeding, log scoping.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";
import type { AppError } from "@/lib/errors";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-gw-"));
process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
process.env.PORTICO_SECRET = "test-secret-test-secret-test-secret-0123";

type Services = {
  db: typeof import("@/lib/db/client");
  schema: typeof import("@/lib/db/schema");
  providers: typeof import("./providers");
  models: typeof import("./models");
  routes: typeof import("./routes");
  keys: typeof import("./keys");
  apps: typeof import("./apps");
  logs: typeof import("./logs");
  seed: typeof import("@/lib/seed/gateway");
  secret: typeof import("@/lib/secret");
  config: typeof import("@/lib/config-version");
};
let s: Services;

const admin: Actor = { userId: "usr_admin", email: "admin@test", name: "Admin", platformRole: "admin", memberships: [], via: "session" };
const teamAdmin: Actor = {
  userId: "usr_ta",
  email: "ta@test",
  name: "TA",
  platformRole: "member",
  memberships: [{ teamId: "team_a", teamName: "A", teamSlug: "a", role: "team_admin" }],
  via: "session",
};

async function caught(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
}

beforeAll(async () => {
  const db = await import("@/lib/db/client");
  const { runMigrations } = await import("@/lib/db/migrate");
  runMigrations(db.getDb());
  s = {
    db,
    schema: await import("@/lib/db/schema"),
    providers: await import("./providers"),
    models: await import("./models"),
    routes: await import("./routes"),
    keys: await import("./keys"),
    apps: await import("./apps"),
    logs: await import("./logs"),
    seed: await import("@/lib/seed/gateway"),
    secret: await import("@/lib/secret"),
    config: await import("@/lib/config-version"),
  };
  const now = Date.now();
  const d = db.getDb();
  (await d.insert(s.schema.users).values({ id: "usr_admin", email: "admin@test", name: "Admin", role: "admin", createdAt: now, updatedAt: now }));
  (await d.insert(s.schema.teams).values([
    { id: "team_a", slug: "a", name: "A", createdAt: now, updatedAt: now },
    { id: "team_b", slug: "b", name: "B", createdAt: now, updatedAt: now },
  ]));
});

afterAll(() => {
  s?.db.closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("seedGatewayDefaults", () => {
  it("creates the mock provider, models and routes once", async () => {
    const d = s.db.getDb();
    (await s.seed.seedGatewayDefaults(d));
    (await s.seed.seedGatewayDefaults(d));
    const routes = (await s.routes.listRoutes({ actor: admin })).items;
    expect(routes.map((r) => r.alias)).toEqual(["mock-chat", "mock-embed"]);
    expect(routes[0]!.targetDetails[0]!.label).toBe("Built-in mock / mock-chat");
    const p = (await s.providers.getProvider({ actor: admin, id: "prov_mock" }));
    expect(p).toMatchObject({ type: "mock", hasKey: false, options: { latencyMs: 0, tokensPerSecond: 0, replyTokens: 32 } });
    expect(p.models.map((m) => [m.upstreamModel, m.kind, m.inputPricePerM])).toEqual([
      ["mock-chat", "chat", 0],
      ["mock-embed", "embedding", 0],
    ]);
  });

  it("does not come back after the admin deletes its route", async () => {
    const d = s.db.getDb();
    const r = (await s.routes.listRoutes({ actor: admin })).items.find((x) => x.alias === "mock-embed")!;
    (await s.routes.deleteRoute({ actor: admin, id: r.id }));
    (await s.seed.seedGatewayDefaults(d));
    expect((await s.routes.listRoutes({ actor: admin })).items.map((x) => x.alias)).toEqual(["mock-chat"]);
  });
});

describe("providers", () => {
  it("stores the key encrypted, returns only hasKey/keyLast4, audits without it", async () => {
    const v0 = (await s.config.storedConfigVersion());
    const p = (await s.providers.createProvider({ actor: admin, input: { name: "OpenAI", type: "openai", baseUrl: "https://api.openai.com/v1/", apiKey: "sk-live-abcdef123456WXYZ" } }));
    expect(p).toMatchObject({ hasKey: true, keyLast4: "WXYZ", baseUrl: "https://api.openai.com/v1" });
    expect(JSON.stringify(p)).not.toContain("sk-live");
    expect("encryptedKey" in p).toBe(false);
    expect((await s.config.storedConfigVersion())).toBeGreaterThan(v0);
    const row = (await s.db.getDb().select().from(s.schema.providers)).find((x) => x.id === p.id)!;
    expect(row.encryptedKey).not.toContain("sk-live");
    expect(s.secret.decryptSecret(row.encryptedKey!)).toBe("sk-live-abcdef123456WXYZ");

    (await s.providers.updateProvider({ actor: admin, id: p.id, input: { apiKey: "sk-rotated-999988887777ABCD" } }));
    const audit = (await s.db.getDb().select().from(s.schema.auditLog));
    const dump = JSON.stringify(audit);
    expect(dump).not.toContain("sk-live");
    expect(dump).not.toContain("sk-rotated");
    expect(dump).not.toContain(row.encryptedKey!);
    expect(audit.map((a) => a.action)).toContain("provider.rotate_key");
    expect((await s.providers.listProviders({ actor: admin })).items.find((x) => x.id === p.id)).toMatchObject({ keyLast4: "ABCD", hasKey: true });
  });

  it("422 names the field, 409 on a duplicate name", async () => {
    const e = (await caught(async () => (await s.providers.createProvider({ actor: admin, input: { name: "X", type: "anthropic", headers: { Host: "evil" } } }))));
    expect(e.status).toBe(422);
    expect((e.details as { field: string }[]).map((d) => d.field).sort()).toEqual(["baseUrl", "headers.Host"]);
    const dup = (await caught(async () => (await s.providers.createProvider({ actor: admin, input: { name: "OpenAI", type: "mock" } }))));
    expect(dup.status).toBe(409);
  });

  it("refuses non-admins", async () => {
    expect((await caught(async () => (await s.providers.listProviders({ actor: teamAdmin })))).status).toBe(403);
  });
});

describe("models and routes", () => {
  let openaiId: string;
  let gpt4o: string;
  let embed: string;

  it("pre-fills catalog prices and reports 409 on duplicates", async () => {
    openaiId = (await s.providers.listProviders({ actor: admin })).items.find((p) => p.name === "OpenAI")!.id;
    const m = (await s.models.createModel({ actor: admin, input: { providerId: openaiId, upstreamModel: "gpt-4o-2024-08-06" } }));
    gpt4o = m.id;
    expect(m).toMatchObject({ kind: "chat", inputPricePerM: 2.5, outputPricePerM: 10, cachedInputPricePerM: 1.25 });
    expect(m.prefilled).toContain("inputPricePerM");
    embed = (await s.models.createModel({ actor: admin, input: { providerId: openaiId, upstreamModel: "text-embedding-3-small" } })).id;
    const dup = (await caught(async () => (await s.models.createModel({ actor: admin, input: { providerId: openaiId, upstreamModel: "gpt-4o-2024-08-06" } }))));
    expect(dup.status).toBe(409);
    const noProv = (await caught(async () => (await s.models.createModel({ actor: admin, input: { providerId: "nope", upstreamModel: "x" } }))));
    expect(noProv.status).toBe(422);
  });

  it("validates routes with field paths and refuses duplicate aliases", async () => {
    const bad = (await caught(async () =>
      (await s.routes.createRoute({
        actor: admin,
        input: { alias: "smart", strategy: "weighted", targets: [{ modelId: gpt4o, weight: 1 }, { modelId: "mdl_mock_chat", weight: 0 }] },
      })),
    ));
    expect(bad.status).toBe(422);
    expect(bad.details).toEqual([{ field: "targets.1.weight", message: "Weight must be greater than 0." }]);
    const mixed = (await caught(async () => (await s.routes.createRoute({ actor: admin, input: { alias: "mixed", strategy: "fallback", targets: [{ modelId: gpt4o }, { modelId: embed }] } }))));
    expect((mixed.details as { field: string }[])[0]!.field).toBe("targets.1.modelId");

    const r = (await s.routes.createRoute({
      actor: admin,
      input: { alias: "smart", strategy: "fallback", targets: [{ modelId: gpt4o, weight: 5 }, { modelId: "mdl_mock_chat" }], retry: { attemptsPerTarget: 3 } },
    }));
    expect(r.targets).toEqual([{ modelId: gpt4o }, { modelId: "mdl_mock_chat" }]);
    expect(r.retry).toMatchObject({ attemptsPerTarget: 3, backoffBaseMs: 250 });
    expect((await caught(async () => (await s.routes.createRoute({ actor: admin, input: { alias: "smart", targets: [{ modelId: gpt4o }] } })))).status).toBe(409);

    const updated = (await s.routes.updateRoute({ actor: admin, id: r.id, input: { retry: { backoffMaxMs: 8000 }, description: "d" } }));
    expect(updated.retry).toMatchObject({ attemptsPerTarget: 3, backoffMaxMs: 8000 });
    const toWeighted = (await caught(async () => (await s.routes.updateRoute({ actor: admin, id: r.id, input: { strategy: "weighted" } }))));
    expect((toWeighted.details as { field: string }[]).map((d) => d.field)).toEqual(["targets.0.weight", "targets.1.weight"]);
  });

  it("refuses to delete a model or provider a route uses, naming the routes", async () => {
    const m = (await caught(async () => (await s.models.deleteModel({ actor: admin, id: gpt4o }))));
    expect(m.status).toBe(409);
    expect(m.details).toEqual({ routes: ["smart"] });
    const p = (await caught(async () => (await s.providers.deleteProvider({ actor: admin, id: openaiId }))));
    expect(p.status).toBe(409);
    expect(p.message).toContain("smart");
    expect((await s.models.listModels({ actor: admin })).items.find((x) => x.id === gpt4o)!.usedBy).toEqual(["smart"]);
    // An unused model goes.
    expect((await s.models.deleteModel({ actor: admin, id: embed }))).toEqual({ ok: true });
  });
});

describe("keys", () => {
  it("shows the plaintext once and never the hash", async () => {
    // Keys belong to an app now; the team comes from the app (docs/access.md).
    const app = (await s.apps.createApp({ actor: admin, input: { teamId: "team_a", name: "ci-app" } }));
    const k = (await s.keys.createKey({ actor: admin, input: { name: "ci", appId: app.id, expiresInDays: 30 } }));
    expect(k.key).toMatch(/^pk_[0-9A-Za-z]{43,}$/);
    expect(k.prefix).toBe(k.key.slice(0, 12));
    expect(k.teamName).toBe("A");
    expect("keyHash" in k).toBe(false);
    const listed = (await s.keys.listKeys({ actor: admin })).items;
    expect(JSON.stringify(listed)).not.toContain(k.key);
    expect(JSON.stringify(listed)).not.toContain("keyHash");
    expect(JSON.stringify((await s.db.getDb().select().from(s.schema.auditLog)))).not.toContain(k.key);
    (await s.keys.revokeKey({ actor: admin, id: k.id }));
    expect((await s.keys.getKey({ actor: admin, id: k.id })).status).toBe("revoked");
    expect((await caught(async () => (await s.keys.revokeKey({ actor: admin, id: k.id })))).status).toBe(404);
    expect((await caught(async () => (await s.keys.createKey({ actor: admin, input: { name: "x", appId: "nope" } })))).status).toBe(422);
  });
});

describe("logs", () => {
  it("pages newest first on (at, id) and scopes non-admins to their teams", async () => {
    const d = s.db.getDb();
    const base = { endpoint: "/v1/chat/completions", inbound: "openai", status: 200, outcome: "ok" as const, latencyMs: 5 };
    (await d.insert(s.schema.requestLogs)
      .values([
        { id: "log_1", at: 1000, teamId: "team_a", ...base },
        { id: "log_2", at: 2000, teamId: "team_b", ...base },
        { id: "log_3", at: 2000, teamId: "team_a", ...base },
        { id: "log_4", at: 3000, teamId: null, ...base },
      ]));
    const p1 = (await s.logs.listRecentLogs({ actor: admin, limit: 2 }));
    expect(p1.items.map((r) => r.id)).toEqual(["log_4", "log_3"]);
    const p2 = (await s.logs.listRecentLogs({ actor: admin, limit: 2, cursor: p1.nextCursor }));
    expect(p2.items.map((r) => r.id)).toEqual(["log_2", "log_1"]);
    expect(p2.nextCursor).toBeNull();
    expect((await s.logs.listRecentLogs({ actor: teamAdmin, limit: 10 })).items.map((r) => r.id)).toEqual(["log_3", "log_1"]);
    expect((await caught(async () => (await s.logs.listRecentLogs({ actor: admin, limit: 1, cursor: "garbage" })))).status).toBe(400);
  });
});
