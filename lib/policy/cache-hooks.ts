/**
 * The gateway's hook into the response cache, idempotency and response redaction
 * (docs/traffic-policy.md). chat.ts / embeddings.ts / prompt-api.ts call `beforeChatDispatch` /
 * `beforeEmbeddingsDispatch` / `beforePromptDispatch` after the guard stage: the hook may answer on its own
 * (idempotent replay, cache hit) — dispatch is then skipped — or hands back the sink
 * to write to (capturing for idempotency, redacting for the response policy). The
 * handler reports the answer with `setAnswer` and calls `finish(rec)` when the call
 * ends (stores the idempotent answer / cache entry, or releases the claim).
 */
import type { ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse } from "@/lib/providers/types";
import { GatewayError } from "@/lib/gateway/errors";
import { addResponseHeaders, onRecord, responseHeaders } from "@/lib/gateway/context";
import { SSE_HEADERS, type ChatOutput } from "@/lib/gateway/output";
import type { RouteInfo } from "@/lib/gateway/snapshot";
import type { CallRecord, GatewayRequest, GatewaySink } from "@/lib/gateway/types";
import {
  cacheDirectives,
  chatCacheKey,
  embeddingsCacheKey,
  parseEntry,
  promptCacheKey,
  responseToChunks,
  splitForStream,
  type CacheEntry,
  type PromptAnswer,
} from "./cache";
import { contentStores, warnStore } from "./cache-store";
import { beginIdempotent, bodyHash, capturingSink, validIdempotencyKey, type StoredAnswer } from "./idempotency";
import { redactingSink, scrubRecord } from "./guards-content";
import { contentSnapshot, resolvePolicy, type ResolvedPolicy } from "./guards-content-snapshot";
import { log } from "@/lib/telemetry/logger";
import { metrics } from "@/lib/telemetry/metrics";
import { runtime } from "@/lib/runtime";

/**
 * Registers the log scrubber (a record hook) once per process (both bundles share the runtime); called
 * by bootstrap(). The content guard itself is in the ordered list of lib/gateway/guards.ts.
 */
export function installContentPolicy(): void {
  const started = runtime().started;
  if (started.contentPolicy) return;
  started.contentPolicy = true;
  onRecord(scrubRecord);
}

export interface PolicyHook<A> {
  /** the hook already answered (replay, cache hit): skip dispatch */
  answered: boolean;
  /** write the answer here */
  sink: GatewaySink;
  setAnswer(a: A | undefined): void;
  /** when the call ends (before the record stage): store or release; never throws, never awaited */
  finish(rec: CallRecord): void;
}

const answered = <A>(sink: GatewaySink): PolicyHook<A> => ({ answered: true, sink, setAnswer: () => undefined, finish: () => undefined });

interface Common {
  req: GatewayRequest;
  sink: GatewaySink;
  route: RouteInfo;
  rec: CallRecord;
  stream: boolean;
  extraHeaders: Record<string, string>;
}

interface Prepared {
  policy: ResolvedPolicy | null;
  out: GatewaySink;
  finishIdem: (rec: CallRecord) => void;
}

