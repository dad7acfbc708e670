import { encode } from "gpt-tokenizer";
import type { ChatMessage, ChatRequest } from "@/lib/providers/types";

/** Token count of a text with the o200k tokenizer (an estimate for non-OpenAI models). */
export function countTokens(text: string): number {
  if (!text) return 0;
  return encode(text).length;
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
