import type { HttpProviderAdapter, ProviderTarget } from "../types";
import { mergeHeaders } from "../shared/headers";
import { isRecord, omit, type JsonObject } from "../shared/json";
import { trimTrailingSlashes } from "../shared/url";
import {
  createOpenAIStream,
  openaiChatBody,
  openaiChatResponse,
  openaiEmbeddingsBody,
  openaiEmbeddingsResponse,
  openaiError,
  openaiUsage,
} from "../openai";

/**
 * Azure OpenAI: the OpenAI wire format behind a different URL scheme
 * (deployment in the path, api-version in the query) and an `api-key` header.
 * What differs in the answers is Azure's content-filter reporting, which an
 * OpenAI client neither expects nor needs, so it is stripped:
 *  - a first stream chunk with `choices: []` and `prompt_filter_results`
 *    (or `prompt_annotations` in async-filter mode),
 *  - annotation-only chunks (`"id": ""`, choices without `delta`, carrying
 *    `content_filter_results` / `content_filter_offsets`),
 *  - the same fields on normal chunks and on non-streamed responses.
 * A filtered completion keeps finish_reason "content_filter", which is canonical.
 */

export const DEFAULT_AZURE_API_VERSION = "2024-10-21";

const PROMPT_FILTER_KEYS = ["prompt_filter_results", "prompt_annotations"] as const;
const CHOICE_FILTER_KEYS = ["content_filter_results", "content_filter_raw", "content_filter_offsets"] as const;

export function azureUrl(target: ProviderTarget, operation: "chat/completions" | "embeddings"): string {
  // Tolerate a base URL pasted with the /openai suffix.
  const base = trimTrailingSlashes(target.baseUrl).replace(/\/openai$/, "");
  const deployment = encodeURIComponent(target.upstreamModel);
  const version = encodeURIComponent(target.apiVersion ?? DEFAULT_AZURE_API_VERSION);
  return `${base}/openai/deployments/${deployment}/${operation}?api-version=${version}`;
}

function azureHeaders(target: ProviderTarget): Record<string, string> {
  const base: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey) base["api-key"] = target.apiKey;
  return mergeHeaders(base, target.headers);
}

/** Stream chunk clean-up; null drops the chunk. */
export function sanitizeAzureChunk(chunk: JsonObject): JsonObject | null {
  const out = omit(chunk, PROMPT_FILTER_KEYS);
  if (!Array.isArray(chunk.choices)) return out;
  const choices: JsonObject[] = [];
  for (const c of chunk.choices as unknown[]) {
    if (!isRecord(c)) continue;
    const choice = omit(c, CHOICE_FILTER_KEYS);
    if (!isRecord(choice.delta)) {
      // Annotation without tokens: only worth keeping if it ends the choice
      // (the async filter reports a block as finish_reason "content_filter").
      if (choice.finish_reason == null) continue;
      choice.delta = {};
    }
    choices.push(choice);
  }
  // Annotation-only chunks disappear; a genuine `choices: []` (usage) stays.
  if (chunk.choices.length > 0 && choices.length === 0 && !isRecord(chunk.usage)) return null;
  out.choices = choices;
  return out;
}

function sanitizeAzureBody(body: JsonObject): JsonObject {
  const out = omit(body, PROMPT_FILTER_KEYS);
  if (Array.isArray(body.choices)) {
    out.choices = body.choices.map((c: unknown) => (isRecord(c) ? omit(c, CHOICE_FILTER_KEYS) : c));
  }
  return out;
}

export const azureOpenaiAdapter: HttpProviderAdapter = {
  type: "azure-openai",

  chatRequest(req, target) {
    return {
      method: "POST",
      url: azureUrl(target, "chat/completions"),
      headers: azureHeaders(target),
      // Azure routes by deployment and ignores `model`; the official SDK still
      // sends it, so we do too.
      body: JSON.stringify(openaiChatBody(req, target.upstreamModel)),
    };
  },

  chatResponse: (body, ctx) => openaiChatResponse(body, ctx, sanitizeAzureBody),
  chatStream: (ctx) => createOpenAIStream(ctx, sanitizeAzureChunk),

  embeddingsRequest(req, target) {
    return {
      method: "POST",
      url: azureUrl(target, "embeddings"),
      headers: azureHeaders(target),
      body: JSON.stringify(openaiEmbeddingsBody(req, target.upstreamModel)),
    };
  },

  embeddingsResponse: openaiEmbeddingsResponse,
  error: openaiError,
  usage: openaiUsage,
};
