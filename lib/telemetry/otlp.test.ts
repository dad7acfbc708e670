import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OtlpExporter, configFromEnv, encodeSpans, msToNanos, type SpanData } from "./otlp";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

function span(i: number, extra: Partial<SpanData> = {}): SpanData {
  return {
    traceId: TRACE,
    spanId: (i + 1).toString(16).padStart(16, "0"),
    parentSpanId: i === 0 ? null : "0000000000000001",
    name: i === 0 ? "POST /v1/chat/completions" : `portico.stage${i}`,
    kind: i === 0 ? 2 : 1,
    startMs: 1_800_000_000_000.25 + i,
    endMs: 1_800_000_000_010.5 + i,
    attributes: { "http.response.status_code": 200, "portico.route": "gpt", "portico.cost_usd": 0.0125, "portico.stream": false, "portico.empty": null },
    ...extra,
  };
}

describe("OTLP JSON encoding", () => {
  it("turns epoch ms into exact nanosecond strings", () => {
    expect(msToNanos(1_800_000_000_000)).toBe("1800000000000000000");
    expect(msToNanos(1_800_000_000_000.25)).toBe("1800000000000250000");
    expect(msToNanos(0.000001)).toBe("1");
  });

  it("encodes ExportTraceServiceRequest per the proto3 JSON mapping", () => {
    const body = encodeSpans([span(0, { traceState: "rojo=1", status: { code: 2, message: "boom" } }), span(1)], { serviceName: "portico-test", resource: { "deployment.environment": "ci" } });
    const rs = body.resourceSpans[0]!;
    expect(rs.resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "portico-test" } });
    expect(rs.resource.attributes).toContainEqual({ key: "deployment.environment", value: { stringValue: "ci" } });
    const [root, child] = rs.scopeSpans[0]!.spans;
    expect(rs.scopeSpans[0]!.scope.name).toBe("portico.gateway");
    expect(root).toMatchObject({
      traceId: TRACE,
      spanId: "0000000000000001",
      traceState: "rojo=1",
      name: "POST /v1/chat/completions",
      kind: 2,
      startTimeUnixNano: "1800000000000250000",
      endTimeUnixNano: "1800000000010500000",
      status: { code: 2, message: "boom" },
    });
    expect(root).not.toHaveProperty("parentSpanId");
    // ints as strings (int64), doubles as numbers, booleans as boolValue, nulls left out
    expect(root!.attributes).toEqual([
      { key: "http.response.status_code", value: { intValue: "200" } },
      { key: "portico.route", value: { stringValue: "gpt" } },
      { key: "portico.cost_usd", value: { doubleValue: 0.0125 } },
      { key: "portico.stream", value: { boolValue: false } },
    ]);
    expect(child).toMatchObject({ parentSpanId: "0000000000000001", kind: 1, status: { code: 0 } });
  });

  it("reads the standard OTEL_* variables", () => {
    expect(configFromEnv({})).toBeNull();
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" })).toBeNull();
    const c = configFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc%3D,tenant=t1",
      OTEL_SERVICE_NAME: "edge",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod",
      OTEL_BSP_SCHEDULE_DELAY: "250",
    })!;
    expect(c.url).toBe("http://collector:4318/v1/traces");
    expect(c.headers).toEqual({ "x-api-key": "abc=", tenant: "t1" });
    expect(c.serviceName).toBe("edge");
    expect(c.resource).toEqual({ "deployment.environment": "prod" });
    expect(c.scheduleDelayMs).toBe(250);
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://x/custom" })!.url).toBe("http://x/custom");
  });
});

describe("OtlpExporter against a local collector", () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingMessage["headers"]; body: unknown }[] = [];
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (b: Buffer) => parts.push(b));
      req.on("end", () => {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(parts).toString("utf8")) });
        res.writeHead(status, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const cfg = () => ({ url, headers: { authorization: "Bearer t" }, timeoutMs: 2000, serviceName: "portico", resource: {}, scheduleDelayMs: 30, maxQueue: 5, maxBatch: 2 });

  const spanCounts = () => received.map((r) => (r.body as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans[0]!.scopeSpans[0]!.spans.length);

  it("exports in batches of at most maxBatch, POSTing JSON with the configured headers", async () => {
    received.length = 0;
    const ex = new OtlpExporter(cfg());
    ex.add([span(0), span(1), span(2)]);
    ex.add([span(3), span(4)]);
    await ex.flush();
    expect(ex.exported).toBe(5);
    expect(spanCounts().every((n) => n <= 2)).toBe(true);
    expect(spanCounts().reduce((a, b) => a + b, 0)).toBe(5);
    expect(received[0]!.headers["content-type"]).toBe("application/json");
    expect(received[0]!.headers.authorization).toBe("Bearer t");
  });

  it("drops spans beyond the queue cap instead of growing", async () => {
    received.length = 0;
    const ex = new OtlpExporter({ ...cfg(), maxBatch: 100, scheduleDelayMs: 60_000 });
    ex.add([0, 1, 2, 3, 4, 5, 6].map((i) => span(i)));
    expect(ex.dropped).toBe(2);
    expect(ex.pending).toBe(5);
    await ex.flush();
    expect(spanCounts()).toEqual([5]);
  });

  it("flushes on its schedule without being asked", async () => {
    received.length = 0;
    const ex = new OtlpExporter(cfg());
    ex.add([span(0)]);
    const t0 = Date.now();
    while (!received.length && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
    expect(received).toHaveLength(1);
  });

  it("counts a collector error as a failure and keeps going", async () => {
    received.length = 0;
    status = 503;
    const ex = new OtlpExporter(cfg());
    ex.add([span(0)]);
    await ex.flush();
    expect(ex.failures).toBe(1);
    expect(ex.lastError).toContain("503");
    status = 200;
    ex.add([span(1)]);
    await ex.flush();
    expect(ex.exported).toBe(1);
    expect(ex.lastError).toBeNull();
  });
});