/** Idempotency (claim or replay) and the response-redaction sink. Null: answered by a replay. */
async function prepare(c: Common): Promise<Prepared | null> {
  const policy = resolvePolicy((await contentSnapshot()), c.route.id, c.rec.apiId);
  let out = c.sink;
  let finishIdem: Prepared["finishIdem"] = () => undefined;
  const idemKey = c.req.headers["idempotency-key"];
  if (idemKey !== undefined && !c.stream && c.rec.keyId && c.req.method === "POST") {
    if (!validIdempotencyKey(idemKey)) {
      throw new GatewayError(400, "invalid_request_error", "invalid_idempotency_key", "Idempotency-Key must be 1–255 visible ASCII characters.");
    }
    const r = await beginIdempotent(c.rec.keyId, idemKey, bodyHash(c.req.body));
    if (r.kind === "mismatch") {
      throw new GatewayError(422, "invalid_request_error", "idempotency_key_reused", "This Idempotency-Key was already used with a different request body. Use a new key for a new request.");
    }
    if (r.kind === "in_flight") {
      throw new GatewayError(409, "invalid_request_error", "idempotency_in_flight", "A request with this Idempotency-Key is still in progress. Retry after it completes.", null, { "retry-after": "1" });
    }
    if (r.kind === "replay") {
      replay(c.sink, c.rec, r.answer);
      return null;
    }
    // `done` is stored before the answer's last byte (capturingSink's beforeEnd); the call's cost
    // is only known once it ends, so the record is rewritten then (after the first write settled).
    const cap = capturingSink(c.sink, (got) => r.complete({ ...got, costUsd: c.rec.costUsd, requestId: c.rec.id, at: Date.now() }));
    out = cap;
    finishIdem = (rec) => {
      const got = cap.captured();
      const ok = got && got.status >= 200 && got.status < 300 && rec.outcome === "ok";
      const early = cap.stored();
      let p: Promise<void>;
      if (!ok) p = (early ?? Promise.resolve()).then(() => r.release());
      else if (!early) p = r.complete({ ...got, costUsd: rec.costUsd, requestId: rec.id, at: Date.now() });
      else p = rec.costUsd ? early.then(() => r.complete({ ...got, costUsd: rec.costUsd, requestId: rec.id, at: Date.now() })) : early;
      p.catch((e) => warnStore("idempotency", e));
    };
  }
  if (policy?.responseMode === "redact") out = redactingSink(out, policy.detectors, c.rec);
  return { policy, out, finishIdem };
}

function replay(sink: GatewaySink, rec: CallRecord, a: StoredAnswer): void {
  rec.status = a.status;
  rec.outcome = "ok";
  rec.costUsd = 0;
  rec.savedCostUsd = a.costUsd;
  rec.flags = [...(rec.flags ?? []), "idempotent_replay"];
  sink.head(a.status, { ...a.headers, ...responseHeaders(rec), "x-request-id": rec.id, "idempotent-replayed": "true", "x-portico-original-request-id": a.requestId });
  sink.end(a.body);
}

interface CachePlan {
  key: string | null;
  /** store the answer under key when the call succeeds */
  store: boolean;
}

/** Cache lookup decision: sets rec.cache and the x-portico-cache header; returns the entry on a hit. */
async function lookup(c: Common, policy: ResolvedPolicy | null, key: () => string | Promise<string>): Promise<{ plan: CachePlan; hit: CacheEntry | null }> {
  const none = { plan: { key: null, store: false }, hit: null };
  if (!policy?.cacheEnabled) return none;
  const { noCache, noStore } = cacheDirectives(c.req.headers["cache-control"]);
  if (c.stream && !policy.cacheStreamReplay) {
    c.rec.cache = "skip";
    addResponseHeaders(c.rec, { "x-portico-cache": "skip" });
    return none;
  }
  const k = await key();
  let hit: CacheEntry | null = null;
  if (!noCache) {
    try {
      hit = parseEntry(await contentStores().cache.get(k));
    } catch (e) {
      warnStore("response cache", e);
    }
  }
  c.rec.cache = hit ? "hit" : noCache ? "skip" : "miss";
  addResponseHeaders(c.rec, { "x-portico-cache": c.rec.cache });
  return { plan: { key: k, store: !c.stream && !noStore }, hit };
}

function logHit(rec: CallRecord, e: CacheEntry): void {
  metrics().cacheHits.inc({ route: rec.routeAlias ?? "", kind: e.kind });
  rec.status = 200;
  rec.outcome = "ok";
  rec.costUsd = 0;
  rec.savedCostUsd = e.meta.costUsd;
  rec.providerId = e.meta.providerId;
  rec.providerType = e.meta.providerType;
  rec.modelId = e.meta.modelId;
  rec.upstreamModel = e.meta.upstreamModel;
}

