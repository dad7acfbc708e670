/**
 * Bedrock answers → canonical: the Converse response, usage, embeddings
 * (Titan / Cohere InvokeModel bodies) and errors.
 *
 * Errors: Bedrock names the error in `x-amzn-ErrorType` (`ThrottlingException:http://internal.amazon.com/…`,
 * split at ':'), the body is `{"message": "…"}` (sometimes `{"Message": …}`, or a
 * `__type` from some front ends); without a name the HTTP status decides.
 * Auth failures are 403 (UnrecognizedClientException, AccessDeniedException,
 * expired tokens); throttling is 429 ThrottlingException without Retry-After.
 */
import type { ChatResponse, EmbeddingsResponse, FinishReason, ProviderError, ResponseContext, ToolCall, Usage } from "../types";
import { errorFromBody, invalidUpstreamBody } from "../shared/errors";
import { isRecord, num, str, type JsonObject } from "../shared/json";
import { jsonSchemaTool } from "./request";

export function finishReason(stop: unknown, hasToolCalls: boolean): FinishReason {
  switch (stop) {
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

/** Converse usage → canonical. Cache reads count inside prompt_tokens, as OpenAI counts cached tokens. */
export function mapUsage(u: unknown): Usage | null {
  if (!isRecord(u)) return null;
  const input = num(u.inputTokens);
  const output = num(u.outputTokens);
  if (input === undefined && output === undefined) return null;
  const cacheRead = num(u.cacheReadInputTokens) ?? 0;
  const cacheWrite = num(u.cacheWriteInputTokens) ?? 0;
  const prompt = (input ?? 0) + cacheRead + cacheWrite;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: output ?? 0, total_tokens: prompt + (output ?? 0) };
  if (cacheRead > 0) usage.prompt_tokens_details = { cached_tokens: cacheRead };
  return usage;
}

export function usage(body: unknown): Usage | null {
  return isRecord(body) ? mapUsage(body.usage) : null;
}

function argsOf(input: unknown): string {
  return JSON.stringify(isRecord(input) || Array.isArray(input) ? input : {});
}

export function chatResponse(body: unknown, ctx: ResponseContext): ChatResponse {
  if (!isRecord(body) || !isRecord(body.output)) throw invalidUpstreamBody("a Converse body without output");
  const message = isRecord(body.output.message) ? body.output.message : undefined;
  const content: unknown[] = Array.isArray(message?.content) ? message.content : [];
  const jsonTool = jsonSchemaTool(ctx.request);
  let text = "";
  let jsonText: string | undefined;
  const calls: ToolCall[] = [];
  for (const b of content) {
    if (!isRecord(b)) continue;
    if (typeof b.text === "string") text += b.text;
    else if (isRecord(b.toolUse)) {
      const name = str(b.toolUse.name) ?? "";
      if (jsonTool !== undefined && name === jsonTool) {
        jsonText = argsOf(b.toolUse.input);
        continue;
      }
      calls.push({ id: str(b.toolUse.toolUseId) ?? `call_${calls.length}`, type: "function", function: { name, arguments: argsOf(b.toolUse.input) } });
    }
    // reasoningContent, citations, guardContent … have no Chat Completions equivalent.
  }
  const finish = jsonText !== undefined && body.stopReason === "tool_use" ? "stop" : finishReason(body.stopReason, calls.length > 0);
  const msg: ChatResponse["choices"][number]["message"] = { role: "assistant", content: jsonText ?? (text === "" && calls.length ? null : text), refusal: null };
  if (calls.length) msg.tool_calls = calls;
  const out: ChatResponse = {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message: msg, finish_reason: finish, logprobs: null }],
  };
  const u = mapUsage(body.usage);
  if (u) out.usage = u;
  return out;
}

// ---------- errors ----------

/** `ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/` → `ThrottlingException` */
export function errorTypeName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const name = raw.split(":")[0]!.split("#").pop()!.trim();
  return name || undefined;
}

