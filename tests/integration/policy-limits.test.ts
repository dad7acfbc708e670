/**
 * Rate limits and budgets end to end on the production fast path
 * (tests/support/gateway.ts): policies set through the services, calls
 * through the real gateway, reconciliation through the record hook, spend
 * through the log writer's flush into the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { chatBody, expectOpenAIError, readSse, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let svc: typeof import("@/lib/policy/services");
let schema: typeof import("@/lib/db/schema");
let limits: typeof import("@/lib/policy/limits");

const RL_HEADERS = [
  "x-ratelimit-limit-requests",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-reset-requests",
  "x-ratelimit-limit-tokens",
  "x-ratelimit-remaining-tokens",
  "x-ratelimit-reset-tokens",
];

beforeAll(async () => {
  gw = await startGateway();
  svc = await import("@/lib/policy/services");
  schema = await import("@/lib/db/schema");
  limits = await import("@/lib/policy/limits");
  await gw.routeTo("pol-chat", [{ type: "mock", upstreamModel: "pol-mock" }]);
  await gw.providerFor("mock", "slow-mock", { options: { latencyMs: 300, tokensPerSecond: 0, replyTokens: 12 } });
  await gw.routeTo("pol-slow", [{ type: "mock", provider: "slow-mock", upstreamModel: "pol-slow-mock" }]);
  await gw.routeTo("pol-priced", [{ type: "mock", upstreamModel: "pol-priced-mock", inputPricePerM: 1000, outputPricePerM: 2000 }]);
});
afterAll(() => gw?.close());

const limit = async (scope: string, scopeId: string, v: Record<string, number>) => (await svc.createLimit({ actor: gw.actor, input: { scope, scopeId, ...v } }));

async function call(key: string, model = "pol-chat", extra: Record<string, unknown> = {}, path = "/v1/chat/completions") {
  const res = await gw.post(path, path === "/v1/messages" ? { model, max_tokens: 50, messages: [{ role: "user", content: "hi" }], ...extra } : chatBody(model, extra), { key });
  const text = await res.text();
  return { res, status: res.status, body: text ? (JSON.parse(text) as Wire) : null };
}

describe("requests per minute", () => {
  it("50 concurrent calls against a 10-rpm key: exactly 10 pass, the rest get 429 with Retry-After and the headers", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 10 }));
    const results = await Promise.all(Array.from({ length: 50 }, () => call(k.key)));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      const e = expectOpenAIError(r.body);
      expect(e.code).toBe("rate_limit_exceeded");
      expect(e.type).toBe("requests");
      expect(e.message).toMatch(/10 requests per minute/);
      const ra = Number(r.res.headers.get("retry-after"));
      expect(ra).toBeGreaterThanOrEqual(1);
      expect(ra).toBeLessThanOrEqual(6);
      expect(r.res.headers.get("x-ratelimit-limit-requests")).toBe("10");
      expect(r.res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
      expect(r.res.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+(\.\d+)?s$|^\d+m\d+(\.\d+)?s$/);
      expect(r.res.headers.get("x-request-id")).toBeTruthy();
    }
    // Remaining counts down 9..0 across the admitted calls.
    const remaining = ok.map((r) => Number(r.res.headers.get("x-ratelimit-remaining-requests"))).sort((a, b) => a - b);
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The refusals are logged as refused with the code.
    const row = await gw.logRow(refused[0]!.res.headers.get("x-request-id")!);
    expect(row.status).toBe(429);
    expect(row.errorCode).toBe("rate_limit_exceeded");
    expect(row.outcome).toBe("refused");
  });

  it("refuses in the Anthropic shape on /v1/messages", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 1 }));
    expect((await call(k.key, "pol-chat", {}, "/v1/messages")).status).toBe(200);
    const r = await call(k.key, "pol-chat", {}, "/v1/messages");
    expect(r.status).toBe(429);
    expect(r.body.type).toBe("error");
    expect(r.body.error.type).toBe("rate_limit_error");
    expect(r.res.headers.get("retry-after")).toBeTruthy();
    expect(r.res.headers.get("x-ratelimit-limit-requests")).toBe("1");
  });

  it("a route limit is global: shared by every key calling that model", async () => {
    await gw.routeTo("pol-global", [{ type: "mock", upstreamModel: "pol-global-mock" }]);
    const route = (await gw.db.select().from(schema.routes).where(eq(schema.routes.alias, "pol-global")).limit(1))[0]!;
    (await limit("route", route.id, { requestsPerMinute: 3 }));
    const [a, b] = [(await gw.newKey()), (await gw.newKey())];
    const statuses = [];
    for (const k of [a, b, a, b, a]) statuses.push((await call(k.key, "pol-global")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const r = await call(a.key, "pol-global");
    expect(r.body.error.message).toMatch(/model 'pol-global'/);
  });

  it("an API limit is global to the API: shared by every app subscribed to it", async () => {
    await gw.routeTo("pol-api-route", [{ type: "mock", upstreamModel: "pol-api-mock" }]);
    const api = (await gw.m.apis.createApi({
      actor: gw.actor,
      input: { slug: "pol-limited", name: "Limited API", teamId: gw.harness.teamId, routeAliases: ["pol-api-route"], approvalMode: "auto", reasonRequired: false },
    }));
    (await gw.m.apis.setApiState({ actor: gw.actor, id: api.id, input: { state: "published" } }));
    const keys: string[] = [];
    for (const name of ["pol-app-1", "pol-app-2"]) {
      const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: gw.harness.teamId, name } }));
      (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: app.id, apiId: api.id } }));
      keys.push((await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: "k" } })).key);
    }
    (await limit("api", api.id, { requestsPerMinute: 3 }));
    const statuses = [];
    for (const k of [keys[0], keys[1], keys[0], keys[1]]) statuses.push((await call(k!, "pol-api-route")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await call(keys[0]!, "pol-api-route");
    expect(r.body.error.message).toMatch(/API 'Limited API'/);
  });

  it("burst lets a spike through up to the bucket size", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 2, burst: 5 }));
    const results = await Promise.all(Array.from({ length: 8 }, () => call(k.key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results[0]!.res.headers.get("x-ratelimit-limit-requests")).toBe("2");
  });
});

describe("headers on every response", () => {
  it("success (JSON and stream), upstream errors and refusals all carry the six headers", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 100, tokensPerMinute: 100_000 }));
    const json = await call(k.key);
    expect(json.status).toBe(200);
    for (const h of RL_HEADERS) expect(json.res.headers.get(h), h).toBeTruthy();
    expect(json.res.headers.get("x-ratelimit-limit-tokens")).toBe("100000");

    const stream = await gw.post("/v1/chat/completions", chatBody("pol-chat", { stream: true }), { key: k.key });
    expect(stream.status).toBe(200);
    for (const h of RL_HEADERS) expect(stream.headers.get(h), h).toBeTruthy();
    await readSse(stream);

    const emb = await gw.post("/v1/embeddings", { model: "pol-chat", input: "x" }, { key: k.key });
    expect(emb.status).toBe(400); // a chat model on /v1/embeddings: refused before the guard, so no limit applies yet
    await emb.text();
  });

  it("embeddings calls are limited and carry the headers too", async () => {
    await gw.routeTo("pol-embed", [{ type: "mock", upstreamModel: "pol-embed-mock", kind: "embedding" }]);
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 2, tokensPerMinute: 10_000 }));
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await gw.post("/v1/embeddings", { model: "pol-embed", input: "hello world" }, { key: k.key });
      statuses.push(res.status);
      for (const h of RL_HEADERS) expect(res.headers.get(h), h).toBeTruthy();
      await res.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("tokens per minute", () => {
  it("reserves prompt + max_tokens at admission and reconciles with actual usage at the end", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { tokensPerMinute: 1000 }));
    // Two concurrent calls each reserving ~prompt + 600 tokens: only one fits in 1000.
    const [a, b] = await Promise.all([call(k.key, "pol-slow", { max_tokens: 600 }), call(k.key, "pol-slow", { max_tokens: 600 })]);
    expect([a.status, b.status].sort()).toEqual([200, 429]);
    const refused = a.status === 429 ? a : b;
    expect(refused.body.error.type).toBe("tokens");
    expect(refused.body.error.message).toMatch(/1000 tokens per minute/);
    const admitted = a.status === 200 ? a : b;
    const used = admitted.body.usage.total_tokens as number;
    expect(used).toBeLessThan(100);
    // Reconciled: the unused part of the 600-token reservation came back, so the next call fits at once.
    const c = await call(k.key, "pol-chat", { max_tokens: 600 });
    expect(c.status).toBe(200);
    const reserved = 1000 - used - Number(c.res.headers.get("x-ratelimit-remaining-tokens"));
    // What the third call reserved: its prompt estimate + 600 (a little refill may have happened meanwhile).
    expect(reserved).toBeGreaterThan(550); // ~630 minus what refilled meanwhile (17 tokens a second)
    expect(reserved).toBeLessThan(700);
  });

  it("caps the output reservation so a huge max_tokens still gets in when the bucket is full", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { tokensPerMinute: 500 }));
    const r = await call(k.key, "pol-chat", { max_tokens: 1_000_000 });
    expect(r.status).toBe(200);
  });
});

describe("budgets", () => {
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: { headers: IncomingMessage["headers"]; body: Wire }[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let s = "";
      req.on("data", (d) => (s += d));
      req.on("end", () => {
        deliveries.push({ headers: req.headers, body: JSON.parse(s) });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // The receiver is on loopback, which webhooks refuse by default (SSRF guard): allow it for this suite.
    process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = "127.0.0.1";
    await gw.m.webhooks.createWebhook({ actor: gw.actor, input: { url: receiverUrl, secret: "budget-hook-secret-123", events: ["budget.threshold"] } });
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it("hard stop at the boundary: the call that crosses the limit passes, the next gets 429 budget_exceeded", async () => {
    // The cost of one call, measured.
    const probe = await gw.newKey();
    const p = await call(probe.key, "pol-priced");
    const cost = (await gw.logRow(p.res.headers.get("x-request-id")!)).costUsd;
    expect(cost).toBeGreaterThan(0);

    const k = await gw.newKey({ name: "budgeted key" });
    const b = (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: cost * 2.5, thresholds: [50, 100] } }));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(k.key, "pol-priced")).status);
    expect(statuses).toEqual([200, 200, 200]); // spent 0, c, 2c < 2.5c: admitted; now 3c
    const r = await call(k.key, "pol-priced");
    expect(r.status).toBe(429);
    const e = expectOpenAIError(r.body);
    expect(e.code).toBe("budget_exceeded");
    expect(e.message).toMatch(/daily budget/);
    expect(e.message).toMatch(/key 'budgeted key'/);
    const tomorrow = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1)).toISOString().replace(".000Z", "Z");
    expect(e.message).toContain(tomorrow);
    const ra = Number(r.res.headers.get("retry-after"));
    expect(ra).toBeGreaterThan(0);
    expect(ra).toBeLessThanOrEqual(86_400);

    // Spend reached the ledger through the writer's flush; the view shows it.
    (await gw.m.logWriter.logWriter().flush());
    const view = (await svc.listBudgets({ actor: gw.actor, scope: "key", scopeId: k.id })).items[0]!;
    expect(view.spentUsd).toBeCloseTo(cost * 3, 9);
    expect(view.remainingUsd).toBe(0);

    // Restart: a fresh meter reads the ledger and still refuses.
    limits.resetLimitsForTests();
    expect((await call(k.key, "pol-priced")).status).toBe(429);

    // Thresholds: one in-app notification per threshold, and the webhook.
    (await gw.m.logWriter.logWriter().flush());
    const notes = (await svc.listBudgetNotifications({ actor: gw.actor })).items.filter((n) => n.budgetId === b.id);
    expect(notes.map((n) => n.threshold).sort((x, y) => x - y)).toEqual([50, 100]);
    const t0 = Date.now();
    while (deliveries.filter((d) => d.body.data?.budget?.id === b.id).length < 2 && Date.now() - t0 < 5000) await sleep(50);
    const mine = deliveries.filter((d) => d.body.data.budget.id === b.id);
    expect(mine.map((d) => d.body.data.threshold).sort((x: number, y: number) => x - y)).toEqual([50, 100]);
    expect(mine[0]!.headers["x-portico-event"]).toBe("budget.threshold");
  });

  it("concurrent calls reserve the estimated cost: a burst cannot overshoot by more than one call", async () => {
    const probe = await gw.newKey();
    const p = await call(probe.key, "pol-priced", { max_tokens: 20 });
    const cost = (await gw.logRow(p.res.headers.get("x-request-id")!)).costUsd;
    const k = await gw.newKey();
    // Budget for ~5 calls; each reservation (prompt + 20 output tokens) is at least one call's cost.
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "month", limitUsd: cost * 5 } }));
    const results = await Promise.all(Array.from({ length: 30 }, () => call(k.key, "pol-priced", { max_tokens: 20 })));
    const ok = results.filter((r) => r.status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429).every((r) => r.body.error.code === "budget_exceeded")).toBe(true);
    (await gw.m.logWriter.logWriter().flush());
    const spent = (await svc.listBudgets({ actor: gw.actor, scope: "key", scopeId: k.id })).items[0]!.spentUsd;
    expect(spent).toBeLessThanOrEqual(cost * 5 + cost + 1e-9);
  });

  it("a budget refusal still carries the rate-limit headers and costs no rate allowance", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 10 }));
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: 0.000001 } }));
    expect((await call(k.key, "pol-priced")).status).toBe(200); // spends past the tiny budget
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push(await call(k.key, "pol-priced"));
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe("budget_exceeded");
      expect(r.res.headers.get("x-ratelimit-limit-requests")).toBe("10");
      // 10 - the one admitted call (the refusals were refunded; a token takes 6 s to refill)
      expect(r.res.headers.get("x-ratelimit-remaining-requests")).toBe("9");
    }
  });

  it("the portal view shows the app's limits and remaining budget, its keys and its team", async () => {
    const team = await gw.m.teams.createTeam({ actor: gw.actor, input: { name: "Budget team", slug: "budget-team" } });
    const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: team.id, name: "budget-app" } }));
    const key = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: "bk" } }));
    (await limit("app", app.id, { requestsPerMinute: 60, tokensPerMinute: 20_000 }));
    (await limit("key", key.id, { requestsPerMinute: 5 }));
    (await svc.createBudget({ actor: gw.actor, input: { scope: "team", scopeId: team.id, period: "month", limitUsd: 100 } }));
    (await svc.createBudget({ actor: gw.actor, input: { scope: "app", scopeId: app.id, period: "day", limitUsd: 5 } }));
    const v = (await svc.getAppPolicies({ actor: gw.actor, appId: app.id }));
    expect(v.app.limit).toEqual({ requestsPerMinute: 60, tokensPerMinute: 20_000, burst: null });
    expect(v.app.budgets[0]).toMatchObject({ period: "day", limitUsd: 5, spentUsd: 0, remainingUsd: 5 });
    expect(v.team.budgets[0]).toMatchObject({ period: "month", limitUsd: 100 });
    expect(v.keys[0]).toMatchObject({ id: key.id, limit: { requestsPerMinute: 5 } });
    expect(v.routes).toEqual([]); // not subscribed to anything yet
    // The harness app is subscribed to every route: the global pol-global limit shows.
    const h = (await svc.getAppPolicies({ actor: gw.actor, appId: gw.harness.appId }));
    expect(h.routes).toContainEqual({ alias: "pol-global", limit: { requestsPerMinute: 3, tokensPerMinute: null, burst: null } });
  });

  it("control plane: 409 on a second policy for one scope, 422 on bad input, audit rows written", async () => {
    const k = await gw.newKey();
    (await limit("key", k.id, { requestsPerMinute: 5 }));
    await expect(limit("key", k.id, { requestsPerMinute: 6 })).rejects.toThrow(/already has a rate limit/);
    await expect(svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id } })).rejects.toThrow(/requests per minute/);
    await expect(svc.createBudget({ actor: gw.actor, input: { scope: "team", scopeId: "nope", period: "day", limitUsd: 1 } })).rejects.toThrow(/no team/);
    const audit = (await gw.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, "limit.create")));
    expect(audit.length).toBeGreaterThan(0);
  });
});
