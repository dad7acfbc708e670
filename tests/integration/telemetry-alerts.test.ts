/**
 * Alerts end to end: rules created through the admin API handlers, real calls
 * through the gateway core, the log writer's flush feeding the evaluator, an
 * error-rate alert firing and resolving with both notifications delivered to a
 * local webhook receiver (Slack-compatible and Portico signed JSON), and a
 * circuit-opened alert raised by the breaker signal without waiting for the timer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac } from "node:crypto";
import { chatBody, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let receiver: Server;
let hookBase: string;
const deliveries: { path: string; headers: IncomingHttpHeaders; raw: string; body: Wire }[] = [];
let token: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      const raw = Buffer.concat(parts).toString("utf8");
      deliveries.push({ path: req.url ?? "", headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The 15 s timer is off: the test evaluates when it wants (signals still evaluate at once).
  // The receiver is on loopback, which alert webhooks refuse by default (SSRF guard): allow it for this suite.
  gw = await startGateway({ PORTICO_ALERT_EVAL_MS: "0", PORTICO_BREAKER_THRESHOLD: "3", PORTICO_BREAKER_COOLDOWN_MS: "60000", PORTICO_WEBHOOK_ALLOW_HOSTS: "127.0.0.1" });
  const { createAdminToken } = await import("@/lib/services/admin-tokens");
  token = (await createAdminToken({ actor: gw.actor, input: { name: "alerts it" } })).token;
});
afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(handler: Handler, method: string, path: string, body?: unknown, params: Record<string, string> = {}) {
  const res = await handler(
    new Request("http://localhost" + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { params: Promise.resolve(params) },
  );
  return { status: res.status, body: (await res.json()) as Wire };
}

async function chat(alias: string) {
  const res = await gw.post("/v1/chat/completions", chatBody(alias));
  await res.text();
  return res.status;
}

async function evaluate() {
  (await gw.m.logWriter.logWriter().flush());
  const { evaluateAlertsNow } = await import("@/lib/alerts/engine");
  const { alertDeliveriesIdle } = await import("@/lib/alerts/notify");
  const t = await evaluateAlertsNow();
  await alertDeliveriesIdle();
  return t;
}

/**
 * The deliveries to `path` once a signal's evaluation (50 ms after the signal, no timer) has
 * delivered: polls the receiver, waiting for the delivery queue in between, for at most 3 s.
 */
async function signalledDeliveries(path: string) {
  const { alertDeliveriesIdle } = await import("@/lib/alerts/notify");
  const t0 = Date.now();
  while (!deliveries.some((d) => d.path === path) && Date.now() - t0 < 3000) {
    await sleep(20);
    await alertDeliveriesIdle();
  }
  return deliveries.filter((d) => d.path === path);
}

describe("alert rules API", () => {
  it("validates rules (422 with field details) and never returns the secret", async () => {
    const rules = (await import("@/app/api/admin/alerts/rules/route")) as unknown as { POST: Handler; GET: Handler };
    const bad = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "x", kind: "error_rate", threshold: 150, dimension: "team" });
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.map((d: Wire) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["dimension", "threshold"]));
    const badUrl = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "x", kind: "circuit_open", webhookUrl: "ftp://nope" });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.error.details[0].field).toBe("webhookUrl");
  });
});

