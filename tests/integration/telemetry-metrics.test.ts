/**
 * GET /metrics after real calls through the gateway core (the fast path) and
 * the fake upstream, parsed by a strict Prometheus text-format parser. The
 * harness mounts only /v1, so /metrics is served here by the same exported
 * handler server.ts mounts before Next.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, readSse, requestId, startGateway, type Gateway } from "../support/gateway";
import { parsePromText, sampleSum, sampleValue } from "../support/prom-text";

let gw: Gateway;
let metricsServer: Server;
let metricsUrl: string;

beforeAll(async () => {
  gw = await startGateway({ PORTICO_ALERT_EVAL_MS: "0", PORTICO_BREAKER_THRESHOLD: "2", PORTICO_BREAKER_COOLDOWN_MS: "60000" });
  const { metricsNodeHandler, isMetricsPath } = await import("@/lib/telemetry/metrics-endpoint");
  metricsServer = createServer((req, res) => {
    if (isMetricsPath(req.url ?? "/")) return metricsNodeHandler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => metricsServer.listen(0, "127.0.0.1", r));
  metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  await new Promise<void>((r) => metricsServer?.close(() => r()));
  await gw?.close();
});

async function scrape(headers: Record<string, string> = {}) {
  // rows reach the flush histogram only once written
  (await gw.m.logWriter.logWriter().flush());
  const res = await fetch(metricsUrl, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePromText(await res.text());
}

describe("/metrics", () => {
  it("counts requests, tokens, cost, durations, TTFT, attempts, retries and refusals", async () => {
    await gw.routeTo("mx", [{ type: "openai", upstreamModel: "mx-ok", inputPricePerM: 1, outputPricePerM: 2 }]);
    await gw.routeTo("mxfo", [{ type: "openai", upstreamModel: "mxfo-fault-500" }, { type: "anthropic", upstreamModel: "mxfo-ok" }], "fallback", {
      attemptsPerTarget: 2,
      backoffBaseMs: 5,
      backoffMaxMs: 10,
    });
    for (let i = 0; i < 3; i++) {
      const res = await gw.post("/v1/chat/completions", chatBody("mx"), { headers: { "x-request-id": requestId("mx") } });
      expect(res.status).toBe(200);
      await res.json();
    }
    const s = await gw.post("/v1/chat/completions", chatBody("mx", { stream: true, stream_options: { include_usage: true } }));
    expect(s.status).toBe(200);
    await readSse(s);
    const fo = await gw.post("/v1/chat/completions", chatBody("mxfo"));
    expect(fo.status).toBe(200);
    await fo.json();
    const refused = await gw.post("/v1/chat/completions", chatBody("mx"), { key: "pk_not_a_real_key" });
    expect(refused.status).toBe(401);
    await refused.text();

    const fam = await scrape();
    for (const f of fam.values()) expect(f.help, `HELP of ${f.name}`).toBeTruthy();
    const mx = { endpoint: "chat.completions", api: "harness", route: "mx", model: "mx-ok", provider: "openai" };
    expect(sampleValue(fam, "portico_requests_total", { ...mx, status: "200", outcome: "ok" })).toBe(4);
    expect(sampleValue(fam, "portico_requests_total", { route: "mxfo", provider: "anthropic", status: "200" })).toBe(1);
    expect(sampleValue(fam, "portico_requests_total", { route: "", status: "401", outcome: "refused" })).toBe(1);

    const tokensIn = sampleValue(fam, "portico_tokens_total", { type: "input", route: "mx" })!;
    const tokensOut = sampleValue(fam, "portico_tokens_total", { type: "output", route: "mx" })!;
    expect(tokensIn).toBeGreaterThan(0);
    expect(tokensOut).toBeGreaterThan(0);
    // cost at list price: $1/M in, $2/M out
    expect(sampleValue(fam, "portico_cost_usd_total", { route: "mx" })).toBeCloseTo((tokensIn * 1 + tokensOut * 2) / 1e6, 12);

    expect(sampleValue(fam, "portico_request_duration_seconds_count", { route: "mx", stream: "false" })).toBe(3);
    expect(sampleValue(fam, "portico_request_duration_seconds_count", { route: "mx", stream: "true" })).toBe(1);
    expect(sampleValue(fam, "portico_request_duration_seconds_bucket", { route: "mx", stream: "false", le: "+Inf" })).toBe(3);
    expect(sampleValue(fam, "portico_ttft_seconds_count", { route: "mx" })).toBe(1);

    // fall-over route: 500, 500 on openai, then 200 on anthropic
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "openai", result: "500" })).toBe(2);
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "anthropic", result: "200" })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_retries_total", { route: "mxfo", kind: "retry" })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_retries_total", { route: "mxfo", kind: "fallover" })).toBe(1);

    // the log writer flushed at least once, and its queue is drained
    expect(sampleValue(fam, "portico_log_writer_flush_seconds_count")).toBeGreaterThan(0);
    expect(sampleValue(fam, "portico_log_writer_rows_total")).toBeGreaterThanOrEqual(6);
    expect(sampleValue(fam, "portico_log_writer_queue_depth")).toBe(0);
  });

  it("shows circuit state per target and counts openings", async () => {
    await gw.routeTo("mxcb", [{ type: "openai", upstreamModel: "mxcb-fault-503" }], "single", { attemptsPerTarget: 1 });
    for (let i = 0; i < 3; i++) await (await gw.post("/v1/chat/completions", chatBody("mxcb"))).text();
    const fam = await scrape();
    // (the fall-over test above already opened mxfo's first target: threshold 2)
    const modelId = await gw.modelFor({ type: "openai", upstreamModel: "mxcb-fault-503" });
    const targets = fam.get("portico_circuit_state")!.samples.filter((s) => s.labels.model === modelId);
    expect(targets).toHaveLength(1);
    expect(targets[0]!.value).toBe(2);
    expect(targets[0]!.labels.provider).toBe("openai");
    expect(sampleValue(fam, "portico_circuit_opened_total", { target: targets[0]!.labels.target! })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "openai", result: "circuit_open" })).toBe(1);
    expect(sampleSum(fam, "portico_requests_total", { route: "mxcb", status: "503" })).toBe(3);
  });

  it("counts refusals and cache hits reported by other parts through metrics()", async () => {
    const { metrics } = await import("@/lib/telemetry/metrics");
    metrics().refusals.inc({ reason: "budget", scope: "team" });
    metrics().cacheHits.inc({ route: "mx" });
    const fam = await scrape();
    expect(sampleValue(fam, "portico_refusals_total", { reason: "budget", scope: "team" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(fam, "portico_cache_hits_total", { route: "mx" })).toBeGreaterThanOrEqual(1);
  });

  it("requires the bearer token when PORTICO_METRICS_TOKEN is set, on both mounts", async () => {
    process.env.PORTICO_METRICS_TOKEN = "scrape-secret";
    try {
      expect((await fetch(metricsUrl)).status).toBe(401);
      expect((await fetch(metricsUrl, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const fam = await scrape({ authorization: "Bearer scrape-secret" });
      expect(fam.has("portico_requests_total")).toBe(true);
      // the Next mount (app/metrics/route.ts)
      const { GET } = await import("@/app/metrics/route");
      expect((await GET(new Request("http://x/metrics"))).status).toBe(401);
      const ok = await GET(new Request("http://x/metrics", { headers: { authorization: "Bearer scrape-secret" } }));
      expect(ok.status).toBe(200);
      const body = await ok.text();
      expect(parsePromText(body).get("portico_requests_total")!.samples.length).toBeGreaterThan(0);
    } finally {
      delete process.env.PORTICO_METRICS_TOKEN;
    }
    expect((await fetch(metricsUrl, { method: "POST" })).status).toBe(405);
  });
});
