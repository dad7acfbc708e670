import type { ChatChunk, ChatResponse, Usage } from "@/lib/providers/types";
import { RAW_JSON } from "@/lib/providers/shared/json";
import { createAnthropicStreamEncoder, chatResponseToAnthropic } from "./inbound/anthropic-messages";
import { streamErrorEvent, type GatewayError } from "./errors";
import type { InboundApi } from "./types";

/** How a chat answer is written in the caller's API: OpenAI chunks/JSON or Anthropic events/JSON. */
export interface ChatOutput {
  chunk(c: ChatChunk): string;
  /** the normal end of a stream */
  end(usage: Usage | null): string;
  /** a stream that broke after it started */
  error(e: GatewayError): string;
  response(res: ChatResponse): string;
  /** the upstream's usage as known before the first chunk (Anthropic out: input_tokens of message_start) */
  prime?(usage: Usage | null): void;
}

const DONE = "data: [DONE]\n\n";

/** `estimateInput`: the prompt's token estimate, called only when a stream starts before the upstream's count is known. */
export function chatOutput(api: InboundApi, model: string, id: string, estimateInput?: () => number): ChatOutput {
  if (api === "anthropic") {
    const enc = createAnthropicStreamEncoder(model, id, estimateInput);
    return {
      chunk: (c) => enc.chunk(c),
      end: (u) => enc.end(u),
      error: (e) => enc.error(e.type === "overloaded_error" ? "overloaded_error" : "api_error", e.message),
      response: (r) => JSON.stringify(chatResponseToAnthropic(r, model)),
      prime: (u) => enc.prime(u),
    };
  }
  return {
    chunk: (c) => `data: ${(c as { [RAW_JSON]?: string })[RAW_JSON] ?? JSON.stringify(c)}\n\n`,
    end: () => DONE,
    error: (e) => streamErrorEvent("openai", e),
    response: (r) => JSON.stringify(r),
  };
}

export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: no proxy (or Next) may gzip/buffer the stream.
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};
