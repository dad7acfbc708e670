import type { EmbeddingsRequest, EmbeddingsResponse, ProviderError } from "@/lib/providers/types";
import { mockEmbeddings } from "@/lib/providers/mock";
import { httpAdapter } from "./adapters";
import { sendUpstream } from "./pool";
import { Abort } from "./abort";
import { GatewayError, badRequest, upstreamError } from "./errors";
import { fromProviderError, networkError } from "./attempt";
import type { TargetInfo } from "./snapshot";
import { embeddingsRequestSchema, validate } from "./stages/parse";
import { parseRetryAfter, verdictFor } from "./routing";
import { dispatch, type TryResult } from "./dispatch";
import { costUsd } from "./cost";
import { responseHeaders } from "./context";
import { beforeEmbeddingsDispatch } from "@/lib/policy/cache-hooks";
import { withTraceHeaders } from "@/lib/telemetry/trace";
import { byAlias, fillTarget, runPipeline, type Endpoint } from "./pipeline";
import type { GatewayRequest, GatewaySink } from "./types";

/** POST /v1/embeddings, on the one pipeline runner (lib/gateway/pipeline.ts). */
const embeddingsEndpoint: Endpoint<EmbeddingsRequest, EmbeddingsResponse> = {
  endpoint: "embeddings",
  api: "openai",
  parse: (body) => validate(embeddingsRequestSchema, body) as EmbeddingsRequest,
  stream: () => false,
  resolve: byAlias<EmbeddingsRequest>("embedding", (body) => body.model, (alias) => `'${alias}' is a chat model; call /v1/chat/completions.`),
  guardInput: (embeddings) => ({ embeddings }),
  prepare: () => undefined,
  beforeDispatch: ({ req, sink, r: body, route, rec, extraHeaders }) => beforeEmbeddingsDispatch({ req, sink, body, route, rec, extraHeaders }),
  async dispatch({ req, sink, r: body, route, order, rec, extraHeaders }) {
    const result = await dispatch<EmbeddingsResponse>(order, route.retry, req.signal, rec, (t) => tryEmbeddings(body, t, route.alias, req));
    if ("error" in result) {
      if (result.target) fillTarget(rec, result.target);
      throw result.error;
    }
    const { value, target } = result;
    fillTarget(rec, target);
    rec.tokensIn = value.usage.prompt_tokens;
    rec.costUsd = costUsd(target.model, { prompt_tokens: value.usage.prompt_tokens, completion_tokens: 0 });
    rec.status = 200;
    sink.head(200, {
      ...extraHeaders,
      ...responseHeaders(rec),
      "content-type": "application/json",
      "x-request-id": rec.id,
      "x-portico-route": route.alias,
      // the provider family, never the admin's name for the provider (as on chat)
      "x-portico-provider": target.provider.type,
      // attempts made, the one that answered included (as on chat)
      "x-portico-attempts": String(rec.attempts.length),
    });
    sink.end(JSON.stringify(value));
    return value;
  },
};

export function handleEmbeddings(req: GatewayRequest, sink: GatewaySink): Promise<void> {
  return runPipeline(req, sink, embeddingsEndpoint);
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
  // the client left, while the headers or the body were on their way: no network error
  const failed = (e: unknown): TryResult<EmbeddingsResponse> =>
    abort.reason === "client"
      ? { answered: false, status: null, verdict: "retry", err: new GatewayError(499, "client_closed", "client_closed_request", "The client closed the request."), retryAfterMs: null }
      : networkError(e, t, alias);
  try {
    let res;
    try {
      res = await sendUpstream(up, { signal: abort, headersTimeout: t.provider.firstByteTimeoutMs, bodyTimeout: t.provider.totalTimeoutMs });
    } catch (e) {
      return failed(e);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      return failed(e);
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
