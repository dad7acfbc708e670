import type { ChatRequest, ChatResponse } from "@/lib/providers/types";
import { GatewayError, badRequest, notFoundModel } from "./errors";
import { getSnapshot, type RouteInfo } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { checkBody, parseJsonBody } from "./stages/parse";
import { runGuards } from "./stages/guard";
import { authorizeAlias, deprecationHeaders } from "./stages/authorize";
import { orderTargets, selectGroup } from "./routing";
import { dispatch } from "./dispatch";
import { attemptChat, type AttemptResult } from "./attempt";
import type { ChatOutput } from "./output";
import { statelessInbound, type InboundCall } from "./inbound-call";
import { responsesCall } from "./responses";
import { costUsd } from "./cost";
import { countTokens, estimatePromptTokens } from "./tokens";
import { newRecord, record, requestIdFor, responseHeaders, sendError, toGatewayError } from "./context";
import { captureBodies } from "@/lib/telemetry/capture";
import { beforeChatDispatch, type PolicyHook } from "@/lib/policy/cache-hooks";
import { markStage, startTrace } from "@/lib/telemetry/trace";
import type { CallRecord, GatewayRequest, GatewaySink, InboundApi } from "./types";
import type { KeyInfo } from "./snapshot";

const INTERNAL_KEY: KeyInfo = { id: "internal-test", name: "route test", teamId: null, appId: null, expiresAt: null, revokedAt: null };

/**
 * POST /v1/chat/completions (OpenAI in), POST /v1/messages (Anthropic in) and POST /v1/responses
 * (OpenAI Responses in): one pipeline; each API supplies only its parse/convert step and its
 * output writer (an InboundCall, lib/gateway/inbound-call.ts).
 */
export interface ChatOptions {
  /** admin "test route": skips key authentication (never reachable from HTTP) and reports the record */
  internalTest?: { onRecord: (rec: CallRecord) => void };
}

export async function handleChat(req: GatewayRequest, sink: GatewaySink, api: InboundApi, opts: ChatOptions = {}): Promise<void> {
  const t0 = Date.now();
  const id = requestIdFor(req);
  const call: InboundCall = api === "responses" ? responsesCall() : statelessInbound(api);
  const rec = newRecord(id, call.endpoint, api);
  startTrace(req, rec);
  let policyHook: PolicyHook<ChatResponse> | null = null;
  try {
    // 1 what protects the server: size limit and JSON nesting bound
    checkBody(req);
    // 2 authenticate, before any schema feedback (a caller without a key learns nothing about the body)
    const snap = (await getSnapshot());
    const key = opts.internalTest ? INTERNAL_KEY : authenticate(req.headers, snap);
    rec.keyId = opts.internalTest ? null : key.id;
    rec.teamId = key.teamId;
    markStage(rec, "authenticate");
    // 3 parse: JSON, the inbound API's schema, the conversion to the canonical shape
    const chat: ChatRequest = (await call.toChat(parseJsonBody(req), key));
    rec.stream = !!chat.stream;
    markStage(rec, "parse");
    // 4 authorize: an approved subscription to a live API exposing the alias, and a chat route behind it
    let extraHeaders: Record<string, string> = {};
    if (!opts.internalTest) {
      const authz = authorizeAlias(snap.access, key, chat.model);
      if (!authz.ok) throw authz.error;
      rec.appId = authz.app.id;
      rec.apiId = authz.api.id;
      extraHeaders = deprecationHeaders(authz.api, authz.deprecated);
    }
    const route = snap.routes.get(chat.model);
    if (!route) throw notFoundModel(chat.model);
    rec.routeAlias = route.alias;
    if (route.kind !== "chat") throw badRequest(`'${chat.model}' is an embedding model; call /v1/embeddings.`, "model", "model_not_supported");
    markStage(rec, "authorize");
    // 4 guard
    await runGuards({ req, chat, key, route, rec });
    markStage(rec, "guard");
    // 4b idempotency + response cache (lib/policy/cache-hooks.ts): may answer without dispatch
    const responseId = call.responseId(rec);
    const out = call.output(route.alias, responseId, () => estimatePromptTokens(chat));
    const includeUsage = call.includeUsage(chat);
    policyHook = await beforeChatDispatch({ req, sink, chat, route, rec, stream: !!chat.stream, extraHeaders, out, responseId, includeUsage });
    if (policyHook.answered) return;
    sink = policyHook.sink;
    // 5 route
    const metadata = call.routingMetadata ? call.routingMetadata() : chat.metadata;
    const order = orderTargets(selectGroup(route, req.headers, metadata as Record<string, unknown> | null | undefined));
    if (!order.length) throw new GatewayError(503, "api_error", "no_targets", `Route '${route.alias}' has no enabled targets.`);
    markStage(rec, "route");
    // 6 dispatch + 7 respond
    policyHook.setAnswer(await runChat(req, sink, api, chat, route, order, rec, extraHeaders, { out, responseId, includeUsage }));
  } catch (e) {
    sendError(sink, api, rec, toGatewayError(e));
  } finally {
    policyHook?.finish(rec);
    call.finish?.(rec);
    // 8 record
    (await captureBodies(rec, req.body));
    (await record(rec, t0));
    opts.internalTest?.onRecord(rec);
  }
}

