import { readFileSync } from "node:fs";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { createParser } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import type { ChatChunk, ChunkToolCallDelta, FinishReason, Usage } from "@/lib/providers/types";
import { geminiAdapter } from "@/lib/providers/gemini";
import { createAnthropicStreamEncoder } from "./anthropic-messages";

const sse = (name: string): string => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

interface Ev {
  event: string | undefined;
  data: Record<string, unknown>;
}

function parseSse(text: string, cuts: number[] = []): Ev[] {
  const out: Ev[] = [];
  const parser = createParser({ onEvent: (ev) => out.push({ event: ev.event, data: JSON.parse(ev.data) as Record<string, unknown> }) });
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.feed(text.slice(at, cut));
    at = cut;
  }
  parser.feed(text.slice(at));
  return out;
}

function randomCuts(len: number, seed: number, count: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % len;
  });
}

/** Bytes delivered in pieces cut at the given offsets (possibly inside a UTF-8 sequence). */
function byteStream(text: string, cuts: number[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const points = [0, ...[...cuts].map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let i = 1; i < points.length; i++) controller.enqueue(bytes.slice(points[i - 1], points[i]));
      controller.close();
    },
  });
}

/** Run the official SDK's MessageStream over an SSE body and return its final message. */
async function sdkFinal(text: string, cuts: number[] = []) {
  const client = new Anthropic({
    apiKey: "pk_test",
    baseURL: "http://portico.test",
    maxRetries: 0,
    fetch: async () => new Response(byteStream(text, cuts), { headers: { "content-type": "text/event-stream" } }),
  });
  return client.messages.stream({ model: "claude-opus-4-8", max_tokens: 100, messages: [{ role: "user", content: "x" }] }).finalMessage();
}

const chunk = (delta: ChatChunk["choices"][number]["delta"], finish_reason: FinishReason | null = null): ChatChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta, finish_reason }],
});
const usageChunk = (usage: Usage): ChatChunk => ({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage });

function encode(chunks: ChatChunk[], usage: Usage | null = null, model = "claude-opus-4-8"): string {
  const enc = createAnthropicStreamEncoder(model, "chatcmpl-1");
  return chunks.map((c) => enc.chunk(c)).join("") + enc.end(usage);
}

/**
 * Anthropic's documented SSE → the canonical chunks an OpenAI-shaped provider
 * would have sent for the same answer (the reverse of what the encoder does).
 */
function canonicalFromAnthropic(text: string): { chunks: ChatChunk[]; usage: Usage } {
  const chunks: ChatChunk[] = [];
  const toolIndex = new Map<number, number>();
  let input = 0;
  let output = 0;
  for (const { data } of parseSse(text)) {
    const index = data.index as number;
    if (data.type === "message_start") {
      input = ((data.message as Record<string, unknown>).usage as Record<string, number>).input_tokens ?? 0;
      chunks.push(chunk({ role: "assistant", content: "" }));
    } else if (data.type === "content_block_start") {
      const block = data.content_block as Record<string, string>;
      if (block.type === "tool_use") {
        toolIndex.set(index, toolIndex.size);
        const tc: ChunkToolCallDelta = { index: toolIndex.get(index)!, id: block.id, type: "function", function: { name: block.name, arguments: "" } };
        chunks.push(chunk({ tool_calls: [tc] }));
      }
    } else if (data.type === "content_block_delta") {
      const delta = data.delta as Record<string, string>;
      if (delta.type === "text_delta") chunks.push(chunk({ content: delta.text }));
      if (delta.type === "input_json_delta" && delta.partial_json) {
        chunks.push(chunk({ tool_calls: [{ index: toolIndex.get(index)!, function: { arguments: delta.partial_json } }] }));
      }
    } else if (data.type === "message_delta") {
      const stop = (data.delta as Record<string, string>).stop_reason;
      output = (data.usage as Record<string, number>).output_tokens ?? 0;
      chunks.push(chunk({}, stop === "tool_use" ? "tool_calls" : stop === "max_tokens" ? "length" : "stop"));
    }
  }
  const usage = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
  chunks.push(usageChunk(usage));
  return { chunks, usage };
}

