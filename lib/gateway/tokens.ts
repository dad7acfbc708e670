import type { ChatMessage, ChatRequest } from "@/lib/providers/types";
import { boundedTokenCount } from "./token-estimate";

/**
 * Token count of a text with the o200k tokenizer (an estimate for non-OpenAI models), with
 * its CPU cost bounded: the tokenizer alone is quadratic on a long run without whitespace
 * (64 KiB of one letter: ~11 s of CPU), and callers choose these texts (token-estimate.ts).
 */
export function countTokens(text: string): number {
  return boundedTokenCount(text);
}

function contentText(c: ChatMessage["content"]): string {
  if (c == null) return "";
  if (typeof c === "string") return c;
  return c.map((p) => (p.type === "text" ? p.text : "")).join("\n");
}

/** Prompt tokens of a chat request: content + a small per-message overhead, like OpenAI's accounting. */
export function estimatePromptTokens(req: ChatRequest): number {
  let n = 3;
  for (const m of req.messages) {
    n += 4 + countTokens(contentText(m.content));
    if (m.role === "assistant" && m.tool_calls) for (const t of m.tool_calls) n += countTokens(t.function.name + t.function.arguments);
  }
  if (req.tools) n += countTokens(JSON.stringify(req.tools));
  return n;
}

/**
 * UTF-8 bytes per token used for reservations. o200k averages ~4.5 characters a token on English
 * prose, ~3.5–4 on code and JSON, and ~1 token per CJK character (3 bytes): 4 bytes a token
 * over-reserves prose slightly, is within ~35% on code and CJK, and under-reserves dense JSON
 * (~2.5 bytes a token) by up to ~40%, which reconciliation then charges (token-estimate.test.ts).
 */
export const RESERVE_BYTES_PER_TOKEN = 4;

/**
 * A prompt-token estimate for admission (rate-limit and budget reservations) that never runs the
 * tokenizer: the UTF-8 size of the same texts estimatePromptTokens counts, at
 * RESERVE_BYTES_PER_TOKEN, plus the same per-message overhead. Tokenising every prompt just to
 * reserve cost most of a limited call's CPU; the reservation is reconciled with the provider's
 * usage when the call ends, so the limits stay exact.
 */
export function reservePromptTokens(req: ChatRequest): number {
  let bytes = 0;
  let n = 3;
  for (const m of req.messages) {
    n += 4;
    const c = m.content;
    if (typeof c === "string") bytes += Buffer.byteLength(c, "utf8");
    else if (c) for (const p of c) if (p.type === "text") bytes += Buffer.byteLength(p.text, "utf8") + 1;
    if (m.role === "assistant" && m.tool_calls) for (const t of m.tool_calls) bytes += Buffer.byteLength(t.function.name, "utf8") + Buffer.byteLength(t.function.arguments, "utf8");
  }
  if (req.tools) bytes += Buffer.byteLength(JSON.stringify(req.tools), "utf8");
  return n + Math.ceil(bytes / RESERVE_BYTES_PER_TOKEN);
}
