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
