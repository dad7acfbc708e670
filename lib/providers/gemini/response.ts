/**
 * Gemini generateContent / batchEmbedContents bodies → canonical responses.
 * Shared by the non-streaming path and the stream transformer (each SSE chunk
 * of streamGenerateContent is a whole GenerateContentResponse).
 */
import type {
  ChatChoice,
  ChatResponse,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
  ResponseContext,
  ToolCall,
  Usage,
} from "../types";
import { AdapterError } from "../shared/errors";
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart, GeminiUsageMetadata } from "./wire";
import { isRecord } from "./wire";

const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/**
 * Gemini finishReason → OpenAI finish_reason. Gemini says STOP even when the
 * turn ended in function calls, so the caller tells us whether there were any.
 * Reasons with no OpenAI counterpart (MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE …)
 * become "stop": the turn is over and nothing better describes it.
 */
export function mapFinishReason(reason: string, hasToolCalls: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (FILTERED.has(reason)) return "content_filter";
  return hasToolCalls ? "tool_calls" : "stop";
}

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** True when a usageMetadata carries token counts (Vertex sends `{trafficType}` alone mid-stream). */
export function hasTokenCounts(u: GeminiUsageMetadata | undefined): u is GeminiUsageMetadata {
  return isRecord(u) && (typeof u.promptTokenCount === "number" || typeof u.totalTokenCount === "number");
}

/**
 * usageMetadata → Usage. Gemini counts thinking (thoughtsTokenCount) apart from
 * candidatesTokenCount but bills it as output, so it goes into completion_tokens
 * and is also reported as reasoning_tokens. Tokens of tool-use prompts (e.g.
 * search results fed back) are input. totalTokenCount is the sum of all of them.
 */
export function mapUsage(u: GeminiUsageMetadata | undefined): Usage | null {
  if (!hasTokenCounts(u)) return null;
  const prompt = count(u.promptTokenCount) + count(u.toolUsePromptTokenCount);
  const thoughts = count(u.thoughtsTokenCount);
  const completion = count(u.candidatesTokenCount) + thoughts;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof u.totalTokenCount === "number" ? u.totalTokenCount : prompt + completion,
  };
  if (typeof u.cachedContentTokenCount === "number") {
    usage.prompt_tokens_details = { cached_tokens: u.cachedContentTokenCount };
  }
  if (thoughts > 0) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}

/**
 * Tool call ids: Gemini rarely sends one, and OpenAI clients need one to answer
 * with a tool message. `call_<base>_<n>` is deterministic for a given response
 * (tests and retries of the transform agree) and differs between responses, so
 * ids from different turns of one conversation do not collide.
 */
export function toolCallId(base: string, n: number): string {
  const clean = base.replace(/[^A-Za-z0-9]/g, "").slice(-16);
  return clean ? `call_${clean}_${n}` : `call_${n}`;
}

/** Visible text of a part: thought summaries are reasoning, not the answer. */
export function partText(p: GeminiPart): string {
  return typeof p.text === "string" && p.thought !== true ? p.text : "";
}

/** A complete function call, or undefined (streamed partialArgs pieces have no name). */
export function partCall(p: GeminiPart, id: string): ToolCall | undefined {
  const fc = p.functionCall;
  if (!isRecord(fc) || typeof fc.name !== "string" || fc.name === "") return undefined;
  return {
    id: typeof fc.id === "string" && fc.id !== "" ? fc.id : id,
    type: "function",
    function: { name: fc.name, arguments: JSON.stringify(isRecord(fc.args) ? fc.args : {}) },
  };
}

export function blockedMessage(reason: string): string {
  return `The prompt was blocked by the provider's content filter (${reason}).`;
}