async function runChat(
  req: GatewayRequest,
  sink: GatewaySink,
  api: InboundApi,
  chat: ChatRequest,
  route: RouteInfo,
  order: ReturnType<typeof orderTargets>,
  rec: ReturnType<typeof newRecord>,
  extraHeaders: Record<string, string>,
  { out, responseId, includeUsage }: { out: ChatOutput; responseId: string; includeUsage: boolean },
): Promise<ChatResponse | undefined> {
  const stream = !!chat.stream;
  const created = Math.floor(Date.now() / 1000);
  let current = order[0]!;
  const headers = () => ({
    ...extraHeaders,
    ...responseHeaders(rec),
    "x-request-id": rec.id,
    "x-portico-route": route.alias,
    // the provider family (openai, anthropic, ...), never the admin's name for the provider
    "x-portico-provider": current.provider.type,
    "x-portico-attempts": String(rec.attempts.length + 1),
  });
  const result = await dispatch<Extract<AttemptResult, { answered: true }>>(order, route.retry, req.signal, rec, async (t) => {
    current = t;
    const r = await attemptChat({
      req: chat,
      t,
      stream,
      includeUsage,
      alias: route.alias,
      responseId,
      created,
      out,
      sink,
      client: req.signal,
      retry: route.retry,
      headers,
    });
    return r.answered ? { answered: true, value: r } : r;
  });
  if ("error" in result) {
    if (result.target) fillTarget(rec, result.target);
    sendError(sink, api, rec, result.error);
    return;
  }
  const { value: r, target } = result;
  fillTarget(rec, target);
  rec.ttftMs = r.ttftMs;
  (await captureBodies(rec, req.body, r.text));
  rec.outcome = r.outcome;
  rec.status = r.outcome === "aborted" ? 499 : 200;
  if (r.error) rec.errorMessage = r.error;
  const usage = r.usage;
  if (usage) {
    rec.tokensIn = usage.prompt_tokens;
    rec.tokensOut = usage.completion_tokens;
    rec.tokensCached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    if (r.outcome !== "ok") {
      // A stream that broke or that the client left: the provider's running count lags what
      // was sent (Anthropic's message_start says output_tokens 1, Gemini's chunks carry only
      // the prompt count until the last one). Never log fewer tokens than the client received.
      const sent = countTokens(r.text);
      if (sent > rec.tokensOut) {
        rec.tokensOut = sent;
        rec.usageEstimated = true;
      }
    }
  } else {
    // The provider gave no usage (cut stream, client left, or it never reports): count it ourselves.
    rec.usageEstimated = true;
    rec.tokensIn = estimatePromptTokens(chat);
    rec.tokensOut = countTokens(r.text);
  }
  rec.costUsd = costUsd(target.model, {
    prompt_tokens: rec.tokensIn,
    completion_tokens: rec.tokensOut,
    prompt_tokens_details: { cached_tokens: rec.tokensCached },
  });
  return r.response;
}

function fillTarget(rec: ReturnType<typeof newRecord>, t: ReturnType<typeof orderTargets>[number]): void {
  rec.providerId = t.provider.id;
  rec.providerType = t.provider.type;
  rec.modelId = t.model.id;
  rec.upstreamModel = t.model.upstreamModel;
}
