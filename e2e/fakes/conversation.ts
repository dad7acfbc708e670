/**
 * What a chat request asked for, reduced to what the fake's answer depends on, and the
 * deterministic answer itself. Each dialect parses its own request shape into a Conversation;
 * the reply text, its stream pieces, token counts and tool calls are computed here once so all
 * four wire formats answer the same thing for the same question.
 *
 * Determinism rules (tests rely on them):
 * - reply text = `Fake <dialect> reply from <model>: you said "<first 40 chars of the last user
 *   message>".` padded with " lorem" words up to the chunk count, cut at max tokens;
 * - prompt tokens = ceil(chars of all message texts (system included) / 4), at least 1;
 * - completion tokens = number of words emitted (a word = leading whitespace + non-space run),
 *   or for tool calls the number of argument pieces emitted;
 * - the concatenation of a stream's pieces equals the non-stream text.
 */

import type { Behavior } from "./behavior";
import type { Dialect } from "./types";

export interface ToolSpec {
  name: string;
  parameters: unknown;
}

export interface Conversation {
  promptChars: number;
  lastUser: string;
  tools: ToolSpec[];
  /** Tool the request forces: a name, "*" for any tool, null when not forced. */
  forced: string | null;
  /** max_tokens / max_completion_tokens / maxOutputTokens, when given. */
  maxTokens: number | null;
}

export interface PlannedToolCall {
  /** Per call, unique across the fake's life (each provider prefixes it its own way). */
  seq: string;
  name: string;
  /** Full arguments JSON; `pieces` concatenate to it. */
  args: string;
  pieces: string[];
}

export interface Answer {
  /** Number of stream content frames (text pieces; tool calls count their own pieces). */
  count: number;
  /** Text piece i (0 ≤ i < count). Lazy, so long-1000000 holds no million-entry array. */
  piece(i: number): string;
  /** The whole text (non-stream answers): the concatenation of all pieces. */
  text(): string;
  /** Set when the answer is tool calls instead of text. */
  toolCalls: PlannedToolCall[] | null;
  promptTokens: number;
  completionTokens: number;
  /** Output was cut by max tokens (finish_reason length / max_tokens / MAX_TOKENS). */
  truncated: boolean;
}

/** Text of an OpenAI / Anthropic / Gemini content value: string, or parts with `text`. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const part of content) {
    if (part && typeof part === "object") {
      const p = part as { text?: unknown; content?: unknown; type?: unknown };
      if (typeof p.text === "string") out += p.text;
      // Anthropic tool_result blocks carry their text in `content`.
      else if (p.type === "tool_result") out += textOf(p.content);
    }
  }
  return out;
}

let seqCounter = 0;
/** Cheap unique suffix for ids: a counter in base 36 (no crypto per request). */
export function nextSeq(): string {
  seqCounter = (seqCounter + 1) % Number.MAX_SAFE_INTEGER;
  return seqCounter.toString(36).padStart(8, "0");
}

const WORD = /\s*\S+/g;

/** Splits `s` into `n` contiguous pieces of near-equal size (n ≤ s.length; n ≥ 1). */
function splitString(s: string, n: number): string[] {
  const out: string[] = [];
  const size = Math.ceil(s.length / n);
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** Groups words into `n` pieces of near-equal word counts, in order. */
function group(words: string[], n: number): string[] {
  if (n >= words.length) return words;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = Math.round(((i + 1) * words.length) / n);
    out.push(words.slice(start, end).join(""));
    start = end;
  }
  return out;
}

/** Arguments a tool's JSON schema would accept: one placeholder per declared property (≤ 3). */
function argsFor(params: unknown, index: number): string {
  const props = (params as { properties?: Record<string, { type?: unknown }> } | null)?.properties;
  const args: Record<string, unknown> = {};
  if (props && typeof props === "object") {
    for (const [key, spec] of Object.entries(props).slice(0, 3)) {
      const t = spec?.type;
      args[key] =
        t === "number" || t === "integer" ? index + 1
        : t === "boolean" ? true
        : t === "array" ? []
        : t === "object" ? {}
        : `fake-${key}-${index}`;
    }
  }
  return JSON.stringify(args);
}

function planToolCalls(conv: Conversation, b: Behavior): PlannedToolCall[] | null {
  if (conv.tools.length === 0) return null;
  if (conv.forced === null && !b.toolCallUnforced) return null;
  const count = b.parallelTools ? 2 : 1;
  const calls: PlannedToolCall[] = [];
  for (let i = 0; i < count; i++) {
    const byName = conv.forced && conv.forced !== "*" ? conv.tools.find((t) => t.name === conv.forced) : null;
    const tool = byName ?? conv.tools[i % conv.tools.length];
    const name = conv.forced && conv.forced !== "*" ? conv.forced : tool.name;
    const args = argsFor(tool.parameters, i);
    const n = Math.max(1, Math.min(b.chunks, args.length));
    calls.push({ seq: nextSeq(), name, args, pieces: splitString(args, n) });
  }
  return calls;
}

const FILLER = " lorem";

export function planAnswer(dialect: Dialect, model: string, conv: Conversation, b: Behavior): Answer {
  const promptTokens = Math.max(1, Math.ceil(conv.promptChars / 4));
  const toolCalls = planToolCalls(conv, b);
  if (toolCalls) {
    let completionTokens = 0;
    for (const c of toolCalls) completionTokens += c.pieces.length;
    const none = () => "";
    return { count: 0, piece: none, text: none, toolCalls, promptTokens, completionTokens, truncated: false };
  }
  const base = `Fake ${dialect} reply from ${model}: you said "${conv.lastUser.slice(0, 40)}".`;
  const baseWords = base.match(WORD) ?? [];
  // Total words: the base text padded with filler up to the chunk count, cut at max tokens.
  // chunks-0 is an empty stream (no content frames, zero completion tokens).
  let total = b.chunks === 0 ? 0 : Math.max(baseWords.length, b.chunks);
  let truncated = false;
  if (conv.maxTokens !== null && conv.maxTokens >= 0 && conv.maxTokens < total) {
    total = conv.maxTokens;
    truncated = true;
  }
  let count: number;
  let piece: (i: number) => string;
  if (total > baseWords.length) {
    // One word per chunk (count === chunks here): base words, then filler.
    count = total;
    piece = (i) => (i < baseWords.length ? baseWords[i] : FILLER);
  } else {
    const pieces = group(baseWords.slice(0, total), Math.min(b.chunks, total));
    count = pieces.length;
    piece = (i) => pieces[i];
  }
  const text = () => {
    let out = "";
    for (let i = 0; i < count; i++) out += piece(i);
    return out;
  };
  return { count, piece, text, toolCalls: null, promptTokens, completionTokens: total, truncated };
}

/** Deterministic pseudo-embedding: same text → same unit vector. */
export function embed(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = new Array<number>(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) ^ i;
    const x = ((h >>> 0) / 4294967296) * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  // Rounded so JSON stays short and float32 (base64) round-trips compare sanely.
  for (let i = 0; i < dims; i++) v[i] = Math.round((v[i] / norm) * 1e6) / 1e6;
  return v;
}
