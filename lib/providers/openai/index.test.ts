import { describe, expect, it } from "vitest";
import type { ChatRequest, ProviderError, ProviderTarget, StreamContext } from "../types";
import { AdapterError } from "../shared/errors";
import { accumulate, fixture, jsonFixture, runSse, runSseBytewise, runSseSplit } from "../shared/sse-testing";
import { openaiAdapter } from "./index";
import { withModel, withoutNullUsage } from "./stream";
import { RAW_JSON } from "../shared/json";
import { chatOutput } from "@/lib/gateway/output";
import type { ChatChunk } from "../types";

const dir = __dirname;
const ctx = (over: Partial<StreamContext> = {}): StreamContext => ({
  model: "smart",
  id: "chatcmpl-portico-1",
  created: 1700000000,
  ...over,
});

interface RequestFixture {
  target: ProviderTarget;
  request: ChatRequest;
  expected: { method: string; url: string; headers: Record<string, string>; body: unknown };
}

describe("openai request", () => {
  for (const name of ["request-chat.json", "request-stream-keyless.json"]) {
    it(`builds the wire request (${name})`, () => {
      const f = jsonFixture<RequestFixture>(dir, name);
      const up = openaiAdapter.chatRequest(f.request, f.target);
      expect({ method: up.method, url: up.url, headers: up.headers }).toEqual({
        method: f.expected.method,
        url: f.expected.url,
        headers: f.expected.headers,
      });
      expect(JSON.parse(up.body ?? "")).toEqual(f.expected.body);
    });
  }

  it("always asks for stream usage, keeping other stream_options", () => {
    const up = openaiAdapter.chatRequest(
      { model: "m", messages: [], stream: true, stream_options: { include_usage: false, include_obfuscation: false } as never },
      { baseUrl: "https://api.groq.com/openai/v1", upstreamModel: "llama-3.3-70b-versatile", apiKey: "k" },
    );
    expect(JSON.parse(up.body ?? "").stream_options).toEqual({ include_usage: true, include_obfuscation: false });
  });

  it("lets admin headers replace ours case-insensitively", () => {
    const up = openaiAdapter.chatRequest(
      { model: "m", messages: [] },
      { baseUrl: "https://x/v1", upstreamModel: "u", apiKey: "k", headers: { Authorization: "Basic abc" } },
    );
    expect(up.headers).toEqual({ "content-type": "application/json", Authorization: "Basic abc" });
  });

  it("builds the embeddings request", () => {
    const up = openaiAdapter.embeddingsRequest!(
      { model: "embed", input: ["a", "b"], dimensions: 256 },
      { baseUrl: "https://api.openai.com/v1", upstreamModel: "text-embedding-3-small", apiKey: "k" },
    );
    expect(up.url).toBe("https://api.openai.com/v1/embeddings");
    expect(JSON.parse(up.body ?? "")).toEqual({ model: "text-embedding-3-small", input: ["a", "b"], dimensions: 256 });
  });
});

