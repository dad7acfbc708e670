/**
 * Response cache and idempotency on prompt APIs (POST /v1/apis/{slug}; docs/traffic-policy.md,
 * docs/prompt-apis.md) through the real gateway against the fake upstream: miss then hit
 * (one upstream call, hit logged at zero cost with the saved cost), Cache-Control: no-cache,
 * other variables and a new version miss, an API-scoped policy, stream skip / stream replay,
 * idempotent replay + 422 + 409.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse, requestId, startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let P: typeof import("@/lib/services/prompts");
let svc: typeof import("@/lib/services/content-policies");

const PRICE = { inputPricePerM: 1000, outputPricePerM: 2000 };

const spec = (routeAlias: string, userTemplate = "Summarize: {{ticket}} ({{tone}})") => ({
  routeAlias,
  params: { temperature: 0 },
  userTemplate,
  variables: [
    { name: "ticket", type: "string", required: true },
    { name: "tone", type: "enum", required: false, default: "neutral", enumValues: ["neutral", "friendly"] },
  ],
  outputMode: "text",
  streaming: true,
});

/** A published prompt API of the harness team, the harness app subscribed. */
async function promptApi(slug: string, s: Record<string, unknown>) {
  const a = (await gw.m.apis.createApi({ actor: gw.actor, input: { slug, name: slug, teamId: gw.harness.teamId, kind: "prompt", approvalMode: "auto", reasonRequired: false, description: slug } }));
  (await gw.m.apis.setApiState({ actor: gw.actor, id: a.id, input: { state: "published" } }));
  (await P.savePromptDraft({ actor: gw.actor, apiId: a.id, input: s }));
  (await P.publishPrompt({ actor: gw.actor, apiId: a.id, input: { note: "v1" } }));
  (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: gw.harness.appId, apiId: a.id } }));
  return a;
}

const call = (slug: string, body: unknown, headers: Record<string, string> = {}) => gw.post(`/v1/apis/${slug}`, body, { headers: { "x-request-id": requestId("pc"), ...headers } });

beforeAll(async () => {
  gw = await startGateway();
  P = await import("@/lib/services/prompts");
  svc = await import("@/lib/services/content-policies");
});
afterAll(() => gw?.close());

describe("prompt API response cache", () => {
  const slug = "cached-summary";
  const up = "prompt-cache-up";
  let apiId = "";
  beforeAll(async () => {
    const r = await gw.routeTo("pc-route", [{ type: "openai", upstreamModel: up, ...PRICE }]);
    (await svc.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: r.id, cacheEnabled: true, cacheTtlSeconds: 60 } }));
    apiId = (await promptApi(slug, spec("pc-route"))).id;
  });

  it("miss, then hit on the same validated variables (defaults applied, any key order): one upstream call", async () => {
    const r1 = requestId("m");
    const a = await call(slug, { ticket: "Printer on fire", tone: "neutral" }, { "x-request-id": r1 });
    const ab = (await a.json()) as Wire;
    expect(a.status, JSON.stringify(ab)).toBe(200);
    expect(a.headers.get("x-portico-cache")).toBe("miss");

    const r2 = requestId("h");
    const b = await call(slug, { ticket: "Printer on fire" }, { "x-request-id": r2 }); // tone defaults to neutral
    const bb = (await b.json()) as Wire;
    expect(b.status).toBe(200);
    expect(b.headers.get("x-portico-cache")).toBe("hit");
    expect(b.headers.get("portico-prompt-version")).toBe("1");
    expect(b.headers.get("x-portico-attempts")).toBe("0");
    expect(bb).toMatchObject({ output: ab.output, usage: ab.usage, version: 1, request_id: r2, cost_usd: 0 });
    expect(gw.requestsFor(up)).toHaveLength(1);

    const miss = await gw.logRow(r1);
    const hit = await gw.logRow(r2);
    expect(miss).toMatchObject({ cache: "miss", endpoint: "prompt", apiId });
    expect(miss.costUsd).toBeGreaterThan(0);
    expect(hit).toMatchObject({ cache: "hit", status: 200, outcome: "ok", costUsd: 0, apiId });
    expect(hit.savedCostUsd).toBeCloseTo(miss.costUsd, 10);
  });

  it("Cache-Control: no-cache skips the lookup", async () => {
    const before = gw.requestsFor(up).length;
    const s = await call(slug, { ticket: "Printer on fire" }, { "cache-control": "no-cache" });
    expect(s.status).toBe(200);
    expect(s.headers.get("x-portico-cache")).toBe("skip");
    expect(gw.requestsFor(up)).toHaveLength(before + 1);
  });

  it("different variables are a different entry", async () => {
    const before = gw.requestsFor(up).length;
    const r = await call(slug, { ticket: "Printer on fire", tone: "friendly" });
    expect(r.headers.get("x-portico-cache")).toBe("miss");
    expect(gw.requestsFor(up)).toHaveLength(before + 1);
  });

  it("a stream is skipped unless stream replay is on", async () => {
    const res = await call(slug, { ticket: "Printer on fire" }, { accept: "text/event-stream" });
    expect(res.headers.get("x-portico-cache")).toBe("skip");
    expect((await readSse(res)).at(-1)!.event).toBe("done");
  });

  it("a new version is a different entry", async () => {
    (await P.savePromptDraft({ actor: gw.actor, apiId, input: spec("pc-route", "Summarize briefly: {{ticket}} ({{tone}})") }));
    (await P.publishPrompt({ actor: gw.actor, apiId, input: { note: "v2" } }));
    const before = gw.requestsFor(up).length;
    const r = await call(slug, { ticket: "Printer on fire" });
    expect(r.headers.get("x-portico-cache")).toBe("miss");
    expect(((await r.json()) as Wire).version).toBe(2);
    expect(gw.requestsFor(up)).toHaveLength(before + 1);
    // v1 pinned still hits its own entry
    const pinned = await call(slug, { ticket: "Printer on fire" }, { "portico-prompt-version": "1" });
    expect(pinned.headers.get("x-portico-cache")).toBe("hit");
    expect(gw.requestsFor(up)).toHaveLength(before + 1);
  });
});

