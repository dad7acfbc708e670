/**
 * Gemini API (generativelanguage.googleapis.com, v1beta) adapter.
 *
 *   chat:       POST {root}/models/{model}:generateContent
 *   stream:     POST {root}/models/{model}:streamGenerateContent?alt=sse
 *   embeddings: POST {root}/models/{model}:batchEmbedContents
 *
 * {root} is the base URL plus /v1beta unless the base already names a version.
 * Auth is the `x-goog-api-key` header (never the ?key= query, which ends up in logs).
 */
import type { HttpProviderAdapter } from "../types";
import { mapError } from "./errors";
import { chatRequest, embeddingsRequest } from "./request";
import { chatResponse, embeddingsResponse, usage } from "./response";
import { createGeminiStream } from "./stream";

export const geminiAdapter: HttpProviderAdapter = {
  type: "gemini",
  chatRequest,
  chatResponse,
  chatStream: createGeminiStream,
  embeddingsRequest,
  embeddingsResponse,
  error: mapError,
  usage,
};

export { buildGenerateContentBody, SKIP_THOUGHT_SIGNATURE } from "./request";
export { mapFinishReason, mapUsage } from "./response";
