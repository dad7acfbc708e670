/**
 * Per-request tracing for the gateway pipeline.
 *
 * Always on (near-zero cost): accept the caller's W3C `traceparent` (or start a
 * new trace), give each upstream attempt its own span id and send
 * `traceparent: 00-<trace>-<attempt span>-<flags>` (and the caller's
 * `tracestate`) to the provider, so the provider's spans nest under ours.
 *
 * Only when an OTLP endpoint is configured and the trace is sampled: note the
 * time of each pipeline stage and attempt, and at the record stage hand one
 * server span + a child span per stage and per attempt to the batched exporter.
 *
 * The trace hangs off the call's record (`rec`) and its client abort signal
 * (what dispatch/attempt code already holds) under a global symbol: nothing to
 * plumb through the stage signatures, gone with the call. (A symbol property
 * is cheaper than WeakMaps here: no ephemeron bookkeeping for the GC on every
 * request.) Ids are generated only when needed: a call refused before dispatch
 * or served by the mock provider never pays for random ids.
 *
 * Cost with export off, measured on this machine: ~2–3 µs per proxied call.
 */
import type { CallRecord, GatewayRequest } from "@/lib/gateway/types";
import { traceExporter, type SpanData } from "./otlp";
import { formatTraceparent, isSampled, newSpanId, newTraceId, parseTraceparent, sanitizeTracestate } from "./traceparent";

interface Mark {
  name: string;
  start: number;
  end: number;
}

interface AttemptSpan {
  spanId: string;
  target: string;
  provider: string;
  start: number;
  end: number;
  status: number | null;
  error?: string;
}

export interface RequestTrace {
  /** "" until needed (see ids()) */
  traceId: string;
  /** our server span; "" until needed */
  spanId: string;
  parentSpanId: string | null;
  sampled: boolean;
  tracestate: string | null;
  /** the attempt currently talking to the upstream (its span id goes upstream) */
  current: AttemptSpan | null;
  /** the call's client signal (the second carrier) */
  signal: object;
  /** only when exporting: */
  recording: boolean;
  method: string;
  path: string;
  /** epoch ms (fractional) */
  t0: number;
  last: number;
  stages: Mark[];
  attempts: AttemptSpan[];
}

// Symbol.for: the fast-path bundle and Next's bundle each load this module, and the
// record hook (registered once per process) must find traces started by either.
const TRACE = Symbol.for("portico.trace");
type Carrier = { [TRACE]?: RequestTrace };
const traces = {
  get: (key: object): RequestTrace | undefined => (key as Carrier)[TRACE],
  set: (key: object, tr: RequestTrace) => void ((key as Carrier)[TRACE] = tr),
  delete: (key: object) => void ((key as Carrier)[TRACE] = undefined),
};

/** Fills the lazily generated ids. */
function ids(tr: RequestTrace): RequestTrace {
  if (!tr.traceId) tr.traceId = newTraceId();
  if (!tr.spanId) tr.spanId = newSpanId();
  return tr;
}
const now = () => performance.timeOrigin + performance.now();
// shared by calls that do not record: never pushed to (markStage/endAttempt return first)
const NONE: never[] = [];

/** Start of the pipeline: adopt or start the trace. */
export function startTrace(req: GatewayRequest, rec: CallRecord): RequestTrace {
  const inbound = parseTraceparent(req.headers.traceparent);
  const exporter = traceExporter();
  const sampled = inbound ? isSampled(inbound.flags) : exporter !== null;
  const t = now();
  const tr: RequestTrace = {
    traceId: inbound?.traceId ?? "",
    spanId: "",
    parentSpanId: inbound?.parentId ?? null,
    sampled,
    tracestate: inbound ? sanitizeTracestate(req.headers.tracestate) : null,
    current: null,
    signal: req.signal,
    recording: exporter !== null && sampled,
    method: req.method,
    path: req.path,
    t0: t,
    last: t,
    stages: exporter !== null && sampled ? [] : NONE,
    attempts: exporter !== null && sampled ? [] : NONE,
  };
  traces.set(rec, tr);
  traces.set(req.signal, tr);
  return tr;
}

export function traceOf(key: object): RequestTrace | undefined {
  return traces.get(key);
}

/** Closes the stage `name` (it began where the previous stage ended). */
export function markStage(rec: CallRecord, name: string): void {
  const tr = traces.get(rec);
  if (!tr || !tr.recording) return;
  const t = now();
  tr.stages.push({ name, start: tr.last, end: t });
  tr.last = t;
}

/** dispatch: an attempt of target `target` starts; its span id is what goes upstream. */
export function beginAttempt(rec: CallRecord, target: string, provider: string): void {
  const tr = traces.get(rec);
  if (!tr) return;
  // the span id is drawn when it is needed: by the upstream headers or the export
  tr.current = { spanId: tr.recording ? newSpanId() : "", target, provider, start: tr.recording ? now() : 0, end: 0, status: null };
}

