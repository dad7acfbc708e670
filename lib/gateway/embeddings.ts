import type { EmbeddingsRequest, EmbeddingsResponse, ProviderError } from "@/lib/providers/types";
import { mockEmbeddings } from "@/lib/providers/mock";
import { httpAdapter } from "./adapters";
import { sendUpstream } from "./pool";
import { Abort } from "./abort";
import { GatewayError, badRequest, notFoundModel, upstreamError } from "./errors";
import { fromProviderError, networkError } from "./attempt";
import { getSnapshot, type TargetInfo } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { checkBody, embeddingsRequestSchema, parseJsonBody, validate } from "./stages/parse";
import { runGuards } from "./stages/guard";
import { authorizeAlias, deprecationHeaders } from "./stages/authorize";
import { orderTargets, parseRetryAfter, selectGroup, verdictFor } from "./routing";
import { dispatch, type TryResult } from "./dispatch";
import { costUsd } from "./cost";
import { newRecord, record, requestIdFor, responseHeaders, sendError, toGatewayError } from "./context";
import { captureBodies } from "@/lib/telemetry/capture";
import { beforeEmbeddingsDispatch, type PolicyHook } from "@/lib/policy/cache-hooks";
import { markStage, startTrace, withTraceHeaders } from "@/lib/telemetry/trace";
import type { GatewayRequest, GatewaySink } from "./types";

/** POST /v1/embeddings */
export async function handleEmbeddings(req: GatewayRequest, sink: GatewaySink): Promise<void> {
  const t0 = Date.now();
  const rec = newRecord(requestIdFor(req), "embeddings", "openai");
  startTrace(req, rec);
  let policyHook: PolicyHook<EmbeddingsResponse> | null = null;
  try {
    // size and nesting first (they protect the server), then the key, then schema feedback
    checkBody(req);
    const snap = (await getSnapshot());
    const key = authenticate(req.headers, snap);
    rec.keyId = key.id;
    rec.teamId = key.teamId;
    const body = validate(embeddingsRequestSchema, parseJsonBody(req)) as EmbeddingsRequest;
    const authz = authorizeAlias(snap.access, key, body.model);
    if (!authz.ok) throw authz.error;
    rec.appId = authz.app.id;
    rec.apiId = authz.api.id;
    const route = snap.routes.get(body.model);
    if (!route) throw notFoundModel(body.model);
    rec.routeAlias = route.alias;
    if (route.kind !== "embedding") throw badRequest(`'${body.model}' is a chat model; call /v1/chat/completions.`, "model", "model_not_supported");
    markStage(rec, "authorize");
    await runGuards({ req, key, route, rec, embeddings: body });
    markStage(rec, "guard");
    // idempotency + response cache (lib/policy/cache-hooks.ts): may answer without dispatch
    policyHook = await beforeEmbeddingsDispatch({ req, sink, body, route, rec, extraHeaders: deprecationHeaders(authz.api, authz.deprecated) });
    if (policyHook.answered) return;
    sink = policyHook.sink;
    const order = orderTargets(selectGroup(route, req.headers));
    markStage(rec, "route");
    const result = await dispatch<EmbeddingsResponse>(order, route.retry, req.signal, rec, (t) => tryEmbeddings(body, t, route.alias, req));
    if ("error" in result) throw result.error;
    const { value, target } = result;
    rec.providerId = target.provider.id;
    rec.providerType = target.provider.type;
    rec.modelId = target.model.id;
    rec.upstreamModel = target.model.upstreamModel;
    rec.tokensIn = value.usage.prompt_tokens;
    rec.costUsd = costUsd(target.model, { prompt_tokens: value.usage.prompt_tokens, completion_tokens: 0 });
    rec.status = 200;
    sink.head(200, {
      ...deprecationHeaders(authz.api, authz.deprecated),
      ...responseHeaders(rec),
      "content-type": "application/json",
      "x-request-id": rec.id,
      "x-portico-route": route.alias,
      "x-portico-provider": target.provider.type,
      "x-portico-attempts": String(rec.attempts.length),
    });
    sink.end(JSON.stringify(value));
    policyHook.setAnswer(value);
  } catch (e) {
    sendError(sink, "openai", rec, toGatewayError(e));
  } finally {
    policyHook?.finish(rec);
    (await captureBodies(rec, req.body));
    (await record(rec, t0));
  }
}

async function tryEmbeddings(body: EmbeddingsRequest, t: TargetInfo, alias: string, req: GatewayRequest): Promise<TryResult<EmbeddingsResponse>> {
  if (t.provider.type === "mock") {
    const r = mockEmbeddings(body, t.target);
    return { answered: true, value: { ...r, model: alias } };
  }
  const adapter = httpAdapter(t.provider.type)!;
  if (!adapter.embeddingsRequest || !adapter.embeddingsResponse) {
    const err = badRequest(`Model '${alias}' does not support embeddings.`, "model", "model_not_supported");
    err.detail = `Provider type '${t.provider.type}' of ${t.label} has no embeddings API.`;
    return { answered: false, status: 400, verdict: "return", err, retryAfterMs: null, local: true };
  }
  // Built before anything is sent: if building or serialising throws, that is Portico's (or the
  // caller's) problem, never the target's — dispatch releases the breaker and the handler answers.
  let up;
  try {
    up = withTraceHeaders(adapter.embeddingsRequest(body, t.target), req.signal);
  } catch (e) {
    // Input the provider cannot take (e.g. several texts for Titan): the caller's request, returned as is.
    const pe = (e as { providerError?: ProviderError })?.providerError;
    if (pe) return { answered: false, status: pe.status, verdict: "return", err: new GatewayError(pe.status, pe.type, pe.code ?? null, pe.message, pe.param ?? null), retryAfterMs: null, local: true };
    throw e;
  }
  const abort = new Abort();
  const onClient = () => abort.abort("client");
  req.signal.on("abort", onClient);
  try {
    let res;
    try {
      res = await sendUpstream(up, { signal: abort, headersTimeout: t.provider.firstByteTimeoutMs, bodyTimeout: t.provider.totalTimeoutMs });
    } catch (e) {
      if (abort.reason === "client") return { answered: false, status: null, verdict: "retry", err: new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request."), retryAfterMs: null };
      return networkError(e, t, alias);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      return networkError(e, t, alias);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const ct = res.headers["content-type"];
      const pe = adapter.error(res.statusCode, text, Array.isArray(ct) ? ct[0] : ct, res.headers);
      return { answered: false, status: res.statusCode, verdict: verdictFor(res.statusCode), err: fromProviderError(pe, t, alias), retryAfterMs: parseRetryAfter(res.headers["retry-after"]) ?? pe.retryAfterMs ?? null };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const err = upstreamError(502, "api_error", "upstream_invalid_response", "The upstream provider returned an invalid answer.", `Upstream ${t.label} returned invalid JSON.`);
      return { answered: false, status: 502, verdict: "retry", err, retryAfterMs: null };
    }
    try {
      return { answered: true, value: adapter.embeddingsResponse(json, { model: alias, id: "", created: Math.floor(Date.now() / 1000), embeddingsRequest: body }) };
    } catch (e) {
      const err = upstreamError(502, "api_error", "upstream_invalid_response", "The upstream provider returned an invalid answer.", `Upstream ${t.label} answered in an unexpected shape: ${(e as Error).message}`);
      return { answered: false, status: 502, verdict: "retry", err, retryAfterMs: null };
    }
  } finally {
    req.signal.off?.("abort", onClient);
  }
}
