import type {
  ChatChunk,
  ChatRequest,
  ChatResponse,
  ContentPart,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
  FunctionTool,
  ProviderTarget,
  ResponseContext,
  StreamContext,
  ToolCall,
  Usage,
} from "../types";
import { deltaChunk, usageChunk } from "../shared/chunk";
import { deterministicId, fnv1a, seededRandom } from "../shared/hash";
import { num } from "../shared/json";
import { makeUsage } from "../shared/usage";
import { schemaExample } from "./schema";

/**
 * The built-in mock provider: no network, fully deterministic (the same request
 * always gets the same answer), so the embedded default config works offline and
 * tests can assert exact output. Timing is kept out of these pure functions: the
 * plan carries the delays and the gateway applies them.
 *
 * target.options: latencyMs (time to first token, default 0), tokensPerSecond
 * (default 0 = instant), replyTokens (words in a text reply, default 32),
 * dimensions (embeddings, default 8).
 */

export { schemaExample } from "./schema";

export interface MockOptions {
  latencyMs: number;
  tokensPerSecond: number;
  replyTokens: number;
}

export interface MockChatPlan {
  response(ctx: ResponseContext): ChatResponse;
  /** Every chunk of the stream, in order (role first, usage last when ctx.includeUsage). */
  chunks(ctx: StreamContext): ChatChunk[];
  usage: Usage;
  /** firstToken before the first content chunk, perToken between the following ones;
   *  total = what a non-streaming call should take in all. */
  delaysMs: { firstToken: number; perToken: number; total: number };
}

const FILLER = [
  "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
  "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa",
  "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray",
  "yankee", "zulu", "lorem", "ipsum", "dolor", "sit", "amet", "gateway",
];
const QUOTED_WORDS = 8;
/** JSON/tool-argument text is streamed in slices of this many characters. */
const SLICE = 8;

function option(target: ProviderTarget, key: string, fallback: number, max: number): number {
  const v = num(target.options?.[key]);
  return v === undefined || v < 0 ? fallback : Math.min(v, max);
}

export function mockOptions(target: ProviderTarget): MockOptions {
  return {
    latencyMs: option(target, "latencyMs", 0, 600_000),
    tokensPerSecond: option(target, "tokensPerSecond", 0, 1_000_000),
    replyTokens: Math.floor(option(target, "replyTokens", 32, 100_000)),
  };
}