describe("openai response", () => {
  it("maps a recorded chat completion, reporting the public model", () => {
    const body = jsonFixture(dir, "response-chat.json");
    const res = openaiAdapter.chatResponse(body, ctx());
    expect(res.model).toBe("smart");
    expect(res.id).toBe("chatcmpl-BcO1gPfCFAf86O5CyQ9CTeEyoc8KG");
    expect(res.choices[0].message.content).toBe("Why don't skeletons fight each other? They don't have the guts.");
    expect(res.choices[0].finish_reason).toBe("stop");
    expect(openaiAdapter.usage(body)).toEqual({
      prompt_tokens: 23,
      completion_tokens: 14,
      total_tokens: 37,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    });
  });

  it("keeps parallel tool calls and cached-token usage", () => {
    const body = jsonFixture(dir, "response-tool-calls.json");
    const res = openaiAdapter.chatResponse(body, ctx());
    expect(res.choices[0].finish_reason).toBe("tool_calls");
    expect(res.choices[0].message.tool_calls?.map((t) => JSON.parse(t.function.arguments))).toEqual([
      { location: "Shanghai" },
      { location: "Tokyo" },
    ]);
    expect(openaiAdapter.usage(body)?.prompt_tokens_details?.cached_tokens).toBe(64);
  });

  it("rejects a body that is not a chat completion with a 502 AdapterError", () => {
    expect(() => openaiAdapter.chatResponse("<html>", ctx())).toThrow(AdapterError);
    try {
      openaiAdapter.chatResponse({ object: "list" }, ctx());
    } catch (e) {
      expect((e as AdapterError).providerError.status).toBe(502);
    }
  });

  it("maps embeddings and reports the public model", () => {
    const res = openaiAdapter.embeddingsResponse!(jsonFixture(dir, "response-embeddings.json"), ctx({ model: "embed" }));
    expect(res.model).toBe("embed");
    expect(res.data).toHaveLength(2);
    expect(res.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
  });
});

describe("openai stream", () => {
  it("passes a recorded text stream through and shows usage when asked", () => {
    const { chunks, transformer } = runSse(openaiAdapter.chatStream(ctx({ includeUsage: true })), fixture(dir, "stream-text-usage.sse"));
    const acc = accumulate(chunks);
    expect(acc.content).toBe('{"city":"San Francisco","units":"f"}');
    expect(acc.finishReason).toBe("stop");
    expect(acc.models).toEqual(["smart"]);
    expect(acc.ids).toEqual(["chatcmpl-9rnyXoOvZN6Ec33DKStiqSdEB76Ba"]);
    expect(acc.usageChunks).toEqual([{ prompt_tokens: 71, completion_tokens: 10, total_tokens: 81 }]);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(transformer.done).toBe(true);
    expect(transformer.usage()).toEqual({ prompt_tokens: 71, completion_tokens: 10, total_tokens: 81 });
  });

  it("drops the usage-only chunk and usage:null keys when the client did not ask, but still meters", () => {
    const { chunks, transformer } = runSse(openaiAdapter.chatStream(ctx()), fixture(dir, "stream-parallel-tools.sse"));
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.some((c) => "usage" in c)).toBe(false);
    expect(transformer.usage()?.total_tokens).toBe(133);
    expect(transformer.done).toBe(true);
  });

  it("assembles parallel tool calls (with multi-byte UTF-8) from a recorded stream", () => {
    const { chunks } = runSse(openaiAdapter.chatStream(ctx({ includeUsage: true })), fixture(dir, "stream-parallel-tools.sse"));
    const acc = accumulate(chunks);
    expect(acc.finishReason).toBe("tool_calls");
    expect(acc.toolCalls).toEqual([
      { id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", type: "function", function: { name: "get_weather", arguments: '{"location": "Paris, France"}' } },
      { id: "call_ABCnzDbJqGJ9r9z1Wng1PjmA", type: "function", function: { name: "get_weather", arguments: '{"location": "São Paulo, Brazil"}' } },
    ]);
    expect(acc.usageChunks[0].prompt_tokens_details).toEqual({ cached_tokens: 0, audio_tokens: 0 });
    // include_usage upstream puts usage:null on every chunk; a client that asked sees that too.
    expect(chunks[0].usage).toBeNull();
  });

  it("keeps vendor extras (DeepSeek reasoning_content), ignores keep-alive comments, reads usage on the finish chunk", () => {
    const { chunks, transformer } = runSse(openaiAdapter.chatStream(ctx()), fixture(dir, "stream-deepseek-keepalive.sse"));
    const reasoning = chunks.map((c) => (c.choices[0].delta as Record<string, unknown>).reasoning_content).filter(Boolean);
    expect(reasoning).toEqual(["1+1 is basic arithmetic."]);
    expect(accumulate(chunks).content).toBe("1 + 1 = 2 ✓");
    expect(chunks.some((c) => "usage" in c)).toBe(false);
    expect(transformer.usage()).toEqual({
      prompt_tokens: 13,
      completion_tokens: 22,
      total_tokens: 35,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it("turns an in-stream error payload into error() and stops", () => {
    const { chunks, transformer } = runSse(openaiAdapter.chatStream(ctx()), fixture(dir, "stream-error.sse"));
    expect(accumulate(chunks).content).toBe("Once upon");
    expect(transformer.done).toBe(false);
    expect(transformer.error?.()).toEqual({
      status: 500,
      type: "server_error",
      message: "The server had an error while processing your request. Sorry about that!",
      code: null,
      param: null,
    });
  });

  it("catches OpenRouter-style errors that arrive with a choice and a numeric code", () => {
    const t = openaiAdapter.chatStream(ctx());
    const data = JSON.stringify({
      id: "gen-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "openai/gpt-4o",
      error: { code: 429, message: "Provider rate limited" },
      choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }],
    });
    expect(t.push({ data })).toEqual([]);
    expect(t.error?.()).toEqual({ status: 429, type: "rate_limit_error", message: "Provider rate limited", code: "429", param: null });
    expect(t.push({ data: "[DONE]" })).toEqual([]);
    expect(t.done).toBe(false);
  });

  it("reports a cut stream as not done", () => {
    const text = fixture(dir, "stream-text-usage.sse").replace("data: [DONE]", "");
    const { transformer } = runSse(openaiAdapter.chatStream(ctx()), text);
    expect(transformer.done).toBe(false);
    expect(transformer.error?.()).toBeNull();
  });

  for (const name of ["stream-text-usage.sse", "stream-parallel-tools.sse", "stream-deepseek-keepalive.sse", "stream-error.sse"]) {
    it(`gives identical output when ${name} arrives split at random byte offsets`, () => {
      const text = fixture(dir, name);
      const whole = runSse(openaiAdapter.chatStream(ctx({ includeUsage: true })), text);
      for (let seed = 1; seed <= 25; seed++) {
        const split = runSseSplit(openaiAdapter.chatStream(ctx({ includeUsage: true })), text, seed, 3 + (seed % 40));
        expect(split.chunks).toEqual(whole.chunks);
        expect(split.transformer.usage()).toEqual(whole.transformer.usage());
        expect(split.transformer.done).toBe(whole.transformer.done);
      }
      expect(runSseBytewise(openaiAdapter.chatStream(ctx({ includeUsage: true })), text).chunks).toEqual(whole.chunks);
    });
  }
});

describe("openai stream frames written as they came", () => {
  const wire = (c: unknown) => chatOutput("openai", "smart", "chatcmpl-portico-1").chunk(c as ChatChunk);
  const parsed = (frame: string) => JSON.parse(frame.replace(/^data: /, "")) as unknown;

  it.each([
    ["stream-text-usage.sse", true],
    ["stream-text-usage.sse", false],
    ["stream-parallel-tools.sse", true],
    ["stream-parallel-tools.sse", false],
    ["stream-deepseek-keepalive.sse", false],
  ])("%s (include_usage %s): the same JSON as serialising each chunk, model rewritten to the alias", (file, includeUsage) => {
    const { chunks } = runSse(openaiAdapter.chatStream(ctx({ includeUsage })), fixture(dir, file));
    expect(chunks.length).toBeGreaterThan(0);
    let raw = 0;
    for (const c of chunks) {
      const frame = wire(c);
      expect(frame.endsWith("\n\n")).toBe(true);
      expect(parsed(frame)).toEqual(JSON.parse(JSON.stringify(c)));
      expect((parsed(frame) as { model: string }).model).toBe("smart");
      if ((c as { [RAW_JSON]?: string })[RAW_JSON] !== undefined) raw++;
    }
    expect(raw).toBeGreaterThan(0);
    // the usage:null keys include_usage adds are gone for a caller who did not ask
    if (!includeUsage) for (const c of chunks) expect(wire(c)).not.toContain('"usage"');
  });

  it("drops only a trailing compact usage:null that is the frame's one usage key", () => {
    expect(withoutNullUsage('{"id":"a","choices":[],"usage":null}')).toBe('{"id":"a","choices":[]}');
    expect(withoutNullUsage('{"id":"a","usage":{"prompt_tokens":1}}')).toBeNull();
    expect(withoutNullUsage('{"usage":null,"choices":[{"x":{"usage":null}}],"usage":null}')).toBeNull();
    expect(withoutNullUsage('{"id":"a","usage": null}')).toBeNull();
  });

  it("rewrites only a compact top-level model key that occurs once", () => {
    expect(withModel('{"id":"a","model":"gpt-4o","choices":[]}', "gpt-4o", "smart")).toBe('{"id":"a","model":"smart","choices":[]}');
    expect(withModel('{"model":"gpt-\\"4o","x":1}', 'gpt-\\"4o', "smart")).toBeNull(); // value escapes differently than JSON.stringify writes it
    expect(withModel('{"model":"m","extra":{"model":"m"}}', "m", "smart")).toBeNull();
    expect(withModel('{"model": "m"}', "m", "smart")).toBeNull();
    expect(withModel('{"id":"a"}', undefined, "smart")).toBeNull();
    expect(withModel('{"model":7}', 7, "smart")).toBeNull();
    expect(withModel('{"model":"m"}', "m", 'a"b')).toBe('{"model":"a\\"b"}');
  });
});

describe("openai errors", () => {
  interface ErrorCase {
    name: string;
    status: number;
    contentType: string | null;
    body: string;
    expected: ProviderError;
  }
  for (const c of jsonFixture<ErrorCase[]>(dir, "errors.json")) {
    it(c.name, () => {
      expect(openaiAdapter.error(c.status, c.body, c.contentType ?? undefined)).toEqual(c.expected);
    });
  }

  it("never echoes an HTML error page", () => {
    const err = openaiAdapter.error(502, fixture(dir, "error-nginx-502.html"), "text/html");
    expect(err).toEqual({
      status: 502,
      type: "server_error",
      message: "Upstream returned 502 with a non-JSON body (text/html)",
      code: null,
      param: null,
    });
  });

  it("reports 502 when called with a non-error status and garbage", () => {
    expect(openaiAdapter.error(200, "<!doctype html><p>hi</p>", "text/html; charset=utf-8").status).toBe(502);
  });
});
