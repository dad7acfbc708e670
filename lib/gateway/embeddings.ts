import type { EmbeddingsRequest, EmbeddingsResponse, ProviderError } from "@/lib/providers/types";
import { mockEmbeddings } from "@/lib/providers/mock";
import { httpAdapter } from "./adapters";
import { sendUpstream } from "./pool";
import { Abort } from "./abort";
import { GatewayError, badRequest, notFoundModel } from "./errors";
import { getSnapshot, type TargetInfo } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { embeddingsRequestSchema, parseJsonBody, validate } from "./stages/parse";
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
    const body = validate(embeddingsRequestSchema, parseJsonBody(req)) as EmbeddingsRequest;
    const snap = getSnapshot();
    const key = authenticate(req.headers, snap);
    rec.keyId = key.id;
    rec.teamId = key.teamId;
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
      "x-portico-provider": target.provider.name,
      "x-portico-attempts": String(rec.attempts.length),
    });
    sink.end(JSON.stringify(value));
    policyHook.setAnswer(value);
  } catch (e) {
    sendError(sink, "openai", rec, toGatewayError(e));
  } finally {
    policyHook?.finish(rec);
    captureBodies(rec, req.body);
    record(rec, t0);
  }
}

async function tryEmbeddings(body: EmbeddingsRequest, t: TargetInfo, alias: string, req: GatewayRequest): Promise<TryResult<EmbeddingsResponse>> {
  if (t.provider.type === "mock") {
    const r = mockEmbeddings(body, t.target);
    return { answered: true, value: { ...r, model: alias } };
  }
  const adapter = httpAdapter(t.provider.type)!;
  if (!adapter.embeddingsRequest || !adapter.embeddingsResponse) {
    const err = badRequest(`Provider type '${t.provider.type}' has no embeddings API.`, "model", "model_not_supported");
    return { answered: false, status: 400, verdict: "return", err, retryAfterMs: null };
  }
  const abort = new Abort();
  const onClient = () => abort.abort("client");
  req.signal.on("abort", onClient);
  try {
    const res = await sendUpstream(withTraceHeaders(adapter.embeddingsRequest(body, t.target), req.signal), {
      signal: abort,
      headersTimeout: t.provider.firstByteTimeoutMs,
      bodyTimeout: t.provider.totalTimeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const ct = res.headers["content-type"];
      const pe = adapter.error(res.statusCode, text, Array.isArray(ct) ? ct[0] : ct, res.headers);
      const err = new GatewayError(pe.status, pe.type, pe.code ?? null, pe.message, pe.param ?? null);
      return { answered: false, status: res.statusCode, verdict: verdictFor(res.statusCode), err, retryAfterMs: parseRetryAfter(res.headers["retry-after"]) ?? pe.retryAfterMs ?? null };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const err = new GatewayError(502, "api_error", "upstream_invalid_response", `Upstream ${t.label} returned invalid JSON.`);
      return { answered: false, status: 502, verdict: "retry", err, retryAfterMs: null };
    }
    return { answered: true, value: adapter.embeddingsResponse(json, { model: alias, id: "", created: Math.floor(Date.now() / 1000), embeddingsRequest: body }) };
  } catch (e) {
    // Adapter refusals (input the provider cannot take) and failed credential exchanges carry their own error.
    const pe = (e as { providerError?: ProviderError })?.providerError;
    if (pe) return { answered: false, status: pe.status, verdict: verdictFor(pe.status), err: new GatewayError(pe.status, pe.type, pe.code ?? null, pe.message, pe.param ?? null), retryAfterMs: null };
    const code = (e as { code?: string })?.code ?? "";
    const err = new GatewayError(code.includes("TIMEOUT") ? 504 : 502, "api_error", "upstream_unreachable", `Could not reach upstream ${t.label}: ${code || (e as Error).message}`);
    return { answered: false, status: null, verdict: "retry", err, retryAfterMs: null };
  } finally {
    req.signal.off?.("abort", onClient);
  }
}
