import { randomBytes } from "node:crypto";
import { errorBody, GatewayError } from "./errors";
import { logWriter } from "./log-writer";
import { refusalOf } from "./refusal";
import { log } from "@/lib/telemetry/logger";
import type { CallRecord, GatewayRequest, GatewaySink, InboundApi } from "./types";
import { runtime } from "@/lib/runtime";

const VALID_ID = /^[A-Za-z0-9._:-]{8,128}$/;

// Request ids: time-ordered (log inserts append to the primary-key index instead of landing
// at random places), unique per process by a counter, across processes by a random tag.
const PROCESS_TAG = randomBytes(6).toString("base64url");
let seq = 0;

/** Echo a sane inbound x-request-id, else generate one. */
export function requestIdFor(req: GatewayRequest): string {
  const inbound = req.headers["x-request-id"];
  if (inbound && VALID_ID.test(inbound)) return inbound;
  seq = (seq + 1) % 1_679_616; // 36^4
  return `req_${Date.now().toString(36)}${seq.toString(36).padStart(4, "0")}${PROCESS_TAG}`;
}

export function newRecord(id: string, endpoint: string, inbound: InboundApi, stream = false): CallRecord {
  return {
    id,
    at: Date.now(),
    endpoint,
    inbound,
    keyId: null,
    teamId: null,
    appId: null,
    apiId: null,
    routeAlias: null,
    providerId: null,
    providerType: null,
    modelId: null,
    upstreamModel: null,
    stream,
    status: 0,
    outcome: "ok",
    attempts: [],
    latencyMs: 0,
    ttftMs: null,
    tokensIn: 0,
    tokensOut: 0,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0,
    errorCode: null,
    errorMessage: null,
    // Per-call state that later stages hang off the record under global symbols (the trace, response
    // headers, the limits' reservation): declared here so every record has one shape from the start
    // instead of growing a different one depending on which stages ran.
    [TRACE_SLOT]: undefined,
    [RESP_HEADERS]: undefined,
    [INFLIGHT_SLOT]: undefined,
    [COMMITTED_SLOT]: undefined,
  } as CallRecord;
}

const TRACE_SLOT = Symbol.for("portico.trace");
const INFLIGHT_SLOT = Symbol.for("portico.limits.inflight");
const COMMITTED_SLOT = Symbol.for("portico.limits.committed");

/** Writes a GatewayError in the caller's shape (if the response has not started) and fills the record. */
export function sendError(sink: GatewaySink, api: InboundApi, rec: CallRecord, e: GatewayError): void {
  rec.status = e.status;
  rec.errorCode = e.code ?? e.type;
  // The log keeps what happened (provider, target, the upstream's words); the caller reads e.message.
  rec.errorMessage = e.detail ?? e.message;
  if (rec.outcome === "ok") rec.outcome = e.status === 499 ? "aborted" : e.status < 500 && e.status !== 429 ? "refused" : "error";
  if (e.status === 429 && !rec.attempts.length) rec.outcome = "refused";
  const refusal = refusalOf(e);
  if (refusal) {
    rec.refusal = refusal.reason;
    rec.refusalScope = refusal.scope;
  }
  if (sink.headersSent) return;
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": rec.id, ...responseHeaders(rec), ...e.headers };
  if (refusal) headers["x-portico-refusal"] = refusal.reason;
  sink.head(e.status === 499 ? 499 : e.status, headers);
  sink.end(errorBody(api, e, rec.id));
}

/**
 * Finish hooks: called once per call when it ends (success, failure, refusal),
 * before the row goes to the writer — traffic policies reconcile reservations
 * here. Must be cheap and must not throw (errors are caught and logged).
 */
export type RecordListener = (rec: CallRecord) => void | Promise<void>;
const recordHooks = runtime().recordHooks;
export function onRecord(fn: RecordListener): void {
  recordHooks.push(fn);
}

/**
 * Headers a stage (e.g. the rate-limit guard) wants on this call's response, refusals included.
 * Kept on the record under a global symbol (both bundles see the same calls): cheaper than a
 * WeakMap entry per call for the GC.
 */
const RESP_HEADERS = Symbol.for("portico.responseHeaders");
type HeaderCarrier = { [RESP_HEADERS]?: Record<string, string> };
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
export function addResponseHeaders(rec: CallRecord, h: Record<string, string>): void {
  const c = rec as HeaderCarrier;
  const prev = c[RESP_HEADERS];
  c[RESP_HEADERS] = prev ? { ...prev, ...h } : h;
}
/** Read-only: spread it into the headers of an answer. */
export function responseHeaders(rec: CallRecord): Record<string, string> {
  return (rec as HeaderCarrier)[RESP_HEADERS] ?? (NO_HEADERS as Record<string, string>);
}

/**
 * The record stage: hand the row to the batched writer; never awaited. Synchronous while every
 * hook is (the usual case): a promise only when a hook waits (e.g. for a snapshot still loading).
 */
export function record(rec: CallRecord, t0: number): void | Promise<void> {
  rec.latencyMs = Date.now() - t0;
  return runHooks(rec, 0);
}

function runHooks(rec: CallRecord, from: number): void | Promise<void> {
  for (let i = from; i < recordHooks.length; i++) {
    try {
      // a hook may wait for a snapshot still loading (log scrubbing): the row is pushed after it
      const r = recordHooks[i]!(rec);
      if (r instanceof Promise) return r.then(undefined, (e: unknown) => hookFailed(rec, e)).then(() => runHooks(rec, i + 1));
    } catch (e) {
      hookFailed(rec, e);
    }
  }
  logWriter().push(rec);
}

function hookFailed(rec: CallRecord, e: unknown): void {
  log.error("record hook failed", { requestId: rec.id, err: e });
}

export function toGatewayError(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  log.error("gateway internal error", { err: e });
  return new GatewayError(500, "api_error", "internal_error", "Portico hit an internal error handling this request.");
}
