/**
 * Canonical wire types shared by every provider adapter.
 *
 * Portico's canonical shape is OpenAI Chat Completions: every inbound API
 * (OpenAI, Anthropic Messages) is turned into a ChatRequest, every provider
 * adapter turns a ChatRequest into its own wire request and its answers back
 * into ChatResponse / ChatChunk. Adapters are pure: no I/O, no globals, no
 * imports from the rest of Portico except these types.
 */

// ---------- request ----------

export type ImageDetail = "auto" | "low" | "high";

export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: ImageDetail } }
  | { type: "input_audio"; input_audio: { data: string; format: string } }
  | { type: "file"; file: { file_data?: string; file_id?: string; filename?: string } };

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system" | "developer"; content: string | ContentPart[]; name?: string }
  | { role: "user"; content: string | ContentPart[]; name?: string }
  | {
      role: "assistant";
      content?: string | ContentPart[] | null;
      name?: string;
      tool_calls?: ToolCall[];
      refusal?: string | null;
    }
  | { role: "tool"; content: string | ContentPart[]; tool_call_id: string };

export interface FunctionTool {
  type: "function";
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export type ToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: {
        name: string;
        description?: string;
        schema?: Record<string, unknown>;
        strict?: boolean | null;
      };
    };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  user?: string;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  reasoning_effort?: string | null;
  metadata?: Record<string, string> | null;
  /** Anything else the client sent; openai-compatible adapters pass it through. */
  [extra: string]: unknown;
}

// ---------- response ----------

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number };
}

