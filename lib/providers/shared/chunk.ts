import type { ChatChunk, ChatChunkChoice, FinishReason, StreamContext, Usage } from "../types";

/**
 * Builders for canonical chunks, used by adapters that synthesise the OpenAI
 * stream shape from a different wire format (Anthropic, mock).
 */

export function deltaChunk(
  ctx: StreamContext,
  id: string,
  delta: ChatChunkChoice["delta"],
  finishReason: FinishReason | null = null,
): ChatChunk {
  return {
    id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The final usage-only chunk OpenAI sends when `stream_options.include_usage` is set. */
export function usageChunk(ctx: StreamContext, id: string, usage: Usage): ChatChunk {
  return {
    id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    choices: [],
    usage,
  };
}
