/**
 * The /metrics text after a few recorded calls, read back through a strict
 * Prometheus text-format parser (tests/support/prom-text.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { parsePromText, sampleSum, sampleValue } from "../../tests/support/prom-text";
import type { CallRecord } from "@/lib/gateway/types";

// Label names come from the config snapshot: a fixed one here, no database.
vi.mock("@/lib/gateway/snapshot", () => ({
  getSnapshot: () => ({
    builtAt: 1,
    keys: new Map(),
    routes: new Map([
      ["gpt", { main: { targets: [{ key: "prv_1:mdl_1", label: "OpenAI/gpt-4o", provider: { id: "prv_1", name: "OpenAI" } }] }, conditions: [] }],
    ]),
    access: { apis: new Map([["api_1", { id: "api_1", slug: "chat-api" }]]) },
  }),
}));

const { metrics, observeCall, metricsText } = await import("./metrics");
const { breakers } = await import("@/lib/gateway/breaker");

function rec(over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: "req_x",
    at: Date.now(),
    endpoint: "chat.completions",
    inbound: "openai",
    keyId: "key_1",
    teamId: "team_1",
    appId: "app_1",
    apiId: "api_1",
    routeAlias: "gpt",
    providerId: "prv_1",
    providerType: "openai",
    modelId: "mdl_1",
    upstreamModel: "gpt-4o",
    stream: false,
    status: 200,
    outcome: "ok",
    attempts: [{ target: "OpenAI/gpt-4o", provider: "prv_1", model: "mdl_1", status: 200, ms: 40 }],
    latencyMs: 42,
    ttftMs: null,
    tokensIn: 10,
    tokensOut: 5,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0.001,
    errorCode: null,
    errorMessage: null,
    ...over,
  };
}

describe("Prometheus metrics", () => {
  it("exposes well-formed text with HELP/TYPE for every family and the recorded values", async () => {
    observeCall(rec());
    observeCall(rec({ stream: true, ttftMs: 120, latencyMs: 900, tokensIn: 20, tokensOut: 30, costUsd: 0.002 }));
    observeCall(
      rec({
        status: 502,
        outcome: "error",
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        attempts: [
          { target: "OpenAI/gpt-4o", provider: "prv_1", model: "mdl_1", status: 500, ms: 10 },
          { target: "OpenAI/gpt-4o", provider: "prv_1", model: "mdl_1", status: null, ms: 10, error: "reset" },
          { target: "Other/x", provider: "prv_2", model: "mdl_2", status: null, ms: 0, error: "circuit open" },
        ],
      }),
    );
    metrics().refusals.inc({ reason: "rate_limit", scope: "key" });
    metrics().cacheHits.inc({ route: "gpt" });
    breakers().failure("prv_1:mdl_1");
    for (let i = 0; i < 10; i++) breakers().failure("prv_1:mdl_1");

    const { contentType, body } = await metricsText();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const fam = parsePromText(body);
    for (const f of fam.values()) {
      expect(f.help, `HELP of ${f.name}`).toBeTruthy();
      expect(f.type, `TYPE of ${f.name}`).not.toBe("untyped");
    }
    expect(fam.get("portico_requests_total")!.type).toBe("counter");
    expect(fam.get("portico_request_duration_seconds")!.type).toBe("histogram");
    expect(fam.get("portico_circuit_state")!.type).toBe("gauge");

    const ok = { endpoint: "chat.completions", api: "chat-api", route: "gpt", model: "gpt-4o", provider: "OpenAI" };
    expect(sampleValue(fam, "portico_requests_total", { ...ok, status: "200", outcome: "ok" })).toBe(2);
    expect(sampleValue(fam, "portico_requests_total", { ...ok, status: "502", outcome: "error" })).toBe(1);
    expect(sampleValue(fam, "portico_tokens_total", { type: "input", route: "gpt" })).toBe(30);
    expect(sampleValue(fam, "portico_tokens_total", { type: "output", route: "gpt" })).toBe(35);
    expect(sampleValue(fam, "portico_cost_usd_total", { route: "gpt" })).toBeCloseTo(0.003, 9);
    expect(sampleSum(fam, "portico_request_duration_seconds_count")).toBe(3);
    expect(sampleValue(fam, "portico_request_duration_seconds_bucket", { stream: "false", le: "0.05" })).toBe(2);
    expect(sampleValue(fam, "portico_ttft_seconds_count", { route: "gpt" })).toBe(1);
    expect(sampleValue(fam, "portico_ttft_seconds_sum", { route: "gpt" })).toBeCloseTo(0.12, 6);
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "OpenAI", result: "200" })).toBe(2);
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "OpenAI", result: "500" })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "OpenAI", result: "network" })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_attempts_total", { provider: "prv_2", result: "circuit_open" })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_retries_total", { route: "gpt", kind: "retry" })).toBe(1);
    expect(sampleValue(fam, "portico_upstream_retries_total", { kind: "fallover" })).toBeUndefined();
    expect(sampleValue(fam, "portico_refusals_total", { reason: "rate_limit", scope: "key" })).toBe(1);
    expect(sampleValue(fam, "portico_cache_hits_total", { route: "gpt" })).toBe(1);
    expect(sampleValue(fam, "portico_circuit_state", { target: "prv_1:mdl_1", provider: "OpenAI", model: "mdl_1" })).toBe(2);
    expect(sampleValue(fam, "portico_log_writer_queue_depth")).toBe(0);
    // default process metrics are there too
    expect(fam.has("process_cpu_seconds_total")).toBe(true);
  });

  it("keeps label values bounded: no request ids in the exposition", async () => {
    observeCall(rec({ id: "req_unique_123456" }));
    const { body } = await metricsText();
    expect(body).not.toContain("req_unique_123456");
    expect(body).not.toContain("req_x");
  });

  it("is one registry per process (in the runtime both bundles share)", async () => {
    const again = await import("./metrics");
    const { runtime } = await import("@/lib/runtime");
    expect(again.metrics()).toBe(metrics());
    expect(runtime().metrics).toBe(metrics());
  });
});