export function endAttempt(rec: CallRecord, status: number | null, error?: string): void {
  const tr = traces.get(rec);
  if (!tr?.current) return;
  const a = tr.current;
  tr.current = null;
  if (!tr.recording) return;
  a.end = now();
  a.status = status;
  if (error) a.error = error;
  tr.attempts.push(a);
}

/**
 * Headers to add to the upstream request of the current attempt. Looked up by
 * the call's client signal (or record); an unknown call still gets a fresh trace.
 */
export function upstreamTraceHeaders(key: object): Record<string, string> {
  const tr = traces.get(key);
  if (!tr) return { traceparent: formatTraceparent(newTraceId(), newSpanId(), false) };
  ids(tr);
  if (tr.current && !tr.current.spanId) tr.current.spanId = newSpanId();
  const h: Record<string, string> = { traceparent: formatTraceparent(tr.traceId, tr.current?.spanId || tr.spanId, tr.sampled) };
  if (tr.tracestate) h.tracestate = tr.tracestate;
  return h;
}

/** The record stage: export the call's spans (when recording). */
export function finishTrace(rec: CallRecord): void {
  const tr = traces.get(rec);
  if (!tr) return;
  traces.delete(rec);
  traces.delete(tr.signal);
  if (!tr.recording) return;
  const exporter = traceExporter();
  if (!exporter) return;
  exporter.add(buildSpans(ids(tr), rec, now()));
}

const STATUS_ERROR = (rec: CallRecord) => rec.status >= 500 || rec.outcome === "error" || rec.outcome === "partial";

/** The server span, one span per stage, one per upstream attempt (exported for tests). */
export function buildSpans(tr: RequestTrace, rec: CallRecord, end: number): SpanData[] {
  const err = STATUS_ERROR(rec);
  const spans: SpanData[] = [
    {
      traceId: tr.traceId,
      spanId: tr.spanId,
      parentSpanId: tr.parentSpanId,
      traceState: tr.tracestate,
      name: `${tr.method} ${tr.path}`,
      kind: 2,
      startMs: tr.t0,
      endMs: end,
      attributes: {
        "http.request.method": tr.method,
        "url.path": tr.path,
        "http.response.status_code": rec.status,
        "portico.request_id": rec.id,
        "portico.endpoint": rec.endpoint,
        "portico.outcome": rec.outcome,
        "portico.route": rec.routeAlias,
        "portico.provider_id": rec.providerId,
        "portico.team_id": rec.teamId,
        "portico.app_id": rec.appId,
        "portico.api_id": rec.apiId,
        "portico.key_id": rec.keyId,
        "portico.attempts": rec.attempts.length,
        "portico.cost_usd": rec.costUsd,
        "gen_ai.system": rec.providerType,
        "gen_ai.request.model": rec.routeAlias,
        "gen_ai.response.model": rec.upstreamModel,
        "gen_ai.usage.input_tokens": rec.tokensIn,
        "gen_ai.usage.output_tokens": rec.tokensOut,
        "portico.ttft_ms": rec.ttftMs,
        "portico.stream": rec.stream,
        "error.type": err || rec.status >= 400 ? (rec.errorCode ?? String(rec.status)) : null,
      },
      status: err ? { code: 2, message: rec.errorMessage?.slice(0, 300) } : { code: 0 },
    },
  ];
  const stages = [...tr.stages];
  // whatever ran after the last mark: dispatch + respond (or the error answer)
  if (end > tr.last) stages.push({ name: tr.attempts.length ? "dispatch" : "respond", start: tr.last, end });
  for (const s of stages) {
    spans.push({ traceId: tr.traceId, spanId: newSpanId(), parentSpanId: tr.spanId, name: `portico.${s.name}`, kind: 1, startMs: s.start, endMs: s.end });
  }
  for (const a of tr.attempts) {
    const failed = a.status === null || a.status >= 400;
    spans.push({
      traceId: tr.traceId,
      spanId: a.spanId,
      parentSpanId: tr.spanId,
      name: `upstream ${a.provider}`,
      kind: 3,
      startMs: a.start,
      endMs: a.end,
      attributes: { "portico.target": a.target, "portico.provider": a.provider, "http.response.status_code": a.status, "error.type": failed ? (a.status === null ? "network" : String(a.status)) : null },
      status: failed ? { code: 2, message: a.error?.slice(0, 300) } : { code: 0 },
    });
  }
  return spans;
}

/** The upstream request with this call's trace headers added (attempt.ts, embeddings.ts). */
export function withTraceHeaders<U extends { headers: Record<string, string> }>(up: U, key: object): U {
  return { ...up, headers: { ...up.headers, ...upstreamTraceHeaders(key) } };
}
