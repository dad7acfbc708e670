import type { ChatRequest } from "@/lib/providers/types";

type Encode = (typeof import("gpt-tokenizer"))["encode"];
let encodeFn: Encode | null = null;
/**
 * gpt-tokenizer is loaded on the first count, not at start: its o200k tables cost ~65 MB of
 * RSS, and many processes never count (a gateway whose upstreams report usage and that has no
 * token limits; a control-plane instance). An idle gateway replica stays small (docs/deployment.md).
 */
function encode(s: string): number[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  encodeFn ??= (require("gpt-tokenizer") as typeof import("gpt-tokenizer")).encode;
  return encodeFn(s);
}

/**
 * A token count whose CPU cost is bounded: every count of a caller's text goes through it
 * (tokens.ts countTokens: rate-limit reservations, stream-start estimates, usage when the
 * upstream gives none, POST /v1/messages/count_tokens). gpt-tokenizer's BPE is quadratic in the length of one
 * pre-token: 16 KiB without whitespace costs ~0.9 s of CPU, 64 KiB ~11 s. So no piece longer
 * than MAX_RUN characters without whitespace is encoded whole (a split inside such a run
 * moves the count by at most a token per split), and beyond SAMPLE characters the count is
 * extrapolated from the first SAMPLE (o200k runs ~4.5 characters a token on prose).
 */
const MAX_RUN = 64;
const CHUNK = 4096;
const SAMPLE = 256 * 1024;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`);

const countTokens = (s: string): number => (s ? encode(s).length : 0);

function countChunk(s: string): number {
  if (!LONG_RUN.test(s)) return countTokens(s);
  let n = 0;
  for (const part of s.split(new RegExp(`(\\S{${MAX_RUN + 1},})`))) {
    if (part.length <= MAX_RUN || /\s/.test(part)) n += countTokens(part);
    else for (let i = 0; i < part.length; i += MAX_RUN) n += countTokens(part.slice(i, i + MAX_RUN));
  }
  return n;
}

export function boundedTokenCount(text: string): number {
  const limit = Math.min(text.length, SAMPLE);
  let n = 0;
  let i = 0;
  while (i < limit) {
    let end = Math.min(limit, i + CHUNK);
    if (end < limit) {
      const ws = text.lastIndexOf(" ", end);
      if (ws > i) end = ws;
    }
    n += countChunk(text.slice(i, end));
    i = end;
  }
  return limit === text.length ? n : Math.ceil((n * text.length) / limit);
}

/** estimatePromptTokens (tokens.ts) with the bounded count: content, tool calls, tool definitions, per-message overhead. */
export function boundedPromptTokens(req: ChatRequest): number {
  const texts: string[] = [];
  for (const m of req.messages) {
    const c = m.content;
    if (typeof c === "string") texts.push(c);
    else if (c) for (const p of c) if (p.type === "text") texts.push(p.text);
    if (m.role === "assistant" && m.tool_calls) for (const t of m.tool_calls) texts.push(t.function.name + t.function.arguments);
  }
  if (req.tools) texts.push(JSON.stringify(req.tools));
  return 3 + 4 * req.messages.length + boundedTokenCount(texts.join("\n"));
}