export interface ChatChoice {
  index: number;
  message: {
    role: "assistant";
    content: string | null;
    refusal?: string | null;
    tool_calls?: ToolCall[];
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatResponse {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChatChunkChoice {
  index: number;
  delta: {
    role?: "assistant";
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ChunkToolCallDelta[];
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
}

// ---------- embeddings ----------

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: "float" | "base64";
  dimensions?: number;
  user?: string;
}

export interface EmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

// ---------- adapter contract ----------

export type ProviderType = "openai" | "azure-openai" | "anthropic" | "gemini" | "bedrock" | "vertex" | "mock";

/** Everything an adapter needs to know about where and how to call. */
export interface ProviderTarget {
  /** e.g. https://api.openai.com/v1, https://api.anthropic.com, https://my.openai.azure.com */
  baseUrl: string;
  /** decrypted credential; undefined for keyless upstreams (Ollama, mock) */
  apiKey?: string;
  /** the provider's own model id (Azure: the deployment name) */
  upstreamModel: string;
  /** admin-configured extra headers, sent as-is */
  headers?: Record<string, string>;
  /** Azure api-version; Anthropic anthropic-version override */
  apiVersion?: string;
  /** default max_tokens when the request gives none (Anthropic requires one) */
  defaultMaxTokens?: number;
  /** free-form provider options (mock: latency, tokens/s, reply length ...) */
  options?: Record<string, unknown>;
}

export interface UpstreamRequest {
  method: "POST" | "GET";
  /** absolute URL */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * Credentials that can only be applied at send time, after every header is
   * final: a SigV4 signature covers the headers (trace headers are added after
   * the adapter ran), a Google access token comes from a token exchange (I/O,
   * which adapters do not do). The gateway resolves it just before sending.
   */
  auth?: UpstreamAuth;
}

export type UpstreamAuth =
  | {
      kind: "aws-sigv4";
      /** signing name, `bedrock` for bedrock-runtime */
      service: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
    }
  | {
      kind: "google-service-account";
      /** the service-account JSON as stored (the cache key of its access token) */
      credential: string;
      scope: string;
    };

/**
 * Framing of a non-SSE stream (Bedrock's binary event stream): bytes in,
 * events out, kept incremental because frames split across reads. A framing
 * problem (bad CRC) comes out as an event the adapter's transformer turns into
 * an error, so the gateway has one path for in-stream failures.
 */
export interface StreamDecoder {
  feed(bytes: Uint8Array): SseEvent[];
}

/** One server-sent event as parsed from the upstream byte stream. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Stateful per-stream transformer: provider SSE events in, canonical chunks out.
 * `push` may return zero or more chunks. `usage()` returns what the stream
 * reported so far (null if the provider sent none). `done` tells whether the
 * provider signalled a normal end (OpenAI [DONE], Anthropic message_stop,
 * Gemini finishReason) — a stream that closes without it was cut.
 */
export interface StreamTransformer {
  push(ev: SseEvent): ChatChunk[];
  /** called once when the upstream byte stream ends; may flush trailing chunks */
  end(): ChatChunk[];
  usage(): Usage | null;
  readonly done: boolean;
  /**
   * Set when the provider reported an error inside an already-started stream
   * (Anthropic `event: error`, an OpenAI-compatible `data: {"error": ...}`).
   * Once non-null the stream is over: `push` returns nothing more and `done`
   * stays false. Optional so adapters without in-stream errors may omit it.
   */
  error?(): ProviderError | null;
}

/** A provider error normalised to what the gateway needs to decide and answer. */
export interface ProviderError {
  /** HTTP status to report (upstream's, or 502 when it sent garbage) */
  status: number;
  /** OpenAI-style error type, e.g. invalid_request_error, rate_limit_error, server_error */
  type: string;
  message: string;
  code?: string | null;
  param?: string | null;
  /**
   * Retry delay the provider put in the error body rather than a Retry-After
   * header (Gemini's google.rpc.RetryInfo `retryDelay: "34.4s"`), in ms.
   */
  retryAfterMs?: number;
}

export interface StreamContext {
  /** model name to report in chunks (the public alias the client asked for) */
  model: string;
  /** response id to use if the provider gives none */
  id: string;
  created: number;
  /**
   * Whether the client asked for `stream_options.include_usage`. Adapters always
   * ask upstream for usage (for metering) and emit the final usage-only chunk
   * (`choices: []`) only when this is true; `usage()` reports it either way.
   */
  includeUsage?: boolean;
  /**
   * The canonical request this stream answers, for adapters that must undo a
   * request-side emulation (e.g. Anthropic's forced tool for json_schema).
   */
  request?: ChatRequest;
}

export interface ResponseContext {
  model: string;
  id: string;
  created: number;
  /** The canonical request this response answers (see StreamContext.request). */
  request?: ChatRequest;
  /**
   * The embeddings request an embeddingsResponse answers: Gemini reports no
   * usage for most embedding models (the adapter estimates it from the input)
   * and has no base64 output (the adapter encodes when encoding_format asks).
   */
  embeddingsRequest?: EmbeddingsRequest;
}

export interface HttpProviderAdapter {
  readonly type: Exclude<ProviderType, "mock">;
  /** Build the upstream call for a chat completion. `stream` decides the endpoint/flags. */
  chatRequest(req: ChatRequest, target: ProviderTarget): UpstreamRequest;
  /** Turn the upstream JSON body of a successful non-streaming call into a ChatResponse. */
  chatResponse(body: unknown, ctx: ResponseContext): ChatResponse;
  /** A fresh transformer for one streaming call. */
  chatStream(ctx: StreamContext): StreamTransformer;
  /** Embeddings, where the provider has them. */
  embeddingsRequest?(req: EmbeddingsRequest, target: ProviderTarget): UpstreamRequest;
  embeddingsResponse?(body: unknown, ctx: ResponseContext): EmbeddingsResponse;
  /**
   * Map a non-2xx answer (status, raw body text, content-type) to a ProviderError.
   * `headers` (lower-case names) for providers that name the error there (Bedrock's x-amzn-ErrorType).
   */
  error(status: number, bodyText: string, contentType: string | undefined, headers?: Record<string, string | string[] | undefined>): ProviderError;
  /** Extract usage from a non-streaming body (also used for logging failures). */
  usage(body: unknown): Usage | null;
  /** A fresh decoder per stream when the stream is not SSE (Bedrock event stream). */
  streamDecoder?(): StreamDecoder;
}
