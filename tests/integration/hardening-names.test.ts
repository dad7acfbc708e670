/**
 * What callers learn about what sits behind Portico, and how they tell Portico's own refusals
 * from the upstream's: errors name no provider, target or upstream model (those go to the log
 * row), prompt APIs name neither route nor provider, `x-portico-provider` is the provider family,
 * Portico's refusals carry `x-portico-refusal` and count in portico_refusals_total, cache hits
 * count in portico_cache_hits_total.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, expectOpenAIError, readSse, requestId, startGateway, type Gateway, type Wire } from "../support/gateway";
import { parsePromText, sampleValue } from "../support/prom-text";

const SECRET_PROVIDER = "acme-eu-prod-account";
const FAST = { backoffBaseMs: 1, backoffMaxMs: 2, attemptsPerTarget: 1 };
let gw: Gateway;
let P: typeof import("@/lib/services/prompts");
let metricsUrl: string;
let metricsServer: Server;

beforeAll(async () => {
  gw = await startGateway({ PORTICO_BREAKER_THRESHOLD: "2", PORTICO_BREAKER_COOLDOWN_MS: "60000", PORTICO_ALERT_EVAL_MS: "0" });
  P = await import("@/lib/services/prompts");
  await gw.providerFor("openai", SECRET_PROVIDER);
  await gw.providerFor("openai", "dead-provider", { baseUrl: "http://127.0.0.1:9/v1" });
  const { metricsNodeHandler } = await import("@/lib/telemetry/metrics-endpoint");
  metricsServer = createServer((req, res) => metricsNodeHandler(req, res));
  await new Promise<void>((r) => metricsServer.listen(0, "127.0.0.1", r));
  metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  await new Promise<void>((r) => metricsServer?.close(() => r()));
  await gw?.close();
});

const secretRoute = (alias: string, upstreamModel: string) => gw.routeTo(alias, [{ type: "openai", provider: SECRET_PROVIDER, upstreamModel }], "single", FAST);

async function callChat(alias: string, extra: Record<string, unknown> = {}) {
  const rid = requestId("nm");
  const res = await gw.post("/v1/chat/completions", chatBody(alias, extra), { headers: { "x-request-id": rid } });
  return { res, rid };
}

function expectNoNames(text: string, ...names: string[]) {
  for (const n of [SECRET_PROVIDER, ...names]) expect(text, `leaks ${n}`).not.toContain(n);
}

async function scrape() {
  (await gw.m.logWriter.logWriter().flush());
  const res = await fetch(metricsUrl);
  return parsePromText(await res.text());
}

describe("upstream errors name nothing behind Portico", () => {
  it("an upstream 5xx: generic message with the request id; the log row keeps provider and upstream model", async () => {
    await secretRoute("nm-500", "nm-secret-up-500");
    gw.fake.script("nm-secret-up-500", [{ status: 500, body: { error: { message: "Internal failure serving nm-secret-up-500 for org-acme", type: "server_error", param: null, code: null } } }]);
    const { res, rid } = await callChat("nm-500");
    expect(res.status).toBe(500);
    const text = await res.text();
    expectNoNames(text, "nm-secret-up-500", "org-acme");
    expect(JSON.parse(text).error.request_id).toBe(rid);
    const row = await gw.logRow(rid);
    expect(row.errorMessage).toContain(SECRET_PROVIDER);
    expect(row.errorMessage).toContain("nm-secret-up-500");
  });

  it("unreachable, misconfigured (401) and cut streams: generic messages", async () => {
    await gw.routeTo("nm-dead", [{ type: "openai", provider: "dead-provider", upstreamModel: "nm-dead-up" }], "single", FAST);
    const dead = await callChat("nm-dead");
    expect(dead.res.status).toBe(502);
    const deadBody = await dead.res.text();
    expect(JSON.parse(deadBody).error.code).toBe("upstream_unreachable");
    expectNoNames(deadBody, "dead-provider", "nm-dead-up", "127.0.0.1");
    expect((await gw.logRow(dead.rid)).errorMessage).toContain("dead-provider/nm-dead-up");

    await secretRoute("nm-401", "nm-up-fault-401");
    const mis = await callChat("nm-401");
    expect(mis.res.status).toBe(502);
    const misBody = await mis.res.text();
    expect(JSON.parse(misBody).error.code).toBe("upstream_misconfigured");
    expectNoNames(misBody, "nm-up-fault-401", "sk-");

    await secretRoute("nm-cut", "nm-up-fault-midstream-error");
    const cut = await callChat("nm-cut", { stream: true });
    expect(cut.res.status).toBe(200);
    const events = await readSse(cut.res);
    const last = JSON.parse(events.at(-1)!.data) as Wire;
    expect(last.error.code).toBe("upstream_stream_interrupted");
    // (the content chunks quote the fake's reply text, which names its model: only the error event is Portico's)
    expectNoNames(JSON.stringify(last), "nm-up-fault-midstream-error");
  });

  it("an upstream 400 keeps its explanation, with the upstream model swapped for the alias", async () => {
    await secretRoute("nm-400", "nm-secret-up-400");
    gw.fake.script("nm-secret-up-400", [
      { status: 400, body: { error: { message: "'logprobs' is not supported by nm-secret-up-400 at provider acme-eu-prod-account.", type: "invalid_request_error", param: "logprobs", code: null } } },
    ]);
    const { res } = await callChat("nm-400");
    expect(res.status).toBe(400);
    const e = expectOpenAIError(await res.json());
    expect(e.message).toContain("'logprobs' is not supported by nm-400");
    expect(e.param).toBe("logprobs");
    expectNoNames(e.message, "nm-secret-up-400");
  });

  it("x-portico-provider is the provider family, never the provider's name", async () => {
    await secretRoute("nm-ok", "nm-ok-up");
    const { res } = await callChat("nm-ok");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe("openai");
    expect(res.headers.get("x-portico-route")).toBe("nm-ok");
    expect(((await res.json()) as Wire).model).toBe("nm-ok");
  });
});

describe("prompt APIs", () => {
  async function promptApi(slug: string, routeAlias: string) {
    const a = (await gw.m.apis.createApi({ actor: gw.actor, input: { slug, name: slug, teamId: gw.harness.teamId, kind: "prompt", approvalMode: "auto", reasonRequired: false, description: slug } }));
    (await gw.m.apis.setApiState({ actor: gw.actor, id: a.id, input: { state: "published" } }));
    (await P.savePromptDraft({
      actor: gw.actor,
      apiId: a.id,
      input: { routeAlias, params: {}, userTemplate: "Echo {{w}}", variables: [{ name: "w", type: "string", required: true }], outputMode: "text", streaming: true },
    }));
    (await P.publishPrompt({ actor: gw.actor, apiId: a.id, input: { note: "v1" } }));
    (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: gw.harness.appId, apiId: a.id } }));
  }

  it("answers (JSON and stream) carry neither route nor provider", async () => {
    await secretRoute("nm-prompt-route", "nm-prompt-up");
    (await promptApi("nm-prompt", "nm-prompt-route"));
    const res = await gw.post("/v1/apis/nm-prompt", { w: "hi" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBeNull();
    expect(res.headers.get("x-portico-route")).toBeNull();
    expect(Object.keys((await res.json()) as Wire).sort()).toEqual(["cost_usd", "output", "request_id", "usage", "version"]);
    const s = await gw.post("/v1/apis/nm-prompt", { w: "hi" }, { headers: { accept: "text/event-stream" } });
    expect(s.status).toBe(200);
    expect(s.headers.get("x-portico-provider")).toBeNull();
    expect(s.headers.get("x-portico-route")).toBeNull();
    const events = await readSse(s);
    expect(events.at(-1)!.event).toBe("done");
    expectNoNames(events.at(-1)!.data, "nm-prompt-route", "nm-prompt-up");
  });

  it("errors name neither the route nor the upstream", async () => {
    await secretRoute("nm-prompt-bad", "nm-prompt-bad-up");
    gw.fake.script("nm-prompt-bad-up", [{ status: 400, body: { error: { message: "nm-prompt-bad-up rejects this", type: "invalid_request_error", param: null, code: null } } }]);
    (await promptApi("nm-prompt-err", "nm-prompt-bad"));
    const rid = requestId("nmp");
    const res = await gw.post("/v1/apis/nm-prompt-err", { w: "hi" }, { headers: { "x-request-id": rid } });
    expect(res.status).toBe(400);
    const text = await res.text();
    expectNoNames(text, "nm-prompt-bad", "nm-prompt-bad-up");
    expect(JSON.parse(text).error.request_id).toBe(rid);
    expect((await gw.logRow(rid)).errorMessage).toContain("nm-prompt-bad-up rejects this");
  });
});

describe("refusal source and metrics", () => {
  it("Portico's rate limit: x-portico-refusal: rate_limit and portico_refusals_total{reason=rate_limit,scope=key}", async () => {
    const svc = await import("@/lib/policy/services");
    await gw.routeTo("nm-limited", [{ type: "mock", upstreamModel: "nm-limited-mock" }]);
    const k = await gw.newKey({ name: "limited" });
    (await svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id, requestsPerMinute: 1 } }));
    const ok = await gw.post("/v1/chat/completions", chatBody("nm-limited"), { key: k.key });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-portico-refusal")).toBeNull();
    await ok.text();
    const refused = await gw.post("/v1/chat/completions", chatBody("nm-limited"), { key: k.key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-portico-refusal")).toBe("rate_limit");
    expect(expectOpenAIError(await refused.json()).code).toBe("rate_limit_exceeded");
    expect(sampleValue(await scrape(), "portico_refusals_total", { reason: "rate_limit", scope: "key" })).toBe(1);
  });

  it("an open circuit: 503 circuit_open with x-portico-refusal: circuit_open, counted", async () => {
    await secretRoute("nm-cb", "nm-cb-fault-503");
    for (let i = 0; i < 2; i++) await (await callChat("nm-cb")).res.text();
    const { res } = await callChat("nm-cb");
    expect(res.status).toBe(503);
    expect(res.headers.get("x-portico-refusal")).toBe("circuit_open");
    expect(expectOpenAIError(await res.json()).code).toBe("circuit_open");
    expect(sampleValue(await scrape(), "portico_refusals_total", { reason: "circuit_open", scope: "" })).toBe(1);
  });

  it("response cache hits count in portico_cache_hits_total{route,kind}", async () => {
    const cp = await import("@/lib/services/content-policies");
    const r = await gw.routeTo("nm-cached", [{ type: "mock", upstreamModel: "nm-cached-mock" }]);
    (await cp.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: r.id, cacheEnabled: true, cacheTtlSeconds: 60 } }));
    for (let i = 0; i < 3; i++) {
      const res = await gw.post("/v1/chat/completions", chatBody("nm-cached"));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-portico-cache")).toBe(i === 0 ? "miss" : "hit");
      await res.text();
    }
    expect(sampleValue(await scrape(), "portico_cache_hits_total", { route: "nm-cached", kind: "chat" })).toBe(2);
  });
});
