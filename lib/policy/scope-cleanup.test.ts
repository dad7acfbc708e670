/**
 * Deleting an app, an API or a route removes the rows that named it in the scope tables
 * (limits, budgets, ledger, content policies, log settings): nothing orphaned for a later
 * object to inherit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupAccessDb, type AccessDb } from "@/tests/support/access-db";

let t: AccessDb;
let apps: typeof import("@/lib/services/apps");
let keys: typeof import("@/lib/services/keys");
let apis: typeof import("@/lib/services/apis");
let routes: typeof import("@/lib/services/routes");
let limits: typeof import("@/lib/policy/services");
let policies: typeof import("@/lib/services/content-policies");
let logs: typeof import("@/lib/services/logs");

beforeAll(async () => {
  t = await setupAccessDb();
  apps = await import("@/lib/services/apps");
  keys = await import("@/lib/services/keys");
  apis = await import("@/lib/services/apis");
  routes = await import("@/lib/services/routes");
  limits = await import("@/lib/policy/services");
  policies = await import("@/lib/services/content-policies");
  logs = await import("@/lib/services/logs");
});
afterAll(() => t?.close());

async function count(table: "rateLimits" | "budgets" | "spendLedger" | "contentPolicies" | "apiLogSettings", scopeId: string): Promise<number> {
  const d = t.db.getDb();
  const s = t.schema;
  switch (table) {
    case "rateLimits":
      return (await d.select().from(s.rateLimits)).filter((r) => r.scopeId === scopeId).length;
    case "budgets":
      return (await d.select().from(s.budgets)).filter((r) => r.scopeId === scopeId).length;
    case "spendLedger":
      return (await d.select().from(s.spendLedger)).filter((r) => r.scopeId === scopeId).length;
    case "contentPolicies":
      return (await d.select().from(s.contentPolicies)).filter((r) => r.scopeId === scopeId).length;
    case "apiLogSettings":
      return (await d.select().from(s.apiLogSettings)).filter((r) => r.apiId === scopeId).length;
  }
}

describe("scope rows go with their object", () => {
  it("an app's and its keys' limits, budgets and ledger rows go with the app; another app's stay", async () => {
    const admin = t.actors.admin;
    const doomed = await apps.createApp({ actor: admin, input: { teamId: t.teams.A, name: "doomed" } });
    const kept = await apps.createApp({ actor: admin, input: { teamId: t.teams.A, name: "kept" } });
    const key = await keys.createAppKey({ actor: admin, appId: doomed.id, input: { name: "k" } });
    await limits.createLimit({ actor: admin, input: { scope: "app", scopeId: doomed.id, requestsPerMinute: 10 } });
    await limits.createLimit({ actor: admin, input: { scope: "key", scopeId: key.id, requestsPerMinute: 5 } });
    await limits.createBudget({ actor: admin, input: { scope: "app", scopeId: doomed.id, period: "day", limitUsd: 5 } });
    await limits.createBudget({ actor: admin, input: { scope: "key", scopeId: key.id, period: "month", limitUsd: 1 } });
    await limits.createLimit({ actor: admin, input: { scope: "app", scopeId: kept.id, requestsPerMinute: 10 } });
    const { addToLedger } = await import("@/lib/policy/ledger");
    const rec = (appId: string, keyId: string | null) => ({ at: Date.now(), costUsd: 0.5, teamId: t.teams.A, appId, keyId }) as unknown as import("@/lib/gateway/types").CallRecord;
    await addToLedger([rec(doomed.id, key.id), rec(kept.id, null)]);
    expect(await count("spendLedger", doomed.id)).toBeGreaterThan(0);
    expect(await count("spendLedger", key.id)).toBeGreaterThan(0);

    await apps.deleteApp({ actor: admin, id: doomed.id });
    for (const table of ["rateLimits", "budgets", "spendLedger"] as const) {
      expect(await count(table, doomed.id)).toBe(0);
      expect(await count(table, key.id)).toBe(0);
    }
    expect(await count("rateLimits", kept.id)).toBe(1);
    expect(await count("spendLedger", kept.id)).toBeGreaterThan(0);
  });

  it("an API's limit, content policy and log settings go with the API", async () => {
    const admin = t.actors.admin;
    const api = await apis.createApi({ actor: admin, input: { slug: "short-lived", name: "Short lived", teamId: t.teams.A } });
    await limits.createLimit({ actor: admin, input: { scope: "api", scopeId: api.id, requestsPerMinute: 10 } });
    await policies.upsertContentPolicy({ actor: admin, input: { scopeType: "api", scopeId: api.id, promptMode: "block" } });
    await logs.setBodyCapture({ actor: admin, input: { apiId: api.id, captureBodies: true, maxBodyBytes: 4096 } });
    expect(await count("contentPolicies", api.id)).toBe(1);
    expect(await count("apiLogSettings", api.id)).toBe(1);

    await apis.deleteApi({ actor: admin, id: api.id });
    expect(await count("rateLimits", api.id)).toBe(0);
    expect(await count("contentPolicies", api.id)).toBe(0);
    expect(await count("apiLogSettings", api.id)).toBe(0);
  });

  it("a route's limit and content policy go with the route", async () => {
    const admin = t.actors.admin;
    const mock = (await t.db.getDb().select().from(t.schema.models)).find((m) => m.kind === "chat")!;
    const route = await routes.createRoute({ actor: admin, input: { alias: "brief-route", targets: [{ modelId: mock.id }] } });
    await limits.createLimit({ actor: admin, input: { scope: "route", scopeId: route.id, tokensPerMinute: 1000 } });
    await policies.upsertContentPolicy({ actor: admin, input: { scopeType: "route", scopeId: route.id, promptMode: "redact" } });

    await routes.deleteRoute({ actor: admin, id: route.id });
    expect(await count("rateLimits", route.id)).toBe(0);
    expect(await count("contentPolicies", route.id)).toBe(0);
  });
});