const BY_TYPE: Record<string, { status?: number; type: string }> = {
  ValidationException: { type: "invalid_request_error" },
  AccessDeniedException: { type: "permission_error" },
  UnrecognizedClientException: { status: 401, type: "authentication_error" },
  InvalidSignatureException: { status: 401, type: "authentication_error" },
  ExpiredTokenException: { status: 401, type: "authentication_error" },
  IncompleteSignatureException: { status: 401, type: "authentication_error" },
  MissingAuthenticationTokenException: { status: 401, type: "authentication_error" },
  ResourceNotFoundException: { type: "not_found_error" },
  ThrottlingException: { status: 429, type: "rate_limit_error" },
  ServiceQuotaExceededException: { status: 429, type: "rate_limit_error" },
  ModelNotReadyException: { status: 503, type: "server_error" },
  ServiceUnavailableException: { status: 503, type: "server_error" },
  InternalServerException: { status: 500, type: "server_error" },
  ModelTimeoutException: { status: 504, type: "timeout_error" },
  ModelErrorException: { status: 502, type: "server_error" },
  ModelStreamErrorException: { status: 502, type: "server_error" },
};

function fieldsOf(json: unknown, typeHint: string | undefined) {
  if (!isRecord(json)) return undefined;
  const message = str(json.message) ?? str(json.Message);
  const name = errorTypeName(typeHint ?? str(json.__type) ?? str(json.code));
  return { message, name };
}

/** Map an error; the type comes from the `x-amzn-ErrorType` response header, else the body's `__type`. */
export function mapError(status: number, bodyText: string, contentType: string | undefined, headers?: Record<string, string | string[] | undefined>): ProviderError {
  const h = headers?.["x-amzn-errortype"];
  const amznType = Array.isArray(h) ? h[0] : h;
  let name: string | undefined = errorTypeName(amznType);
  const pe = errorFromBody(status, bodyText, contentType, (json) => {
    const f = fieldsOf(json, amznType);
    name ??= f?.name;
    return f?.message ? { message: f.message, code: f.name } : undefined;
  });
  const known = name ? BY_TYPE[name] : undefined;
  if (known) {
    pe.type = known.type;
    if (known.status) pe.status = known.status;
    pe.code = name ?? null;
  }
  // A 403 that does not say it is a permission problem is Bedrock's usual auth failure.
  if (!known && status === 403) pe.type = "authentication_error";
  return pe;
}

/** An exception frame inside a 200 ConverseStream (`:exception-type` + `{"message"}`). */
export function streamException(exceptionType: string, payload: string): ProviderError {
  let message = "";
  try {
    const j = JSON.parse(payload) as unknown;
    if (isRecord(j)) message = str(j.message) ?? str(j.Message) ?? "";
  } catch {
    // a non-JSON payload: the type alone names the failure
  }
  // Stream exceptions use lowerCamel names (throttlingException); the table uses the HTTP ones.
  const name = exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1);
  const known = BY_TYPE[name];
  return {
    status: known?.status ?? 500,
    type: known?.type ?? "server_error",
    message: message || `Bedrock stream failed with ${name}`,
    code: name,
    param: null,
  };
}

// ---------- embeddings ----------

function toBase64Floats(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

function estimateTokens(input: unknown): number {
  const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input.filter((x): x is string => typeof x === "string") : [];
  return texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
}

function floatLists(body: JsonObject): number[][] | undefined {
  // Titan: {"embedding": [...], "inputTextTokenCount": n}
  if (Array.isArray(body.embedding)) return [body.embedding as number[]];
  // Cohere v3: {"embeddings": [[...]]}, or with embedding_types {"embeddings": {"float": [[...]]}}
  if (Array.isArray(body.embeddings)) return body.embeddings as number[][];
  if (isRecord(body.embeddings) && Array.isArray(body.embeddings.float)) return body.embeddings.float as number[][];
  return undefined;
}

export function embeddingsResponse(body: unknown, ctx: ResponseContext): EmbeddingsResponse {
  const lists = isRecord(body) ? floatLists(body) : undefined;
  if (!lists || !lists.every((l) => Array.isArray(l) && l.every((x) => typeof x === "number"))) {
    throw invalidUpstreamBody("an embeddings body without float vectors");
  }
  const base64 = ctx.embeddingsRequest?.encoding_format === "base64";
  const reported = isRecord(body) ? num(body.inputTextTokenCount) : undefined;
  const tokens = reported ?? estimateTokens(ctx.embeddingsRequest?.input);
  return {
    object: "list",
    data: lists.map((values, index) => ({ object: "embedding" as const, index, embedding: base64 ? toBase64Floats(values) : values })),
    model: ctx.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
