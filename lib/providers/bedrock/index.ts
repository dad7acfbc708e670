/**
 * AWS Bedrock Runtime: the Converse API for chat (any Bedrock model with one
 * request shape), InvokeModel for Titan and Cohere embeddings.
 *
 *   chat:       POST {base}/model/{modelId}/converse
 *   stream:     POST {base}/model/{modelId}/converse-stream   (binary event stream, not SSE)
 *   embeddings: POST {base}/model/{modelId}/invoke
 *
 * {base} is https://bedrock-runtime.{region}.amazonaws.com unless the provider
 * sets its own (VPC endpoint, a proxy, a fake). Auth: SigV4 with access keys
 * (applied by the gateway at send time, see UpstreamRequest.auth) or a Bedrock
 * API key sent as a bearer token.
 */
import type { HttpProviderAdapter } from "../types";
import { createEventStreamDecoder } from "./eventstream";
import { chatRequest, embeddingsRequest } from "./request";
import { chatResponse, embeddingsResponse, mapError, usage } from "./response";
import { createBedrockStream } from "./stream";

export const bedrockAdapter: HttpProviderAdapter = {
  type: "bedrock",
  chatRequest,
  chatResponse,
  chatStream: createBedrockStream,
  streamDecoder: createEventStreamDecoder,
  embeddingsRequest,
  embeddingsResponse,
  error: mapError,
  usage,
};

export { parseAwsKeys, authMode, bedrockRegion, embeddingFamily } from "./request";
