/**
 * Google Vertex AI: Gemini and Claude through one provider, authenticated with
 * a service-account key (the stored secret; the gateway exchanges a signed JWT
 * for an access token at send time, see UpstreamRequest.auth).
 *
 *   Gemini: POST {base}/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent
 *                                                                         :streamGenerateContent?alt=sse
 *           embeddings :predict  {instances:[{content}]}
 *   Claude: POST {base}/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict
 *                                                                            :streamRawPredict
 *           the Messages body without `model` (it is in the URL), with anthropic_version "vertex-2023-10-16".
 *
 * {base} is https://{l}-aiplatform.googleapis.com (https://aiplatform.googleapis.com for
 * location "global") unless the provider sets one. The wire bodies are the Gemini and
 * Anthropic adapters' own; answers are told apart by shape, since response
 * transforms do not see the target. Auth and quota errors come in Google's
 * `{error:{code,status,message}}` shape even for Claude.
 */
import type { ChatRequest, EmbeddingsRequest, HttpProviderAdapter, ProviderError, ProviderTarget, SseEvent, StreamContext, StreamTransformer, UpstreamRequest } from "../types";
import { invalidRequest } from "../shared/errors";
import { mergeHeaders } from "../shared/headers";
import { isRecord, omit, safeJsonParse } from "../shared/json";
import { anthropicBody, anthropicChatResponse, anthropicError, anthropicUsage, createAnthropicStream } from "../anthropic";
import { buildGenerateContentBody } from "../gemini/request";
import { chatResponse as geminiChatResponse, embeddingsResponse as geminiEmbeddings, usage as geminiUsage } from "../gemini/response";
import { createGeminiStream } from "../gemini/stream";
import { mapError as geminiError } from "../gemini/errors";
import { CLOUD_PLATFORM_SCOPE } from "./service-account";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

export type Publisher = "google" | "anthropic";

export function publisherOf(model: string): Publisher {
  return /^claude/i.test(model) ? "anthropic" : "google";
}

function opt(target: ProviderTarget, key: string): string | undefined {
  const v = target.options?.[key];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

export function vertexLocation(target: ProviderTarget): string {
  return opt(target, "location") ?? "us-central1";
}

/**
 * The project from the options, else the service account's own project_id (the key file is
 * parsed per call then, ~10 µs: adapters keep no caches).
 */
export function vertexProject(target: ProviderTarget): string {
  const p = opt(target, "project");
  if (p) return p;
  const sa = target.apiKey ? safeJsonParse(target.apiKey) : undefined;
  if (isRecord(sa) && typeof sa.project_id === "string" && sa.project_id !== "") return sa.project_id;
  throw invalidRequest("The Vertex AI provider has no project configured", "model");
}

export function vertexBaseUrl(target: ProviderTarget): string {
  const base = target.baseUrl.replace(/\/+$/, "");
  if (base) return base;
  const loc = vertexLocation(target);
  return loc === "global" ? "https://aiplatform.googleapis.com" : `https://${loc}-aiplatform.googleapis.com`;
}

export function modelUrl(target: ProviderTarget, publisher: Publisher, action: string): string {
  const project = encodeURIComponent(vertexProject(target));
  const location = encodeURIComponent(vertexLocation(target));
  return `${vertexBaseUrl(target)}/v1/projects/${project}/locations/${location}/publishers/${publisher}/models/${encodeURIComponent(target.upstreamModel)}:${action}`;
}

function request(url: string, body: unknown, target: ProviderTarget): UpstreamRequest {
  const up: UpstreamRequest = {
    method: "POST",
    url,
    headers: mergeHeaders({ "content-type": "application/json" }, target.headers),
    body: JSON.stringify(body),
  };
  // No key: sent without a token, Google answers 401 UNAUTHENTICATED, reported as an auth failure.
  if (target.apiKey) up.auth = { kind: "google-service-account", credential: target.apiKey, scope: CLOUD_PLATFORM_SCOPE };
  return up;
}

export function chatRequest(req: ChatRequest, target: ProviderTarget): UpstreamRequest {
  if (publisherOf(target.upstreamModel) === "anthropic") {
    const body = { ...omit(anthropicBody(req, target), ["model"]), anthropic_version: VERTEX_ANTHROPIC_VERSION };
    return request(modelUrl(target, "anthropic", req.stream ? "streamRawPredict" : "rawPredict"), body, target);
  }
  return request(modelUrl(target, "google", req.stream ? "streamGenerateContent?alt=sse" : "generateContent"), buildGenerateContentBody(req), target);
}

function isAnthropicBody(body: unknown): boolean {
  return isRecord(body) && (body.type === "message" || (Array.isArray(body.content) && !("candidates" in body)));
}

/** Claude's stream names every event (`event: message_start`); Gemini's SSE names none. */
function createVertexStream(ctx: StreamContext): StreamTransformer {
  let inner: StreamTransformer | null = null;
  const pick = (ev: SseEvent) => (inner ??= ev.event ? createAnthropicStream(ctx) : createGeminiStream(ctx));
  return {
    push: (ev) => pick(ev).push(ev),
    end: () => inner?.end() ?? [],
    usage: () => inner?.usage() ?? null,
    get done() {
      return inner?.done ?? false;
    },
    error: () => inner?.error?.() ?? null,
  };
}

/** Google's `{error:{status}}` shape (auth, quota, routing) or Anthropic's `{type:"error"}` from Claude itself. */
export function mapError(status: number, bodyText: string, contentType: string | undefined): ProviderError {
  const json = safeJsonParse(bodyText.trim());
  const root = Array.isArray(json) ? json[0] : json;
  if (isRecord(root) && root.type === "error") return anthropicError(status, bodyText, contentType);
  return geminiError(status, bodyText, contentType);
}

// ---------- embeddings (:predict) ----------

function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget): UpstreamRequest {
  const raw = typeof req.input === "string" ? [req.input] : req.input;
  if (!raw.every((x): x is string => typeof x === "string")) throw invalidRequest("Vertex AI embeddings take text input, not token arrays", "input");
  const body: Record<string, unknown> = { instances: (raw as string[]).map((content) => ({ content })) };
  if (typeof req.dimensions === "number") body.parameters = { outputDimensionality: req.dimensions };
  return request(modelUrl(target, "google", "predict"), body, target);
}

export const vertexAdapter: HttpProviderAdapter = {
  type: "vertex",
  chatRequest,
  chatResponse: (body, ctx) => (isAnthropicBody(body) ? anthropicChatResponse(body, ctx) : geminiChatResponse(body, ctx)),
  chatStream: createVertexStream,
  embeddingsRequest,
  embeddingsResponse(body, ctx) {
    // {predictions:[{embeddings:{values, statistics:{token_count}}}]} → the Gemini API's batch shape.
    const predictions = isRecord(body) && Array.isArray(body.predictions) ? body.predictions : [];
    let tokens = 0;
    let counted = false;
    const embeddings = predictions.map((p) => {
      const e = isRecord(p) && isRecord(p.embeddings) ? p.embeddings : {};
      const count = isRecord(e.statistics) ? e.statistics.token_count : undefined;
      if (typeof count === "number") {
        tokens += count;
        counted = true;
      }
      return { values: Array.isArray(e.values) ? e.values : [] };
    });
    return geminiEmbeddings(isRecord(body) && Array.isArray(body.predictions) ? { embeddings, ...(counted ? { usageMetadata: { promptTokenCount: tokens } } : {}) } : body, ctx);
  },
  error: mapError,
  usage: (body) => (isAnthropicBody(body) ? anthropicUsage(body) : geminiUsage(body)),
};
