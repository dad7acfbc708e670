/**
 * Canonical chunks → Anthropic Messages SSE. One encoder per response; it
 * writes the event sequence Anthropic's SDKs accumulate:
 *
 *   message_start, ping,
 *   (content_block_start, content_block_delta*, content_block_stop)*,
 *   message_delta {stop_reason, usage}, message_stop
 *
 * message_start carries the input token count, as Anthropic sends it (LangChain and
 * cost hooks read it there): the upstream's own count when it came before the first
 * chunk (`prime`: an Anthropic upstream's message_start, Gemini's first chunk), else
 * the gateway's estimate from the prompt. message_delta then carries the final
 * figures (the SDK overwrites with them when present).
 */
import type { ChatChunk, Usage } from "@/lib/providers/types";
import type { AnthropicStopReason } from "./anthropic-types";
import { anthropicMessageId, toAnthropicErrorType, toAnthropicStopReason, toAnthropicUsage } from "./anthropic-common";

export interface AnthropicStreamEncoder {
  /** SSE text for one canonical chunk ("" when it changes nothing visible). */
  chunk(c: ChatChunk): string;
  /**
   * Close open blocks and send message_delta + message_stop, if not yet sent.
   * For a normal end only: a cut upstream stream should get `error()` instead.
   * `usage` (e.g. the transformer's usage()) wins over usage seen in chunks.
   */
  end(usage: Usage | null): string;
  /** A mid-stream failure: an `event: error`; nothing is sent after it. */
  error(type: string, message: string): string;
  /** The upstream's usage known before the first chunk (its input count goes into message_start). */
  prime(usage: Usage | null): void;
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

type OpenBlock = { kind: "text"; index: number } | { kind: "tool"; index: number; toolIndex: number };

/**
 * @param model the model name to report (the alias the client asked for)
 * @param id response id; becomes `msg_<id without punctuation>`
 * @param estimatedInputTokens what message_start reports as input_tokens when the
 *   provider's count is not known yet (the gateway's own estimate; a function is only
 *   called when needed — tokenizing the prompt is not free)
 */
export function createAnthropicStreamEncoder(model: string, id: string, estimatedInputTokens: number | (() => number) = 0): AnthropicStreamEncoder {
  let started = false;
  let closed = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;
  // canonical tool_calls[].index → Anthropic content block index
  const toolBlocks = new Map<number, number>();
  let finishReason: string | null = null;
  let lastUsage: Usage | null = null;
  let primed: Usage | null = null;
  let startInput = 0;

  function start(): string {
    if (started) return "";
    started = true;
    const known = lastUsage ?? primed;
    const u = known ? toAnthropicUsage(known) : null;
    startInput = u ? u.input_tokens : typeof estimatedInputTokens === "function" ? estimatedInputTokens() : estimatedInputTokens;
    const message = {
      id: anthropicMessageId(id),
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: startInput, output_tokens: 0, ...(u?.cache_read_input_tokens ? { cache_read_input_tokens: u.cache_read_input_tokens } : {}) },
    };
    return event("message_start", { type: "message_start", message }) + event("ping", { type: "ping" });
  }

  function closeOpen(): string {
    if (!open) return "";
    const out = event("content_block_stop", { type: "content_block_stop", index: open.index });
    open = null;
    return out;
  }

  function text(t: string): string {
    let out = "";
    if (open?.kind !== "text") {
      out += closeOpen();
      open = { kind: "text", index: nextIndex++ };
      out += event("content_block_start", { type: "content_block_start", index: open.index, content_block: { type: "text", text: "" } });
    }
    return out + event("content_block_delta", { type: "content_block_delta", index: open.index, delta: { type: "text_delta", text: t } });
  }

  function toolDelta(tc: NonNullable<ChatChunk["choices"][number]["delta"]["tool_calls"]>[number]): string {
    let out = "";
    let index = toolBlocks.get(tc.index);
    if (index === undefined) {
      out += closeOpen();
      index = nextIndex++;
      toolBlocks.set(tc.index, index);
      open = { kind: "tool", index, toolIndex: tc.index };
      const block = { type: "tool_use", id: tc.id ?? `toolu_${anthropicMessageId(id).slice(4)}_${tc.index}`, name: tc.function?.name ?? "", input: {} };
      out += event("content_block_start", { type: "content_block_start", index, content_block: block });
    }
    const args = tc.function?.arguments;
    if (args) {
      // Deltas for a call whose block was already closed (interleaved parallel
      // calls) still go to its index: the SDK accumulates by index.
      out += event("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: args } });
    }
    return out;
  }

  return {
    chunk(c: ChatChunk): string {
      if (closed) return "";
      if (c.usage) lastUsage = c.usage;
      let out = start();
      // Anthropic has one message per response: only the first choice is sent.
      const choice = c.choices.find((ch) => ch.index === 0);
      if (!choice) return out;
      const d = choice.delta;
      if (d.content) out += text(d.content);
      if (d.refusal) out += text(d.refusal);
      for (const tc of d.tool_calls ?? []) out += toolDelta(tc);
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return out;
    },

    end(usage: Usage | null): string {
      if (closed) return "";
      let out = start() + closeOpen();
      closed = true;
      const stop: AnthropicStopReason = toAnthropicStopReason(finishReason, toolBlocks.size > 0);
      const known = usage ?? lastUsage;
      // Without a provider count, keep the estimate rather than overwrite it with 0.
      const u = known ? toAnthropicUsage(known) : { input_tokens: startInput, output_tokens: 0 };
      out += event("message_delta", {
        type: "message_delta",
        delta: { stop_reason: stop, stop_sequence: null },
        usage: {
          input_tokens: u.input_tokens,
          output_tokens: u.output_tokens,
          ...(u.cache_read_input_tokens ? { cache_read_input_tokens: u.cache_read_input_tokens } : {}),
        },
      });
      return out + event("message_stop", { type: "message_stop" });
    },

    prime(usage: Usage | null): void {
      if (usage) primed = usage;
    },

    error(type: string, message: string): string {
      if (closed) return "";
      closed = true;
      return event("error", { type: "error", error: { type: toAnthropicErrorType(type, 500), message } });
    },
  };
}
