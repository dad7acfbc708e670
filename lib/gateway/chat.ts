import type { ChatRequest, ChatResponse } from "@/lib/providers/types";
import type { RouteInfo } from "./snapshot";
import type { orderTargets } from "./routing";
import { dispatch } from "./dispatch";
import { attemptChat, type AttemptResult } from "./attempt";
import type { ChatOutput } from "./output";
import { statelessInbound, type InboundCall } from "./inbound-call";
import { responsesCall } from "./responses";
import { costUsd } from "./cost";
import { countTokens, estimatePromptTokens } from "./tokens";
import { responseHeaders, sendError } from "./context";
import { captureBodies } from "@/lib/telemetry/capture";
import { beforeChatDispatch } from "@/lib/policy/cache-hooks";
import { byAlias, fillTarget, runPipeline, type Endpoint, type RunOptions } from "./pipeline";
import type { CallRecord, GatewayRequest, GatewaySink, InboundApi } from "./types";

/**
 * POST /v1/chat/completions (OpenAI in), POST /v1/messages (Anthropic in) and POST /v1/responses
 * (OpenAI Responses in) on the one pipeline runner (lib/gateway/pipeline.ts); each API supplies
 * only its parse/convert step and its output writer (an InboundCall, lib/gateway/inbound-call.ts).
 */
export type ChatOptions = RunOptions;

interface ChatPrep {
  out: ChatOutput;
  responseId: string;
  includeUsage: boolean;
}

function chatEndpoint(api: InboundApi, call: InboundCall): Endpoint<ChatRequest, ChatResponse, ChatPrep> {
  return {
    endpoint: call.endpoint,
    api,
    parse: (body, key) => call.toChat(body, key),
    stream: (chat) => !!chat.stream,
    resolve: byAlias<ChatRequest>("chat", (chat) => chat.model, (alias) => `'${alias}' is an embedding model; call /v1/embeddings.`),
    guardInput: (chat) => ({ chat }),
    prepare(chat, route, rec) {
      const responseId = call.responseId(rec);
      return { responseId, out: call.output(route.alias, responseId, () => estimatePromptTokens(chat)), includeUsage: call.includeUsage(chat) };
    },
    beforeDispatch: ({ req, sink, r: chat, route, rec, extraHeaders, prep }) =>
      beforeChatDispatch({ req, sink, chat, route, rec, stream: !!chat.stream, extraHeaders, ...prep }),
    routingMetadata: (chat) => (call.routingMetadata ? call.routingMetadata() : (chat.metadata as Record<string, unknown> | null | undefined)),
    dispatch: ({ req, sink, r: chat, route, order, rec, extraHeaders, prep }) => runChat(req, sink, api, chat, route, order, rec, extraHeaders, prep),
    finish: call.finish ? (rec) => call.finish!(rec) : undefined,
  };
}

// The stateless APIs' endpoints are the same object for every call (built once, not ~10 closures a call).
const stateless: Partial<Record<Exclude<InboundApi, "responses">, Endpoint<ChatRequest, ChatResponse, ChatPrep>>> = {};

export function handleChat(req: GatewayRequest, sink: GatewaySink, api: InboundApi, opts: ChatOptions = {}): Promise<void> {
  const ep = api === "responses" ? chatEndpoint(api, responsesCall()) : (stateless[api] ??= chatEndpoint(api, statelessInbound(api)));
  return runPipeline(req, sink, ep, opts);
}

async function runChat(
  req: GatewayRequest,
  sink: GatewaySink,
  api: InboundApi,
  chat: ChatRequest,
  route: RouteInfo,
  order: ReturnType<typeof orderTargets>,
  rec: CallRecord,
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
  const cap = captureBodies(rec, req.body, r.text);
  if (cap) await cap;
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
