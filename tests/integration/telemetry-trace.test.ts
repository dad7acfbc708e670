/**
 * W3C trace context through the real gateway core: the caller's traceparent
 * reaches the fake upstream (same trace, a child span id per attempt), a new
 * trace starts when there is none, and with OTEL_EXPORTER_OTLP_ENDPOINT set a
 * local collector receives the request's span tree as OTLP/HTTP JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, readSse, startGateway, type Gateway, type Wire } from "../support/gateway";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status: { code: number; message?: string };
  traceState?: string;
}

let gw: Gateway;
let collector: Server;
const posts: { path: string; contentType: string | undefined; body: Wire }[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      posts.push({ path: req.url ?? "", contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(parts).toString("utf8")) });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  gw = await startGateway({
    PORTICO_ALERT_EVAL_MS: "0",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    OTEL_SERVICE_NAME: "portico-it",
    OTEL_BSP_SCHEDULE_DELAY: "50",
  });
});
afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => collector?.close(() => r()));
});

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const PARENT = "b7ad6b7169203331";
const TP = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

async function exportedSpans(): Promise<OtlpSpan[]> {
  const { flushTraces } = await import("@/lib/telemetry/otlp");
  await flushTraces();
  return posts.flatMap((p) => p.body.resourceSpans.flatMap((rs: Wire) => rs.scopeSpans.flatMap((ss: Wire) => ss.spans as OtlpSpan[])));
}
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};
function upstreamTraceparent(model: string, i = 0): string {
  const r = gw.requestsFor(model)[i];
  if (!r) throw new Error(`no upstream request for ${model}`);
  return String(r.headers.traceparent);
}

describe("traceparent propagation", () => {
  it("continues the caller's trace to the upstream with the attempt's own span id, and passes tracestate", async () => {
    await gw.routeTo("tr", [{ type: "openai", upstreamModel: "tr-ok" }]);
    const res = await gw.post("/v1/chat/completions", chatBody("tr"), { headers: { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "vendor=abc" } });
    expect(res.status).toBe(200);
    await res.json();
    const m = TP.exec(upstreamTraceparent("tr-ok"))!;
    expect(m).toBeTruthy();
    expect(m[1]).toBe(TRACE);
    expect(m[2]).not.toBe(PARENT);
    expect(m[3]).toBe("01");
    expect(gw.requestsFor("tr-ok")[0]!.headers.tracestate).toBe("vendor=abc");
  });

  it("starts a new trace when the caller sends none (or an invalid one)", async () => {
    await gw.routeTo("tr2", [{ type: "anthropic", upstreamModel: "tr2-ok" }]);
    await (await gw.post("/v1/chat/completions", chatBody("tr2"))).json();
    await (await gw.post("/v1/chat/completions", chatBody("tr2"), { headers: { traceparent: "garbage" } })).json();
    const a = TP.exec(upstreamTraceparent("tr2-ok", 0))!;
    const b = TP.exec(upstreamTraceparent("tr2-ok", 1))!;
    expect(a[1]).not.toBe(b[1]);
    expect(a[1]).not.toBe(TRACE);
    expect(a[3]).toBe("01"); // sampled: this process exports
  });

  it("gives every retry its own span id within one trace", async () => {
    await gw.routeTo("tr3", [{ type: "openai", upstreamModel: "tr3-fault-500-once" }], "single", { attemptsPerTarget: 2, backoffBaseMs: 5, backoffMaxMs: 10 });
    const res = await gw.post("/v1/chat/completions", chatBody("tr3"), { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    expect(res.status).toBe(200);
    await res.json();
    const [first, second] = [TP.exec(upstreamTraceparent("tr3-fault-500-once", 0))!, TP.exec(upstreamTraceparent("tr3-fault-500-once", 1))!];
    expect(first[1]).toBe(TRACE);
    expect(second[1]).toBe(TRACE);
    expect(first[2]).not.toBe(second[2]);
  });

  it("propagates on embeddings and on streams too", async () => {
    await gw.routeTo("tremb", [{ type: "openai", upstreamModel: "tremb-ok", kind: "embedding" }]);
    const e = await gw.post("/v1/embeddings", { model: "tremb", input: "hello" }, { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    expect(e.status).toBe(200);
    await e.json();
    expect(TP.exec(upstreamTraceparent("tremb-ok"))![1]).toBe(TRACE);
    await gw.routeTo("trs", [{ type: "gemini", upstreamModel: "trs-ok" }]);
    const s = await gw.post("/v1/chat/completions", chatBody("trs", { stream: true }), { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    await readSse(s);
    expect(TP.exec(upstreamTraceparent("trs-ok"))![1]).toBe(TRACE);
  });

  it("keeps an unsampled caller unsampled (flag 00) and exports nothing for it", async () => {
    const unsampled = "1234567890abcdef1234567890abcdef";
    await gw.routeTo("tr4", [{ type: "openai", upstreamModel: "tr4-ok" }]);
    await (await gw.post("/v1/chat/completions", chatBody("tr4"), { headers: { traceparent: `00-${unsampled}-${PARENT}-00` } })).json();
    expect(TP.exec(upstreamTraceparent("tr4-ok"))![3]).toBe("00");
    const spans = await exportedSpans();
    expect(spans.some((s) => s.traceId === unsampled)).toBe(false);
  });
});

describe("OTLP export", () => {
  it("sends a server span with a child per pipeline stage and per upstream attempt to the collector", async () => {
    const trace = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb";
    await gw.routeTo("trx", [{ type: "openai", upstreamModel: "trx-fault-502-once" }], "single", { attemptsPerTarget: 2, backoffBaseMs: 5, backoffMaxMs: 10 });
    const res = await gw.post("/v1/chat/completions", chatBody("trx"), { headers: { traceparent: `00-${trace}-${PARENT}-01`, "x-request-id": "it-trace-export-1" } });
    expect(res.status).toBe(200);
    await res.json();
    const spans = (await exportedSpans()).filter((s) => s.traceId === trace);

    expect(posts[0]!.path).toBe("/v1/traces");
    expect(posts[0]!.contentType).toBe("application/json");
    const resource = posts[0]!.body.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "portico-it" } });

    const root = spans.find((s) => s.kind === 2)!;
    expect(root).toBeTruthy();
    expect(root.name).toBe("POST /v1/chat/completions");
    expect(root.parentSpanId).toBe(PARENT);
    expect(attr(root, "portico.request_id")).toBe("it-trace-export-1");
    expect(attr(root, "http.response.status_code")).toBe("200");
    expect(attr(root, "portico.route")).toBe("trx");
    expect(attr(root, "portico.attempts")).toBe("2");
    expect(root.status.code).toBe(0);
    expect(BigInt(root.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(root.startTimeUnixNano));

    const stages = spans.filter((s) => s.kind === 1).map((s) => s.name);
    // the key is checked before the body is parsed and validated (size and nesting come first, inside authenticate)
    expect(stages).toEqual(["portico.authenticate", "portico.parse", "portico.authorize", "portico.guard", "portico.route", "portico.dispatch"]);
    for (const s of spans) if (s !== root) expect(s.parentSpanId).toBe(root.spanId);

    const attempts = spans.filter((s) => s.kind === 3);
    expect(attempts).toHaveLength(2);
    expect(attempts.map((a) => attr(a, "http.response.status_code"))).toEqual(["502", "200"]);
    expect(attempts[0]!.status.code).toBe(2);
    // the span ids the upstream saw are the attempt spans: the provider's spans nest under them
    const seen = gw.requestsFor("trx-fault-502-once").map((r) => TP.exec(String(r.headers.traceparent))![2]);
    expect(attempts.map((a) => a.spanId)).toEqual(seen);
    // stage spans are ordered and inside the root span
    for (const s of spans) {
      expect(BigInt(s.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(root.startTimeUnixNano));
      expect(BigInt(s.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(root.endTimeUnixNano));
    }
  });

  it("marks failed calls as errors on the server span", async () => {
    const trace = "ccccccccccccccccdddddddddddddddd";
    await gw.routeTo("trf", [{ type: "openai", upstreamModel: "trf-fault-500" }], "single", { attemptsPerTarget: 1 });
    const res = await gw.post("/v1/chat/completions", chatBody("trf"), { headers: { traceparent: `00-${trace}-${PARENT}-01` } });
    expect(res.status).toBe(500);
    await res.json();
    const root = (await exportedSpans()).find((s) => s.traceId === trace && s.kind === 2)!;
    expect(root.status.code).toBe(2);
    expect(attr(root, "error.type")).toBeTruthy();
  });
});