/** Deterministic stand-in for a tokenizer: about four characters per token. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function textOf(content: string | ContentPart[] | null | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((p) => (p.type === "text" ? p.text : "")).join(" ");
}

function promptText(req: ChatRequest): string {
  const parts = req.messages.map((m) => {
    const calls = m.role === "assistant" ? JSON.stringify(m.tool_calls ?? "") : "";
    return `${m.role}: ${textOf(m.content)}${calls}`;
  });
  if (req.tools?.length) parts.push(JSON.stringify(req.tools));
  return parts.join("\n");
}

function slices(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [""];
}

type Reply =
  | { kind: "text"; pieces: string[]; finish: FinishReason }
  | { kind: "tool"; call: ToolCall; pieces: string[] };

function forcedTool(req: ChatRequest): FunctionTool | undefined {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (!tools.length || choice === undefined || choice === "auto" || choice === "none") return undefined;
  if (choice === "required") return tools[0];
  return tools.find((t) => t.function.name === choice.function.name);
}

function textReply(req: ChatRequest, seed: number, opts: MockOptions): Reply {
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  const quoted = textOf(lastUser?.content).split(/\s+/).filter(Boolean).slice(0, QUOTED_WORDS);
  const words = ["Mock", "reply", "to:", ...(quoted.length ? quoted : ["(nothing)"])];
  const rand = seededRandom(seed);
  while (words.length < opts.replyTokens) words.push(FILLER[Math.floor(rand() * FILLER.length)]);
  words.length = Math.min(words.length, opts.replyTokens);
  if (words.length) words[words.length - 1] += ".";

  const limit = req.max_completion_tokens ?? req.max_tokens;
  let finish: FinishReason = "stop";
  if (typeof limit === "number" && limit >= 0 && words.length > limit) {
    words.length = limit;
    finish = "length";
  }
  return { kind: "text", pieces: words.map((w, i) => (i === 0 ? w : ` ${w}`)), finish };
}

function buildReply(req: ChatRequest, seed: number, opts: MockOptions): Reply {
  const tool = forcedTool(req);
  if (tool) {
    const params = tool.function.parameters ?? { type: "object", properties: {} };
    const args = JSON.stringify(schemaExample(params, { requiredOnly: true }));
    const call: ToolCall = {
      id: deterministicId("call_mock_", `${seed}:${tool.function.name}`),
      type: "function",
      function: { name: tool.function.name, arguments: args },
    };
    return { kind: "tool", call, pieces: slices(args, SLICE) };
  }
  const rf = req.response_format;
  if (rf?.type === "json_schema") {
    const json = JSON.stringify(schemaExample(rf.json_schema.schema ?? { type: "object" }));
    return { kind: "text", pieces: slices(json, SLICE), finish: "stop" };
  }
  if (rf?.type === "json_object") {
    const text = textReply(req, seed, opts).pieces.join("");
    return { kind: "text", pieces: slices(JSON.stringify({ reply: text }), SLICE), finish: "stop" };
  }
  return textReply(req, seed, opts);
}

export function mockChat(req: ChatRequest, target: ProviderTarget): MockChatPlan {
  const opts = mockOptions(target);
  const prompt = promptText(req);
  const seed = fnv1a(`${target.upstreamModel}\n${prompt}`);
  const reply = buildReply(req, seed, opts);
  const replyText = reply.kind === "tool" ? `${reply.call.function.name}${reply.call.function.arguments}` : reply.pieces.join("");
  const usage = makeUsage(approxTokens(prompt), approxTokens(replyText));
  const perToken = opts.tokensPerSecond > 0 ? 1000 / opts.tokensPerSecond : 0;
  const finish: FinishReason = reply.kind === "tool" ? "tool_calls" : reply.finish;

  return {
    usage,
    delaysMs: {
      firstToken: opts.latencyMs,
      perToken,
      total: opts.latencyMs + perToken * Math.max(0, reply.pieces.length - 1),
    },

    response(ctx) {
      const message: ChatResponse["choices"][number]["message"] =
        reply.kind === "tool"
          ? { role: "assistant", content: null, refusal: null, tool_calls: [reply.call] }
          : { role: "assistant", content: reply.pieces.join(""), refusal: null };
      return {
        id: ctx.id,
        object: "chat.completion",
        created: ctx.created,
        model: ctx.model,
        choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
        usage: { ...usage },
      };
    },

    chunks(ctx) {
      const out: ChatChunk[] = [];
      if (reply.kind === "tool") {
        const { id, function: fn } = reply.call;
        out.push(
          deltaChunk(ctx, ctx.id, {
            role: "assistant",
            content: null,
            tool_calls: [{ index: 0, id, type: "function", function: { name: fn.name, arguments: "" } }],
          }),
        );
        for (const p of reply.pieces) out.push(deltaChunk(ctx, ctx.id, { tool_calls: [{ index: 0, function: { arguments: p } }] }));
      } else {
        out.push(deltaChunk(ctx, ctx.id, { role: "assistant", content: "" }));
        for (const p of reply.pieces) out.push(deltaChunk(ctx, ctx.id, { content: p }));
      }
      out.push(deltaChunk(ctx, ctx.id, {}, finish));
      if (ctx.includeUsage) out.push(usageChunk(ctx, ctx.id, { ...usage }));
      return out;
    },
  };
}

// ---------- embeddings ----------

function embeddingInputs(input: EmbeddingsRequest["input"]): (string | number[])[] {
  if (typeof input === "string") return [input];
  if (input.length === 0) return [];
  if (typeof input[0] === "number") return [input as number[]];
  return input as (string | number[])[];
}

function unitVector(seedText: string, dims: number): number[] {
  const rand = seededRandom(fnv1a(seedText));
  const v = Array.from({ length: dims }, () => rand() * 2 - 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** OpenAI's base64 encoding: little-endian float32 bytes. */
function toBase64(v: number[]): string {
  const bytes = new Uint8Array(new Float32Array(v).buffer);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Deterministic unit vectors: the same input text always maps to the same vector. */
export function mockEmbeddings(req: EmbeddingsRequest, target?: ProviderTarget): EmbeddingsResponse {
  const configured = target ? num(target.options?.dimensions) : undefined;
  const dims = Math.max(1, Math.min(4096, Math.floor(req.dimensions ?? configured ?? 8)));
  const inputs = embeddingInputs(req.input);
  let tokens = 0;
  const data = inputs.map((item, index) => {
    const text = typeof item === "string" ? item : JSON.stringify(item);
    tokens += typeof item === "string" ? approxTokens(item) : item.length;
    const vector = unitVector(text, dims);
    return {
      object: "embedding" as const,
      index,
      embedding: req.encoding_format === "base64" ? toBase64(vector) : vector,
    };
  });
  return { object: "list", data, model: req.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
