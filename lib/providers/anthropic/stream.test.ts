import { describe, expect, it } from "vitest";
import type { ChatRequest, StreamContext } from "../types";
import { accumulate, fixture, runSse, runSseBytewise, runSseSplit } from "../shared/sse-testing";
import { anthropicAdapter } from "./index";

const dir = __dirname;
const ctx = (over: Partial<StreamContext> = {}): StreamContext => ({
  model: "claude",
  id: "chatcmpl-portico-1",
  created: 1700000000,
  ...over,
});
const jsonRequest: ChatRequest = {
  model: "claude",
  messages: [],
  response_format: { type: "json_schema", json_schema: { name: "weather_report", schema: { type: "object" } } },
};

describe("anthropic stream", () => {
  it("maps the recorded text stream chunk by chunk", () => {
    const { chunks, transformer } = runSse(anthropicAdapter.chatStream(ctx({ includeUsage: true })), fixture(dir, "stream-text.sse"));
    const base = { id: "msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK", object: "chat.completion.chunk", created: 1700000000, model: "claude" };
    const choice = (delta: object, finish_reason: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason }];
    expect(chunks).toEqual([
      { ...base, choices: choice({ role: "assistant", content: "" }) },
      { ...base, choices: choice({ content: "Hello" }) },
      { ...base, choices: choice({ content: " there" }) },
      { ...base, choices: choice({ content: "!" }) },
      { ...base, choices: choice({}, "stop") },
      { ...base, choices: [], usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 } },
    ]);
    expect(transformer.done).toBe(true);
    expect(transformer.error?.()).toBeNull();
  });

  it("leaves out the usage chunk unless asked, but still reports usage()", () => {
    const { chunks, transformer } = runSse(anthropicAdapter.chatStream(ctx()), fixture(dir, "stream-text.sse"));
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(transformer.usage()).toEqual({ prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 });
  });

  it("streams a recorded tool call: id+name first, then argument deltas", () => {
    const { chunks, transformer } = runSse(anthropicAdapter.chatStream(ctx()), fixture(dir, "stream-tool-use.sse"));
    const toolChunks = chunks.filter((c) => c.choices[0]?.delta.tool_calls);
    expect(toolChunks[0].choices[0].delta.tool_calls).toEqual([
      { index: 0, id: "toolu_01NRLabsLyVHZPKxbKvkfSMn", type: "function", function: { name: "get_weather", arguments: "" } },
    ]);
    // The empty partial_json is not forwarded.
    expect(toolChunks).toHaveLength(5);
    const acc = accumulate(chunks);
    expect(acc.content).toBe("I'll check the current weather in Paris for you.");
    expect(acc.toolCalls).toEqual([
      { id: "toolu_01NRLabsLyVHZPKxbKvkfSMn", type: "function", function: { name: "get_weather", arguments: '{"location": "Paris"}' } },
    ]);
    expect(acc.finishReason).toBe("tool_calls");
    expect(transformer.usage()).toEqual({
      prompt_tokens: 377,
      completion_tokens: 65,
      total_tokens: 442,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it("numbers parallel tool calls from 0 regardless of block index, skipping thinking", () => {
    const { chunks, transformer } = runSse(anthropicAdapter.chatStream(ctx({ includeUsage: true })), fixture(dir, "stream-thinking-parallel-tools.sse"));
    const acc = accumulate(chunks);
    expect(acc.content).toBe("Je vérifie Paris et São Paulo 🌦️");
    expect(acc.toolCalls).toEqual([
      { id: "toolu_01A09q90qw90lq917835lq9", type: "function", function: { name: "get_weather", arguments: '{"location": "Paris"}' } },
      { id: "toolu_01B7sDx4bWd9fFgLQk4Rhxq2", type: "function", function: { name: "get_weather", arguments: '{"location": "São Paulo"}' } },
    ]);
    expect(JSON.stringify(chunks)).not.toContain("two independent calls");
    expect(acc.usageChunks).toEqual([
      { prompt_tokens: 1536, completion_tokens: 118, total_tokens: 1654, prompt_tokens_details: { cached_tokens: 1024 } },
    ]);
    expect(transformer.done).toBe(true);
  });

  it("streams the json_schema forced tool as content with finish_reason stop", () => {
    const { chunks } = runSse(anthropicAdapter.chatStream(ctx({ request: jsonRequest })), fixture(dir, "stream-json-schema.sse"));
    const acc = accumulate(chunks);
    expect(acc.content).toBe('{"city": "Paris", "temp_c": 18}');
    expect(JSON.parse(acc.content ?? "")).toEqual({ city: "Paris", temp_c: 18 });
    expect(acc.toolCalls).toEqual([]);
    expect(acc.finishReason).toBe("stop");
  });

  it("surfaces an in-stream error event through error() and stops", () => {
    const { chunks, transformer } = runSse(anthropicAdapter.chatStream(ctx()), fixture(dir, "stream-error.sse"));
    expect(accumulate(chunks).content).toBe("Hello");
    expect(transformer.done).toBe(false);
    expect(transformer.error?.()).toEqual({ status: 529, type: "overloaded_error", message: "Overloaded", code: null, param: null });
    expect(transformer.push({ event: "message_stop", data: '{"type":"message_stop"}' })).toEqual([]);
    expect(transformer.usage()).toEqual({ prompt_tokens: 30, completion_tokens: 1, total_tokens: 31 });
  });

  it("is not done when the stream is cut before message_stop", () => {
    const text = fixture(dir, "stream-text.sse").split("event: message_stop")[0];
    const { transformer } = runSse(anthropicAdapter.chatStream(ctx()), text);
    expect(transformer.done).toBe(false);
    expect(transformer.error?.()).toBeNull();
  });

  it("uses the JSON type when a proxy drops the event: lines", () => {
    const text = fixture(dir, "stream-text.sse").replace(/^event: .*\n/gm, "");
    const plain = runSse(anthropicAdapter.chatStream(ctx()), text);
    const normal = runSse(anthropicAdapter.chatStream(ctx()), fixture(dir, "stream-text.sse"));
    expect(plain.chunks).toEqual(normal.chunks);
  });

  const files = ["stream-text.sse", "stream-tool-use.sse", "stream-thinking-parallel-tools.sse", "stream-json-schema.sse", "stream-error.sse"];
  for (const name of files) {
    it(`gives identical output when ${name} arrives split at random byte offsets`, () => {
      const text = fixture(dir, name);
      const make = () => anthropicAdapter.chatStream(ctx({ includeUsage: true, request: jsonRequest }));
      const whole = runSse(make(), text);
      for (let seed = 1; seed <= 25; seed++) {
        const split = runSseSplit(make(), text, seed, 1 + seed * 4);
        expect(split.chunks).toEqual(whole.chunks);
        expect(split.transformer.usage()).toEqual(whole.transformer.usage());
        expect(split.transformer.done).toBe(whole.transformer.done);
        expect(split.transformer.error?.()).toEqual(whole.transformer.error?.());
      }
      expect(runSseBytewise(make(), text).chunks).toEqual(whole.chunks);
    });
  }
});
