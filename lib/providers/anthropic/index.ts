import type { HttpProviderAdapter, ProviderTarget } from "../types";
import { mergeHeaders } from "../shared/headers";
import { anthropicBody, anthropicUrl } from "./request";
import { anthropicChatResponse, anthropicError, anthropicUsage } from "./response";
import { createAnthropicStream } from "./stream";

/**
 * Anthropic Messages API. Unlike the OpenAI family this is a real translation
 * (request.ts, response.ts, stream.ts); Anthropic has no embeddings endpoint.
 */

export const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

export { anthropicBody, anthropicUrl, jsonSchemaToolName, JSON_OBJECT_HINT, DEFAULT_MAX_TOKENS } from "./request";
export { anthropicChatResponse, anthropicError, anthropicUsage, extractAnthropicError, finishReason } from "./response";
export { createAnthropicStream } from "./stream";

function anthropicHeaders(target: ProviderTarget): Record<string, string> {
  const base: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": target.apiVersion ?? DEFAULT_ANTHROPIC_VERSION,
  };
  if (target.apiKey) base["x-api-key"] = target.apiKey;
  return mergeHeaders(base, target.headers);
}

export const anthropicAdapter: HttpProviderAdapter = {
  type: "anthropic",

  chatRequest(req, target) {
    return {
      method: "POST",
      url: anthropicUrl(target.baseUrl),
      headers: anthropicHeaders(target),
      body: JSON.stringify(anthropicBody(req, target)),
    };
  },

  chatResponse: anthropicChatResponse,
  chatStream: createAnthropicStream,
  error: anthropicError,
  usage: anthropicUsage,
};