describe("error rate alert", () => {
  it("fires, notifies Slack and a signed Portico webhook, then resolves and notifies again", async () => {
    const rules = (await import("@/app/api/admin/alerts/rules/route")) as unknown as { POST: Handler; GET: Handler };
    const slack = await call(rules.POST, "POST", "/api/admin/alerts/rules", {
      name: "alr route failing",
      kind: "error_rate",
      threshold: 50,
      windowMinutes: 1,
      minRequests: 4,
      dimension: "route",
      dimensionValue: "alr",
      webhookUrl: `${hookBase}/slack`,
      webhookFormat: "slack",
    });
    expect(slack.status, JSON.stringify(slack.body)).toBe(201);
    const signed = await call(rules.POST, "POST", "/api/admin/alerts/rules", {
      name: "any provider failing",
      kind: "error_rate",
      threshold: 50,
      windowMinutes: 1,
      minRequests: 4,
      dimension: "provider",
      webhookUrl: `${hookBase}/portico`,
      webhookFormat: "portico",
      webhookSecret: "alert-signing-secret-123",
    });
    expect(signed.status).toBe(201);
    expect(signed.body.hasSecret).toBe(true);
    expect(JSON.stringify(signed.body)).not.toContain("alert-signing-secret-123");

    // 4 failures out of 6, never 3 in a row (the breaker stays closed)
    const model = "alr-model";
    await gw.routeTo("alr", [{ type: "openai", upstreamModel: model }], "single", { attemptsPerTarget: 1 });
    const fail = { kind: "fault" as const, name: "fault-500" };
    const ok = { kind: "ok" as const };
    gw.fake.script(model, [fail, fail, ok, fail, fail, ok]);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await chat("alr"));
    expect(statuses).toEqual([500, 500, 200, 500, 500, 200]);

    const fired = await evaluate();
    expect(fired.map((t) => [t.subject.split(":")[0], t.to]).sort()).toEqual([
      ["provider", "firing"],
      ["route", "firing"],
    ]);

    const list = (await import("@/app/api/admin/alerts/route")) as unknown as { GET: Handler };
    const firing = await call(list.GET, "GET", "/api/admin/alerts?state=firing");
    expect(firing.status).toBe(200);
    expect(firing.body.firing).toBe(2);
    const routeAlert = firing.body.items.find((a: Wire) => a.subject === "route:alr");
    expect(routeAlert).toMatchObject({ state: "firing", kind: "error_rate", ruleName: "alr route failing", subjectLabel: "route alr", threshold: 50 });
    expect(routeAlert.value).toBeCloseTo(66.7, 1);
    expect(routeAlert.notifyStatus).toBe(200);
    const count = (await import("@/app/api/admin/alerts/firing-count/route")) as unknown as { GET: Handler };
    expect((await call(count.GET, "GET", "/api/admin/alerts/firing-count")).body).toEqual({ count: 2 });

    // Slack: {text}
    const s1 = deliveries.filter((d) => d.path === "/slack");
    expect(s1).toHaveLength(1);
    expect(Object.keys(s1[0]!.body)).toEqual(["text"]);
    expect(s1[0]!.body.text).toContain("*FIRING* alr route failing");
    expect(s1[0]!.body.text).toContain("Error rate 66.7% > 50%");
    // Portico: signed JSON event
    const p1 = deliveries.filter((d) => d.path === "/portico");
    expect(p1).toHaveLength(1);
    expect(p1[0]!.headers["x-portico-event"]).toBe("alert.firing");
    const ts = String(p1[0]!.headers["x-portico-timestamp"]);
    const want = "sha256=" + createHmac("sha256", "alert-signing-secret-123").update(`${ts}.${p1[0]!.raw}`).digest("hex");
    expect(p1[0]!.headers["x-portico-signature"]).toBe(want);
    expect(p1[0]!.body).toMatchObject({ type: "alert.firing", data: { alert: { state: "firing", kind: "error_rate", subjectLabel: "provider openai" }, rule: { name: "any provider failing" } } });

    // nothing new while it stays bad
    expect(await evaluate()).toEqual([]);
    expect(deliveries).toHaveLength(2);

    // recovery: 10 good calls → 4 of 16 = 25%
    for (let i = 0; i < 10; i++) expect(await chat("alr")).toBe(200);
    const resolved = await evaluate();
    expect(resolved.map((t) => t.to)).toEqual(["resolved", "resolved"]);
    const s2 = deliveries.filter((d) => d.path === "/slack");
    expect(s2).toHaveLength(2);
    expect(s2[1]!.body.text).toContain("*RESOLVED* alr route failing");
    const p2 = deliveries.filter((d) => d.path === "/portico");
    expect(p2[1]!.headers["x-portico-event"]).toBe("alert.resolved");
    expect(p2[1]!.body.data.alert.state).toBe("resolved");

    const history = await call(list.GET, "GET", "/api/admin/alerts?state=resolved");
    expect(history.body.items.map((a: Wire) => a.subject).sort()).toEqual(expect.arrayContaining(["route:alr"]));
    const again = history.body.items.find((a: Wire) => a.subject === "route:alr");
    expect(again.resolvedAt).toBeGreaterThanOrEqual(again.startedAt);
    expect((await call(count.GET, "GET", "/api/admin/alerts/firing-count")).body).toEqual({ count: 0 });
  });
});

