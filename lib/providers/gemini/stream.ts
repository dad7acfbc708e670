/**
 * streamGenerateContent?alt=sse → canonical chunks. Every `data:` line is a
 * complete GenerateContentResponse holding only the new parts; usageMetadata is
 * cumulative and repeated, so the last one with counts wins.
 */
import type { ChatChunk, ChatChunkChoice, ChunkToolCallDelta, ProviderError, SseEvent, StreamContext, StreamTransformer, Usage } from "../types";
import { errorFromJson } from "./errors";
import { blockedMessage, hasTokenCounts, mapFinishReason, mapUsage, partCall, partText, toolCallId } from "./response";
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from "./wire";
import { isRecord } from "./wire";

export function createGeminiStream(ctx: StreamContext): StreamTransformer {
  let done = false;
  let usage: Usage | null = null;
  let error: ProviderError | null = null;
  let idBase: string | undefined;
  let callCounter = 0;
  const roleSent = new Set<number>();
  // per choice index: how many tool calls so far (the OpenAI tool_calls[].index)
  const toolCounts = new Map<number, number>();

  function chunk(choices: ChatChunkChoice[]): ChatChunk {
    return { id: ctx.id, object: "chat.completion.chunk", created: ctx.created, model: ctx.model, choices };
  }

  function withRole(index: number, delta: ChatChunkChoice["delta"]): ChatChunkChoice["delta"] {
    if (roleSent.has(index)) return delta;
    roleSent.add(index);
    return { role: "assistant", ...delta };
  }

  function push(ev: SseEvent): ChatChunk[] {
    if (error) return [];
    const data = ev.data.trim();
    if (data === "" || data === "[DONE]") return [];
    let json: unknown;
    try {
      json = JSON.parse(data) as unknown;
    } catch {
      // A stray non-JSON line is not worth killing an otherwise healthy stream.
      return [];
    }
    if (!isRecord(json)) return [];
    if (isRecord(json.error)) {
      // Google reports mid-stream failures as a data line with a google.rpc.Status.
      error = errorFromJson(0, json) ?? null;
      return [];
    }
    const res = json as GeminiGenerateContentResponse;
    if (hasTokenCounts(res.usageMetadata)) usage = mapUsage(res.usageMetadata);
    if (idBase === undefined) idBase = typeof res.responseId === "string" ? res.responseId : ctx.id;
    const out: ChatChunk[] = [];
    const candidates = Array.isArray(res.candidates) ? res.candidates.filter((c): c is GeminiCandidate => isRecord(c)) : [];
    if (candidates.length === 0 && res.promptFeedback?.blockReason) {
      done = true;
      out.push(
        chunk([{ index: 0, delta: withRole(0, { refusal: blockedMessage(res.promptFeedback.blockReason) }), finish_reason: "content_filter" }]),
      );
      return out;
    }
    candidates.forEach((c, position) => {
      const index = typeof c.index === "number" ? c.index : position;
      const parts = Array.isArray(c.content?.parts) ? c.content.parts.filter((p): p is GeminiPart => isRecord(p)) : [];
      let text = "";
      const calls: ChunkToolCallDelta[] = [];
      for (const p of parts) {
        text += partText(p);
        const call = partCall(p, toolCallId(idBase ?? ctx.id, callCounter));
        if (!call) continue;
        callCounter++;
        const n = toolCounts.get(index) ?? 0;
        toolCounts.set(index, n + 1);
        // Gemini sends each call whole, so one delta carries id, name and all arguments.
        calls.push({ index: n, id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } });
      }
      if (text !== "" || calls.length > 0) {
        const delta: ChatChunkChoice["delta"] = {};
        if (text !== "") delta.content = text;
        if (calls.length > 0) delta.tool_calls = calls;
        out.push(chunk([{ index, delta: withRole(index, delta), finish_reason: null }]));
      }
      if (typeof c.finishReason === "string" && c.finishReason !== "" && c.finishReason !== "FINISH_REASON_UNSPECIFIED") {
        done = true;
        const reason = mapFinishReason(c.finishReason, (toolCounts.get(index) ?? 0) > 0);
        out.push(chunk([{ index, delta: withRole(index, {}), finish_reason: reason }]));
      }
    });
    return out;
  }

  return {
    push,
    end(): ChatChunk[] {
      // OpenAI's include_usage contract: one last chunk, no choices, the totals.
      if (ctx.includeUsage && usage && !error) return [{ ...chunk([]), usage }];
      return [];
    },
    usage: () => usage,
    get done() {
      return done && !error;
    },
    error: () => error,
  };
}