describe("prompt API cache: API-scoped policy and stream replay", () => {
  it("an API policy with stream replay answers a stream from a cached answer", async () => {
    const up = "prompt-replay-up";
    await gw.routeTo("pc-replay", [{ type: "openai", upstreamModel: up, ...PRICE }]);
    const a = (await promptApi("replayed-summary", spec("pc-replay")));
    (await svc.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "api", scopeId: a.id, cacheEnabled: true, cacheTtlSeconds: 60, cacheStreamReplay: true } }));
    const first = (await (await call("replayed-summary", { ticket: "Disk full" })).json()) as Wire;
    const res = await call("replayed-summary", { ticket: "Disk full" }, { accept: "text/event-stream" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portico-cache")).toBe("hit");
    const events = await readSse(res);
    const text = events.filter((e) => !e.event).map((e) => (JSON.parse(e.data) as Wire).delta).join("");
    expect(text).toBe(first.output);
    const done = JSON.parse(events.at(-1)!.data) as Wire;
    expect(events.at(-1)!.event).toBe("done");
    expect(done).toMatchObject({ usage: first.usage, cost_usd: 0, version: 1 });
    expect(gw.requestsFor(up)).toHaveLength(1);
  });
});

describe("prompt API idempotency", () => {
  const slug = "idem-summary";
  const up = "prompt-idem-delay-300";
  beforeAll(async () => {
    await gw.routeTo("pc-idem", [{ type: "openai", upstreamModel: up, ...PRICE }]);
    (await promptApi(slug, spec("pc-idem")));
  });

  it("replays the first answer for the same key and body, never charging twice", async () => {
    const key = `pidem-${Date.now()}`;
    const r1 = requestId("i1");
    const a = await call(slug, { ticket: "Late invoice" }, { "idempotency-key": key, "x-request-id": r1 });
    const ab = await a.text();
    expect(a.status, ab).toBe(200);
    expect(a.headers.get("idempotent-replayed")).toBeNull();
    const r2 = requestId("i2");
    const b = await call(slug, { ticket: "Late invoice" }, { "idempotency-key": key, "x-request-id": r2 });
    expect(b.status).toBe(200);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.headers.get("x-request-id")).toBe(r2);
    expect(await b.text()).toBe(ab);
    expect(gw.requestsFor(up)).toHaveLength(1);
    const first = await gw.logRow(r1);
    const replay = await gw.logRow(r2);
    expect(first.costUsd).toBeGreaterThan(0);
    expect(replay.costUsd).toBe(0);
    expect(replay.savedCostUsd).toBeCloseTo(first.costUsd, 10);
    expect(replay.flags).toContain("idempotent_replay");
  });

  it("the same key with a different body is 422", async () => {
    const key = `pidem-body-${Date.now()}`;
    expect((await call(slug, { ticket: "One" }, { "idempotency-key": key })).status).toBe(200);
    const res = await call(slug, { ticket: "Two" }, { "idempotency-key": key });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Wire).error.code).toBe("idempotency_key_reused");
  });

  it("a concurrent duplicate while the first is in flight is 409", async () => {
    const key = `pidem-race-${Date.now()}`;
    const before = gw.requestsFor(up).length;
    const [a, b] = await Promise.all([
      call(slug, { ticket: "Race" }, { "idempotency-key": key }),
      new Promise((r) => setTimeout(r, 50)).then(() => call(slug, { ticket: "Race" }, { "idempotency-key": key })),
    ]);
    expect([a.status, b.status]).toEqual([200, 409]);
    expect(((await b.json()) as Wire).error.code).toBe("idempotency_in_flight");
    expect(gw.requestsFor(up)).toHaveLength(before + 1);
    const c = await call(slug, { ticket: "Race" }, { "idempotency-key": key });
    expect(c.headers.get("idempotent-replayed")).toBe("true");
  });
});