describe("circuit opened alert", () => {
  it("fires from the breaker's signal without waiting for the evaluation timer", async () => {
    const rules = (await import("@/app/api/admin/alerts/rules/route")) as unknown as { POST: Handler; GET: Handler };
    const created = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "breaker", kind: "circuit_open", webhookUrl: `${hookBase}/cb`, webhookFormat: "slack" });
    expect(created.status).toBe(201);
    await gw.routeTo("alrcb", [{ type: "anthropic", upstreamModel: "alrcb-fault-503" }], "single", { attemptsPerTarget: 1 });
    for (let i = 0; i < 3; i++) await chat("alrcb");
    const cb = await signalledDeliveries("/cb");
    expect(cb).toHaveLength(1);
    expect(cb[0]!.body.text).toContain("*FIRING* breaker");
    expect(cb[0]!.body.text).toContain("is open");

    const one = (await import("@/app/api/admin/alerts/rules/[id]/route")) as unknown as { GET: Handler; PATCH: Handler; DELETE: Handler };
    const got = await call(one.GET, "GET", `/api/admin/alerts/rules/${created.body.id}`, undefined, { id: created.body.id });
    expect(got.body.firing).toBe(1);

    // disabling the rule closes its alert at the next evaluation (quietly: no webhook)
    const patched = await call(one.PATCH, "PATCH", `/api/admin/alerts/rules/${created.body.id}`, { enabled: false }, { id: created.body.id });
    expect(patched.status).toBe(200);
    const t = await evaluate();
    expect(t).toEqual([expect.objectContaining({ ruleId: created.body.id, to: "resolved" })]);
    expect(deliveries.filter((d) => d.path === "/cb")).toHaveLength(1);

    const del = await call(one.DELETE, "DELETE", `/api/admin/alerts/rules/${created.body.id}`, undefined, { id: created.body.id });
    expect(del.status).toBe(200);
    const list = (await import("@/app/api/admin/alerts/route")) as unknown as { GET: Handler };
    const kept = await call(list.GET, "GET", "/api/admin/alerts?limit=1");
    // history survives the rule's deletion
    expect(kept.body.items).toHaveLength(1);
    expect(kept.body.nextCursor).toBeTruthy();
    const page2 = await call(list.GET, "GET", `/api/admin/alerts?limit=50&cursor=${encodeURIComponent(kept.body.nextCursor)}`);
    expect(page2.body.items.length).toBeGreaterThanOrEqual(2);
    expect(page2.body.items.some((a: Wire) => a.id === kept.body.items[0].id)).toBe(false);
  });

  it("fires a budget rule from real calls' spend, at the flush that crossed it (no evaluation timer)", async () => {
    const rules = (await import("@/app/api/admin/alerts/rules/route")) as unknown as { POST: Handler; GET: Handler };
    const created = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "spend", kind: "budget", threshold: 50, dimension: "key", webhookUrl: `${hookBase}/bud`, webhookFormat: "slack" });
    expect(created.status).toBe(201);
    // a mock answer costs ~$0.0002 here ($10 per 1M output tokens): one call takes a $0.00025 budget past 50%
    await gw.routeTo("alrbud", [{ type: "mock", upstreamModel: "alrbud-up", inputPricePerM: 0, outputPricePerM: 10 }]);
    const k = await gw.newKey({ name: "spend key" });
    const svc = await import("@/lib/policy/services");
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "month", limitUsd: 0.00025 } }));
    expect((await gw.post("/v1/chat/completions", chatBody("alrbud"), { key: k.key })).status).toBe(200);
    (await gw.m.logWriter.logWriter().flush());
    const bud = await signalledDeliveries("/bud");
    expect(bud).toHaveLength(1);
    expect(bud[0]!.body.text).toContain("*FIRING* spend");
    expect(bud[0]!.body.text).toMatch(/key spend key spent \$0\.000\d+ of its \$0\.00025 budget \(month\): \d+(\.\d)?% ≥ 50%/);
    const one = (await import("@/app/api/admin/alerts/rules/[id]/route")) as unknown as { DELETE: Handler };
    expect((await call(one.DELETE, "DELETE", `/api/admin/alerts/rules/${created.body.id}`, undefined, { id: created.body.id })).status).toBe(200);
  });

  it("sends a test notification on request", async () => {
    const rules = (await import("@/app/api/admin/alerts/rules/route")) as unknown as { POST: Handler };
    const created = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "test me", kind: "circuit_open", webhookUrl: `${hookBase}/test`, webhookFormat: "portico" });
    const test = (await import("@/app/api/admin/alerts/rules/[id]/test/route")) as unknown as { POST: Handler };
    const r = await call(test.POST, "POST", `/api/admin/alerts/rules/${created.body.id}/test`, undefined, { id: created.body.id });
    expect(r.body).toEqual({ delivered: true, status: 200, error: null });
    expect(deliveries.find((d) => d.path === "/test")!.body.type).toBe("alert.test");
  });
});

describe("alert webhooks and the SSRF guard", () => {
  it("refuses a private webhook URL at save time (422 webhookUrl) and at delivery (no request, reason in the result)", async () => {
    const rules = (await import("@/app/api/admin/alerts/rules/route")) as unknown as { POST: Handler };
    const test = (await import("@/app/api/admin/alerts/rules/[id]/test/route")) as unknown as { POST: Handler };
    const meta = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "meta", kind: "circuit_open", webhookUrl: "http://169.254.169.254/latest/meta-data/" });
    expect(meta.status).toBe(422);
    expect(meta.body.error.details[0].field).toBe("webhookUrl");
    expect(meta.body.error.message).toMatch(/link-local/);
    // Saved while allowed, then the allowance is withdrawn: delivery checks the address again.
    const created = await call(rules.POST, "POST", "/api/admin/alerts/rules", { name: "was allowed", kind: "circuit_open", webhookUrl: `${hookBase}/withdrawn` });
    expect(created.status).toBe(201);
    const saved = process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
    delete process.env.PORTICO_WEBHOOK_ALLOW_HOSTS;
    try {
      const r = await call(test.POST, "POST", `/api/admin/alerts/rules/${created.body.id}/test`, undefined, { id: created.body.id });
      expect(r.body).toMatchObject({ delivered: false, status: null });
      expect(r.body.error).toMatch(/^refused: .*loopback/);
      expect(deliveries.some((d) => d.path === "/withdrawn")).toBe(false);
    } finally {
      process.env.PORTICO_WEBHOOK_ALLOW_HOSTS = saved;
    }
  });
});