function hitHeaders(c: Common, e: CacheEntry): Record<string, string> {
  // Prompt APIs never name the route or the provider (their callers never see the model).
  const names = e.kind === "prompt" ? {} : { "x-portico-route": c.route.alias, ...(e.meta.providerType ? { "x-portico-provider": e.meta.providerType } : {}) };
  return {
    ...c.extraHeaders,
    ...responseHeaders(c.rec),
    "x-request-id": c.rec.id,
    ...names,
    "x-portico-attempts": "0",
    "x-portico-cache": "hit",
    age: String(Math.max(0, Math.floor((Date.now() - e.meta.storedAt) / 1000))),
  };
}

/**
 * The hook of a call that goes on to dispatch: it remembers the answer, and when the call ends
 * settles the idempotency claim and stores the cache entry (only a complete 200 is stored).
 */
function dispatchHook<A>(
  out: GatewaySink,
  plan: CachePlan,
  policy: ResolvedPolicy | null,
  finishIdem: (rec: CallRecord) => void,
  entry: (a: A) => Omit<CacheEntry, "meta">,
): PolicyHook<A> {
  let answer: A | undefined;
  return {
    answered: false,
    sink: out,
    setAnswer: (a) => (answer = a),
    finish: (rec) => {
      try {
        finishIdem(rec);
        storeEntry(plan, policy, rec, answer ? entry(answer) : null, answer ? (rec.attempts.at(-1)?.target.split("/")[0] ?? null) : null);
      } catch (e) {
        log.error("cache/idempotency finish failed", { requestId: rec.id, err: e });
      }
    },
  };
}

function storeEntry(plan: CachePlan, policy: ResolvedPolicy | null, rec: CallRecord, entry: Omit<CacheEntry, "meta"> | null, providerName: string | null): void {
  if (!plan.key || !plan.store || !entry || !policy || rec.status !== 200 || rec.outcome !== "ok") return;
  const full = {
    ...entry,
    meta: {
      costUsd: rec.costUsd,
      tokensIn: rec.tokensIn,
      tokensOut: rec.tokensOut,
      tokensCached: rec.tokensCached,
      providerId: rec.providerId,
      providerType: rec.providerType,
      providerName,
      modelId: rec.modelId,
      upstreamModel: rec.upstreamModel,
      storedAt: Date.now(),
    },
  } as CacheEntry;
  contentStores()
    .cache.set(plan.key, JSON.stringify(full), policy.cacheTtlSeconds)
    .catch((e) => warnStore("response cache", e));
}

const NO_CACHE: CachePlan = { key: null, store: false };
const noIdem = () => undefined;

/**
 * The usual call, decided without a promise turn: content snapshot loaded, no Idempotency-Key,
 * no response cache on the route — only the redacting sink (if any) to put in place. Null: the
 * full (async) path decides.
 */
function plainHook<A>(c: Common, entry: (a: A) => Omit<CacheEntry, "meta">): PolicyHook<A> | null {
  if (c.req.headers["idempotency-key"] !== undefined) return null;
  const cs = contentSnapshot();
  if (cs instanceof Promise) return null;
  const policy = resolvePolicy(cs, c.route.id, c.rec.apiId);
  if (policy?.cacheEnabled) return null;
  const out = policy?.responseMode === "redact" ? redactingSink(c.sink, policy.detectors, c.rec) : c.sink;
  return dispatchHook(out, NO_CACHE, policy, noIdem, entry);
}

// ---------------------------------------------------------------- chat

const chatEntry = (a: ChatResponse): Omit<CacheEntry, "meta"> => ({ kind: "chat", response: a });

/** `out`, `responseId`, `includeUsage`: the inbound API's writer of this call (lib/gateway/inbound-call.ts), used by a hit. */
export function beforeChatDispatch(p: Common & { chat: ChatRequest; out: ChatOutput; responseId: string; includeUsage: boolean }): PolicyHook<ChatResponse> | Promise<PolicyHook<ChatResponse>> {
  return plainHook(p, chatEntry) ?? chatDispatchHook(p);
}

