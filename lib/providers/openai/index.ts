import type {
  ChatRequest,
  ChatResponse,
  EmbeddingsRequest,
  EmbeddingsResponse,
  HttpProviderAdapter,
  ProviderTarget,
  ResponseContext,
  Usage,
} from "../types";
import { invalidUpstreamBody } from "../shared/errors";
import { mergeHeaders } from "../shared/headers";
import { isRecord, num, str, type JsonObject } from "../shared/json";
import { joinUrl } from "../shared/url";
import { normalizeOpenAIUsage } from "../shared/usage";
import { openaiError } from "./errors";
import { createOpenAIStream } from "./stream";

/**
 * OpenAI Chat Completions and every server that speaks it (DeepSeek, Mistral,
 * Groq, Together, OpenRouter, vLLM, Ollama, LM Studio): one adapter, told apart
 * only by base URL. The wire format is the canonical one, so the transforms are
 * thin: swap the model id, force usage reporting on streams, normalise errors.
 */

export { openaiError, extractOpenAIError } from "./errors";
export { createOpenAIStream, type ChunkSanitizer } from "./stream";

/** Per-provider clean-up of a whole (non-streamed) response body. */
export type BodySanitizer = (body: JsonObject) => JsonObject;

/**
 * The upstream request body: the client's request with the upstream model id.
 * Unknown fields pass through untouched (vendor extensions are the point of an
 * OpenAI-compatible adapter).
 */
export function openaiChatBody(req: ChatRequest, upstreamModel: string): JsonObject {
  const body: JsonObject = { ...req, model: upstreamModel };
  if (req.stream) {
    // Always meter: ask for the usage chunk even when the client did not; the
    // stream transformer hides it again (StreamContext.includeUsage).
    const opts = isRecord(req.stream_options) ? req.stream_options : {};
    body.stream_options = { ...opts, include_usage: true };
  } else {
    // OpenAI rejects stream_options on a non-streaming call.
    delete body.stream_options;
  }
  return body;
}

export function bearerHeaders(target: ProviderTarget): Record<string, string> {
  const base: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey) base.authorization = `Bearer ${target.apiKey}`;
  return mergeHeaders(base, target.headers);
}

/** Upstream body → ChatResponse; the public alias replaces the upstream model. */
export function openaiChatResponse(body: unknown, ctx: ResponseContext, sanitize?: BodySanitizer): ChatResponse {
  if (!isRecord(body) || !Array.isArray(body.choices)) {
    throw invalidUpstreamBody("a chat completion without choices");
  }
  const clean = sanitize ? sanitize(body) : body;
  const out: JsonObject = {
    ...clean,
    id: str(clean.id) || ctx.id,
    object: "chat.completion",
    created: num(clean.created) || ctx.created,
    model: ctx.model,
  };
  return out as unknown as ChatResponse;
}

export function openaiUsage(body: unknown): Usage | null {
  return isRecord(body) ? normalizeOpenAIUsage(body.usage) : null;
}

export function openaiEmbeddingsBody(req: EmbeddingsRequest, upstreamModel: string): JsonObject {
  return { ...req, model: upstreamModel };
}

export function openaiEmbeddingsResponse(body: unknown, ctx: ResponseContext): EmbeddingsResponse {
  if (!isRecord(body) || !Array.isArray(body.data)) {
    throw invalidUpstreamBody("an embeddings response without data");
  }
  const u = isRecord(body.usage) ? body.usage : {};
  const prompt = num(u.prompt_tokens) ?? 0;
  return {
    ...body,
    object: "list",
    data: body.data as EmbeddingsResponse["data"],
    model: ctx.model,
    usage: { prompt_tokens: prompt, total_tokens: num(u.total_tokens) ?? prompt },
  };
}

export const openaiAdapter: HttpProviderAdapter = {
  type: "openai",

  chatRequest(req, target) {
    return {
      method: "POST",
      url: joinUrl(target.baseUrl, "chat/completions"),
      headers: bearerHeaders(target),
      body: JSON.stringify(openaiChatBody(req, target.upstreamModel)),
    };
  },

  chatResponse: (body, ctx) => openaiChatResponse(body, ctx),
  chatStream: (ctx) => createOpenAIStream(ctx),

  embeddingsRequest(req, target) {
    return {
      method: "POST",
      url: joinUrl(target.baseUrl, "embeddings"),
      headers: bearerHeaders(target),
      body: JSON.stringify(openaiEmbeddingsBody(req, target.upstreamModel)),
    };
  },

  embeddingsResponse: openaiEmbeddingsResponse,
  error: openaiError,
  usage: openaiUsage,
};
