/**
 * Trace bookkeeping with export off (the default): propagation works, ids are
 * drawn lazily, nothing is recorded, and the call's carriers are cleared.
 */
import { describe, expect, it } from "vitest";
import { beginAttempt, endAttempt, finishTrace, markStage, startTrace, traceOf, upstreamTraceHeaders, withTraceHeaders } from "./trace";
import { Abort } from "@/lib/gateway/abort";
import { newRecord } from "@/lib/gateway/context";
import type { GatewayRequest } from "@/lib/gateway/types";

delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;

function request(headers: Record<string, string> = {}): GatewayRequest {
  return { method: "POST", path: "/v1/chat/completions", query: new URLSearchParams(), headers, body: null, signal: new Abort() };
}
const TP = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

describe("request traces without an exporter", () => {
  it("draws no ids until an upstream needs them, then one span id per attempt", () => {
    const req = request();
    const rec = newRecord("req_1", "chat.completions", "openai");
    const tr = startTrace(req, rec);
    markStage(rec, "parse");
    expect(tr.traceId).toBe("");
    expect(tr.recording).toBe(false);
    expect(tr.stages).toHaveLength(0);
    beginAttempt(rec, "OpenAI/gpt", "OpenAI");
    const up = withTraceHeaders({ url: "http://x", method: "POST" as const, headers: { authorization: "Bearer k" } as Record<string, string> }, req.signal);
    expect(up.headers.authorization).toBe("Bearer k");
    const [, trace, span1, flags] = TP.exec(up.headers.traceparent!)!;
    expect(flags).toBe("00"); // a trace we started and do not export
    endAttempt(rec, 500);
    beginAttempt(rec, "OpenAI/gpt", "OpenAI");
    const [, trace2, span2] = TP.exec(upstreamTraceHeaders(req.signal).traceparent!)!;
    expect(trace2).toBe(trace);
    expect(span2).not.toBe(span1);
    endAttempt(rec, 200);
    expect(tr.attempts).toHaveLength(0);
    finishTrace(rec);
    expect(traceOf(rec)).toBeUndefined();
    expect(traceOf(req.signal)).toBeUndefined();
  });

  it("keeps the caller's trace id and sampled flag, and forwards a sane tracestate", () => {
    const req = request({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "congo=t61rcWkgMzE" });
    const rec = newRecord("req_2", "chat.completions", "openai");
    startTrace(req, rec);
    beginAttempt(rec, "t", "p");
    const h = upstreamTraceHeaders(req.signal);
    const [, trace, span, flags] = TP.exec(h.traceparent!)!;
    expect(trace).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(span).not.toBe("00f067aa0ba902b7");
    expect(flags).toBe("01");
    expect(h.tracestate).toBe("congo=t61rcWkgMzE");
  });

  it("still sends a fresh traceparent for an unknown call", () => {
    expect(TP.test(upstreamTraceHeaders({}).traceparent!)).toBe(true);
  });

  it("never leaks the trace into the log row", () => {
    const req = request();
    const rec = newRecord("req_3", "chat.completions", "openai");
    startTrace(req, rec);
    expect(Object.keys(rec)).not.toContain("trace");
    expect(JSON.stringify(rec)).not.toContain("traceId");
  });
});