describe("createAnthropicStreamEncoder", () => {
  it("writes the documented event sequence for a text answer", () => {
    const text = encode([chunk({ role: "assistant", content: "Hello" }), chunk({ content: "!" }), chunk({}, "stop"), usageChunk({ prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 })]);
    const events = parseSse(text);
    expect(events.map((e) => e.event)).toEqual(parseSse(sse("stream-text.sse")).map((e) => e.event).filter((e) => e !== "ping").toSpliced(1, 0, "ping"));
    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events[0]!.data.message).toEqual({
      id: "msg_chatcmpl1",
      type: "message",
      role: "assistant",
      model: "claude-opus-4-8",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    });
    expect(events.at(-2)!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 25, output_tokens: 15 },
    });
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it("round-trips Anthropic's documented streams through the canonical shape (official SDK on both sides)", async () => {
    for (const name of ["stream-text.sse", "stream-tool-use.sse"]) {
      const original = await sdkFinal(sse(name));
      const { chunks } = canonicalFromAnthropic(sse(name));
      const ours = await sdkFinal(encode(chunks, null, original.model));
      expect(ours.content).toEqual(original.content);
      expect(ours.stop_reason).toBe(original.stop_reason);
      expect(ours.role).toBe("assistant");
      expect(ours.usage.output_tokens).toBe(original.usage.output_tokens);
      expect(ours.usage.input_tokens).toBe(original.usage.input_tokens);
    }
    const tool = await sdkFinal(sse("stream-tool-use.sse"));
    expect(tool.content[1]).toMatchObject({ type: "tool_use", name: "get_weather", input: { location: "San Francisco, CA", unit: "fahrenheit" } });
  });

  it("gives the same events and the same SDK message whatever byte offsets the stream is split at", async () => {
    const chunks = [
      chunk({ role: "assistant", content: "Grüße aus " }),
      chunk({ content: "Köln 🌍 — " }),
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'Dom"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "noop", arguments: "" } }] }),
      chunk({}, "tool_calls"),
      usageChunk({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 64 } }),
    ];
    const text = encode(chunks);
    const whole = parseSse(text);
    const final = await sdkFinal(text);
    expect(final.content).toEqual([
      { type: "text", text: "Grüße aus Köln 🌍 — " },
      { type: "tool_use", id: "call_1", name: "lookup", input: { q: "Dom" } },
      { type: "tool_use", id: "call_2", name: "noop", input: {} },
    ]);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage).toMatchObject({ input_tokens: 36, output_tokens: 20, cache_read_input_tokens: 64 });
    const byteLength = new TextEncoder().encode(text).length;
    for (let seed = 1; seed <= 20; seed++) {
      const cuts = randomCuts(text.length, seed, 1 + (seed % 9));
      expect(parseSse(text, cuts)).toEqual(whole);
      expect(await sdkFinal(text, randomCuts(byteLength, seed * 7, 3 + (seed % 11)))).toEqual(final);
    }
  });

  it("carries a recorded Gemini tool-call stream to an Anthropic client", async () => {
    const raw = readFileSync(path.join(__dirname, "../../providers/gemini/fixtures/stream-tool-call.sse"), "utf8");
    const t = geminiAdapter.chatStream({ model: "gemini-alias", id: "chatcmpl-g1", created: 1, includeUsage: true });
    const enc = createAnthropicStreamEncoder("gemini-alias", "chatcmpl-g1");
    let out = "";
    const parser = createParser({ onEvent: (ev) => t.push({ data: ev.data }).forEach((c) => (out += enc.chunk(c))) });
    parser.feed(raw);
    t.end().forEach((c) => (out += enc.chunk(c)));
    expect(t.done).toBe(true);
    out += enc.end(t.usage());
    const final = await sdkFinal(out);
    expect(final.content).toEqual([{ type: "tool_use", id: "call_wM668nsEP2tbsgQQ_0", name: "weather", input: { location: "San Francisco" } }]);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage).toMatchObject({ input_tokens: 29, output_tokens: 60 });
    expect(final.model).toBe("gemini-alias");
  });

  it("still sends a complete message when the stream had no content", async () => {
    const enc = createAnthropicStreamEncoder("m", "x");
    const text = enc.end(null);
    expect(parseSse(text).map((e) => e.event)).toEqual(["message_start", "ping", "message_delta", "message_stop"]);
    expect(enc.end(null)).toBe("");
    expect(enc.chunk(chunk({ content: "late" }))).toBe("");
    const final = await sdkFinal(text);
    expect(final.content).toEqual([]);
    expect(final.stop_reason).toBe("end_turn");
  });

  it("reports an input estimate in message_start until the real count arrives", async () => {
    const enc = createAnthropicStreamEncoder("m", "x", 12);
    const start = parseSse(enc.chunk(chunk({ content: "hi" })))[0]!;
    expect((start.data.message as { usage: unknown }).usage).toEqual({ input_tokens: 12, output_tokens: 0 });
    const withoutUsage = createAnthropicStreamEncoder("m", "x", 12);
    expect((await sdkFinal(withoutUsage.chunk(chunk({ content: "hi" })) + withoutUsage.end(null))).usage.input_tokens).toBe(12);
    const withUsage = createAnthropicStreamEncoder("m", "x", 12);
    const final = await sdkFinal(withUsage.chunk(chunk({ content: "hi" })) + withUsage.end({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 }));
    expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 1 });
  });

  it("maps length and content_filter finishes", async () => {
    expect((await sdkFinal(encode([chunk({ content: "a" }), chunk({}, "length")]))).stop_reason).toBe("max_tokens");
    expect((await sdkFinal(encode([chunk({ refusal: "I can't help with that." }), chunk({}, "content_filter")]))).stop_reason).toBe("refusal");
  });

  it("writes a mid-stream error the SDK raises with its type, like Anthropic's own error event", async () => {
    const enc = createAnthropicStreamEncoder("m", "x");
    const text = enc.chunk(chunk({ role: "assistant", content: "Hel" })) + enc.error("server_error", "Upstream stream was cut");
    expect(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Upstream stream was cut"}}\n\n')).toBe(true);
    expect(enc.end(null)).toBe("");
    const ours = (await sdkFinal(text).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(ours).toBeInstanceOf(Anthropic.APIError);
    expect(ours.type).toBe("api_error");
    // the documented overloaded event and ours are raised the same way
    const theirs = (await sdkFinal(sse("stream-error.sse")).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    const again = (await sdkFinal(createAnthropicStreamEncoder("m", "x").error("overloaded_error", "Overloaded")).catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.APIError
    >;
    expect([again.type, again.apiMessage]).toEqual([theirs.type, theirs.apiMessage]);
  });
});

describe("message_start input_tokens", () => {
  const chunk = (content: string, usage?: Usage): ChatChunk =>
    ({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }], ...(usage ? { usage } : {}) }) as ChatChunk;
  const startUsage = (text: string) => (parseSse(text)[0]!.data.message as { usage: Record<string, number> }).usage;

  it("takes the upstream's count primed before the first chunk, and never calls the estimate then", () => {
    let estimated = 0;
    const enc = createAnthropicStreamEncoder("m", "req_1", () => ++estimated);
    enc.prime({ prompt_tokens: 120, completion_tokens: 1, total_tokens: 121, prompt_tokens_details: { cached_tokens: 20 } });
    const u = startUsage(enc.chunk(chunk("hi")));
    expect(u).toEqual({ input_tokens: 100, output_tokens: 0, cache_read_input_tokens: 20 });
    expect(estimated).toBe(0);
  });

  it("takes usage carried by the first chunk itself", () => {
    const enc = createAnthropicStreamEncoder("m", "req_1", () => 1);
    expect(startUsage(enc.chunk(chunk("hi", { prompt_tokens: 33, completion_tokens: 1, total_tokens: 34 }))).input_tokens).toBe(33);
  });

  it("falls back to the estimate, once, and keeps it in message_delta when the upstream never counts", () => {
    let calls = 0;
    const enc = createAnthropicStreamEncoder("m", "req_1", () => (calls++, 42));
    enc.prime(null);
    const text = enc.chunk(chunk("a")) + enc.chunk(chunk("b")) + enc.end(null);
    expect(startUsage(text).input_tokens).toBe(42);
    const delta = parseSse(text).find((e) => e.event === "message_delta")!.data as { usage: Record<string, number> };
    expect(delta.usage.input_tokens).toBe(42);
    expect(calls).toBe(1);
  });
});