async function chatDispatchHook(p: Common & { chat: ChatRequest; out: ChatOutput; responseId: string; includeUsage: boolean }): Promise<PolicyHook<ChatResponse>> {
  const prep = await prepare(p);
  if (!prep) return answered(p.sink);
  const { policy, out, finishIdem } = prep;
  const { plan, hit } = await lookup(p, policy, async () => chatCacheKey(p.rec.teamId, p.route.alias, p.chat, (await contentSnapshot()).generation));
  if (hit?.kind === "chat") {
    logHit(p.rec, hit);
    const resp: ChatResponse = { ...hit.response, id: p.responseId, created: Math.floor(Date.now() / 1000), model: p.route.alias };
    const fmt = p.out;
    if (!p.stream) {
      out.head(200, { "content-type": "application/json", ...hitHeaders(p, hit) });
      out.end(fmt.response(resp));
    } else {
      out.head(200, { ...SSE_HEADERS, ...hitHeaders(p, hit) });
      fmt.prime?.(resp.usage ?? null);
      for (const ch of responseToChunks(resp, p.includeUsage)) {
        if (p.req.signal.aborted) break;
        if (!out.write(fmt.chunk(ch))) await out.drain();
      }
      out.end(fmt.end(resp.usage ?? null));
    }
    finishIdem(p.rec);
    return answered(out);
  }
  return dispatchHook(out, plan, policy, finishIdem, chatEntry);
}

// ---------------------------------------------------------------- embeddings

export async function beforeEmbeddingsDispatch(p: Omit<Common, "stream"> & { body: EmbeddingsRequest }): Promise<PolicyHook<EmbeddingsResponse>> {
  const c: Common = { ...p, stream: false };
  const prep = await prepare(c);
  if (!prep) return answered(p.sink);
  const { policy, out, finishIdem } = prep;
  const { plan, hit } = await lookup(c, policy, async () => embeddingsCacheKey(p.rec.teamId, p.route.alias, p.body, (await contentSnapshot()).generation));
  if (hit?.kind === "embeddings") {
    logHit(p.rec, hit);
    out.head(200, { "content-type": "application/json", ...hitHeaders(c, hit) });
    out.end(JSON.stringify({ ...hit.response, model: p.route.alias }));
    finishIdem(p.rec);
    return answered(out);
  }
  return dispatchHook(out, plan, policy, finishIdem, (a: EmbeddingsResponse) => ({ kind: "embeddings", response: a }));
}

// ---------------------------------------------------------------- prompt APIs

/**
 * POST /v1/apis/{slug}: keyed on the prompt API, the served version and the validated
 * variables. A hit answers the 200 JSON body (cost 0, this call's request id), or, for a
 * stream with replay on, `data: {"delta"}` events and `event: done`.
 */
export async function beforePromptDispatch(
  p: Common & { apiId: string; version: number; values: Record<string, unknown>; jsonMode: boolean },
): Promise<PolicyHook<PromptAnswer>> {
  const prep = await prepare(p);
  if (!prep) return answered(p.sink);
  const { policy, out, finishIdem } = prep;
  const { plan, hit } = await lookup(p, policy, async () => promptCacheKey(p.rec.teamId, p.apiId, p.version, p.values, (await contentSnapshot()).generation));
  if (hit?.kind === "prompt") {
    logHit(p.rec, hit);
    const { output, usage, version } = hit.response;
    if (!p.stream) {
      out.head(200, { "content-type": "application/json", ...hitHeaders(p, hit) });
      out.end(JSON.stringify({ output, usage, cost_usd: 0, request_id: p.rec.id, version }));
    } else {
      out.head(200, { ...SSE_HEADERS, ...hitHeaders(p, hit) });
      for (const delta of splitForStream(typeof output === "string" ? output : JSON.stringify(output))) {
        if (p.req.signal.aborted) break;
        if (!out.write(`data: ${JSON.stringify({ delta })}\n\n`)) await out.drain();
      }
      const done = { usage, cost_usd: 0, request_id: p.rec.id, version, ...(p.jsonMode ? { output } : {}) };
      out.end(`event: done\ndata: ${JSON.stringify(done)}\n\n`);
    }
    finishIdem(p.rec);
    return answered(out);
  }
  return dispatchHook(out, plan, policy, finishIdem, (a: PromptAnswer) => ({ kind: "prompt", response: a }));
}