function candidateChoice(c: GeminiCandidate, position: number, idBase: string, callCounter: { n: number }): ChatChoice {
  const parts = Array.isArray(c.content?.parts) ? c.content.parts : [];
  let text = "";
  const calls: ToolCall[] = [];
  for (const p of parts) {
    if (!isRecord(p)) continue;
    text += partText(p);
    const call = partCall(p, toolCallId(idBase, callCounter.n));
    if (call) {
      calls.push(call);
      callCounter.n++;
    }
  }
  const choice: ChatChoice = {
    index: typeof c.index === "number" ? c.index : position,
    message: { role: "assistant", content: text === "" && calls.length > 0 ? null : text },
    finish_reason: mapFinishReason(c.finishReason ?? "STOP", calls.length > 0),
  };
  if (calls.length > 0) choice.message.tool_calls = calls;
  return choice;
}

export function chatResponse(body: unknown, ctx: ResponseContext): ChatResponse {
  if (!isRecord(body)) {
    throw new AdapterError({
      status: 502,
      type: "server_error",
      message: "Upstream returned a non-object generateContent body",
      code: "bad_upstream_response",
      param: null,
    });
  }
  const res = body as GeminiGenerateContentResponse;
  const candidates = Array.isArray(res.candidates) ? res.candidates.filter((c): c is GeminiCandidate => isRecord(c)) : [];
  const counter = { n: 0 };
  const idBase = typeof res.responseId === "string" ? res.responseId : ctx.id;
  let choices = candidates.map((c, i) => candidateChoice(c, i, idBase, counter));
  choices.sort((a, b) => a.index - b.index);
  const blockReason = res.promptFeedback?.blockReason;
  if (choices.length === 0 && blockReason) {
    // A blocked prompt comes back 200 with no candidates; answer like a filtered completion.
    choices = [
      {
        index: 0,
        message: { role: "assistant", content: null, refusal: blockedMessage(blockReason) },
        finish_reason: "content_filter",
      },
    ];
  }
  const out: ChatResponse = {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices,
  };
  const usage = mapUsage(res.usageMetadata);
  if (usage) out.usage = usage;
  return out;
}

export function usage(body: unknown): Usage | null {
  return isRecord(body) ? mapUsage((body as GeminiGenerateContentResponse).usageMetadata) : null;
}

// ---------- embeddings ----------

/**
 * Most Gemini embedding models report no usage at all (gemini-embedding-2 does
 * send usageMetadata.promptTokenCount). Without it we estimate ~4 characters per
 * token from the request text — close enough for metering and rate limits,
 * not for billing reconciliation.
 */
export function estimateEmbeddingTokens(input: EmbeddingsRequest["input"] | undefined): number {
  if (input === undefined) return 0;
  const texts = typeof input === "string" ? [input] : input.filter((x): x is string => typeof x === "string");
  return texts.reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
}

/** Little-endian float32 bytes, base64 — what OpenAI returns for encoding_format "base64". */
function toBase64Floats(values: number[]): string {
  const buf = new Float32Array(values);
  const bytes = new Uint8Array(buf.buffer);
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] ?? 0);
  return btoa(bin);
}

export function embeddingsResponse(body: unknown, ctx: ResponseContext): EmbeddingsResponse {
  const list = isRecord(body) && Array.isArray(body.embeddings) ? body.embeddings : undefined;
  if (!list) {
    throw new AdapterError({
      status: 502,
      type: "server_error",
      message: "Upstream returned a batchEmbedContents body without embeddings",
      code: "bad_upstream_response",
      param: null,
    });
  }
  const base64 = ctx.embeddingsRequest?.encoding_format === "base64";
  const data = list.map((e, index) => {
    const values = isRecord(e) && Array.isArray(e.values) ? e.values.filter((v): v is number => typeof v === "number") : [];
    return { object: "embedding" as const, index, embedding: base64 ? toBase64Floats(values) : values };
  });
  const reported = isRecord(body) && isRecord(body.usageMetadata) ? body.usageMetadata.promptTokenCount : undefined;
  const tokens = typeof reported === "number" ? reported : estimateEmbeddingTokens(ctx.embeddingsRequest?.input);
  return { object: "list", data, model: ctx.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
