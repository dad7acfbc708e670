import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeFrame, exceptionFrame } from "@/e2e/fakes/eventstream";
import type { ChatChunk, ChatRequest, ProviderTarget, StreamContext } from "../types";
import { AdapterError } from "../shared/errors";
import { createEventStreamDecoder } from "./eventstream";
import { bedrockAdapter } from "./index";

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as unknown;
const keys = JSON.stringify({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" });
const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  baseUrl: "",
  apiKey: keys,
  upstreamModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  options: { region: "eu-west-1" },
  ...over,
});
const ctx: StreamContext = { model: "alias", id: "chatcmpl-1", created: 1700000000 };
const body = (req: ChatRequest, t = target()) => JSON.parse(bedrockAdapter.chatRequest(req, t).body!) as Record<string, unknown>;

/** The recorded event list → binary frames → decoder → transformer, `split` bytes per read. */
function runStream(events: [string, string, unknown][] | Buffer[], c: StreamContext = ctx, split = 7) {
  const bytes = Buffer.concat(events.map((e) => (Buffer.isBuffer(e) ? e : encodeFrame({ [e[0]]: e[1], ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(e[2])))));
  const d = createEventStreamDecoder();
  const tr = bedrockAdapter.chatStream(c);
  const chunks: ChatChunk[] = [];
  for (let i = 0; i < bytes.length; i += split) for (const ev of d.feed(bytes.subarray(i, i + split))) chunks.push(...tr.push(ev));
  chunks.push(...tr.end());
  return { chunks, tr };
}

describe("bedrock request", () => {
  it("puts the model id in the path as one encoded segment and derives the regional endpoint", () => {
    const up = bedrockAdapter.chatRequest({ model: "a", messages: [{ role: "user", content: "hi" }] }, target());
    expect(up.url).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
    const arn = bedrockAdapter.chatRequest({ model: "a", stream: true, messages: [{ role: "user", content: "hi" }] }, target({ baseUrl: "http://fake:1/", upstreamModel: "arn:aws:bedrock:us-east-1:123:inference-profile/x" }));
    expect(arn.url).toBe("http://fake:1/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fx/converse-stream");
    expect(arn.headers.accept).toBe("application/vnd.amazon.eventstream");
  });

  it("asks the gateway to sign with SigV4 (service bedrock) for access keys, and sends API keys as bearer", () => {
    const up = bedrockAdapter.chatRequest({ model: "a", messages: [{ role: "user", content: "hi" }] }, target());
    expect(up.auth).toEqual({ kind: "aws-sigv4", service: "bedrock", region: "eu-west-1", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" });
    expect(up.headers.authorization).toBeUndefined();
    const bearer = bedrockAdapter.chatRequest({ model: "a", messages: [{ role: "user", content: "hi" }] }, target({ apiKey: "ABSKQmVkcm9ja0FQSUtleS1" }));
    expect(bearer.auth).toBeUndefined();
    expect(bearer.headers.authorization).toBe("Bearer ABSKQmVkcm9ja0FQSUtleS1");
  });

  it("applies Converse's rules: system blocks, alternation from the user, no empty text, tool results in one user turn", () => {
    const b = body({
      model: "a",
      max_tokens: 50,
      temperature: 1.5,
      stop: "END",
      messages: [
        { role: "system", content: "be brief" },
        { role: "assistant", content: "Hello! How can I help?" },
        { role: "user", content: "" },
        { role: "user", content: [{ type: "text", text: "weather in Paris and Rome?" }] },
        { role: "assistant", content: "", tool_calls: [
          { id: "t1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "t2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
        ] },
        { role: "tool", tool_call_id: "t1", content: "sunny" },
        { role: "tool", tool_call_id: "t2", content: "" },
        { role: "user", content: "thanks" },
      ],
    });
    expect(b.system).toEqual([{ text: "be brief" }]);
    expect(b.inferenceConfig).toEqual({ maxTokens: 50, temperature: 1, stopSequences: ["END"] });
    expect(b.messages).toEqual([
      { role: "user", content: [{ text: "(conversation continues)" }] },
      { role: "assistant", content: [{ text: "Hello! How can I help?" }] },
      { role: "user", content: [{ text: "weather in Paris and Rome?" }] },
      { role: "assistant", content: [
        { toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } },
        { toolUse: { toolUseId: "t2", name: "get_weather", input: { city: "Rome" } } },
      ] },
      { role: "user", content: [
        { toolResult: { toolUseId: "t1", content: [{ text: "sunny" }] } },
        { toolResult: { toolUseId: "t2", content: [{ text: "(empty)" }] } },
        { text: "thanks" },
      ] },
    ]);
    // No tools on this turn, but tool blocks in the history: toolConfig must still be sent.
    expect(b.toolConfig).toEqual({ tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object", properties: {} } } } }] });
  });

  it("maps tools and tool_choice, and emulates json_schema with a forced tool", () => {
    const tools: ChatRequest["tools"] = [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object", properties: { a: { type: "string" } } } } }];
    expect(body({ model: "a", messages: [{ role: "user", content: "x" }], tools, tool_choice: "required" }).toolConfig).toEqual({
      tools: [{ toolSpec: { name: "f", description: "d", inputSchema: { json: { type: "object", properties: { a: { type: "string" } } } } } }],
      toolChoice: { any: {} },
    });
    expect((body({ model: "a", messages: [{ role: "user", content: "x" }], tools, tool_choice: { type: "function", function: { name: "f" } } }).toolConfig as { toolChoice: unknown }).toolChoice).toEqual({ tool: { name: "f" } });
    expect(body({ model: "a", messages: [{ role: "user", content: "x" }], tools, tool_choice: "none" }).toolConfig).toBeUndefined();
    const js = body({ model: "a", messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" } } } });
    expect(js.toolConfig).toEqual({ tools: [{ toolSpec: { name: "out", description: "Return the answer as JSON matching this schema.", inputSchema: { json: { type: "object" } } } }], toolChoice: { tool: { name: "out" } } });
  });

  it("sends images as bytes and refuses what Converse cannot take", () => {
    const b = body({ model: "a", messages: [{ role: "user", content: [{ type: "text", text: "what?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] }] });
    expect((b.messages as { content: unknown[] }[])[0]!.content[1]).toEqual({ image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } });
    expect(() => body({ model: "a", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/cat.png" } }] }] })).toThrow(AdapterError);
    expect(() => body({ model: "a", n: 2, messages: [{ role: "user", content: "x" }] })).toThrow(/n must be 1/);
  });

  it("builds Titan and Cohere InvokeModel bodies", () => {
    const titan = bedrockAdapter.embeddingsRequest!({ model: "e", input: "hello", dimensions: 256 }, target({ upstreamModel: "amazon.titan-embed-text-v2:0" }));
    expect(titan.url).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke");
    expect(JSON.parse(titan.body!)).toEqual({ inputText: "hello", dimensions: 256 });
    expect(() => bedrockAdapter.embeddingsRequest!({ model: "e", input: ["a", "b"] }, target({ upstreamModel: "amazon.titan-embed-text-v2:0" }))).toThrow(/one text per request/);
    const cohere = bedrockAdapter.embeddingsRequest!({ model: "e", input: ["a", "b"] }, target({ upstreamModel: "cohere.embed-english-v3" }));
    expect(JSON.parse(cohere.body!)).toEqual({ texts: ["a", "b"], input_type: "search_document", embedding_types: ["float"] });
    expect(() => bedrockAdapter.embeddingsRequest!({ model: "e", input: "a" }, target({ upstreamModel: "meta.llama3" }))).toThrow(/Titan/);
  });
});

describe("bedrock response", () => {
  it("maps the recorded Converse tool-use answer and its usage (cache reads count as prompt tokens)", () => {
    const r = bedrockAdapter.chatResponse(fixture("converse-tool.json"), { model: "alias", id: "chatcmpl-1", created: 1 });
    expect(r.choices[0]).toEqual({
      index: 0,
      logprobs: null,
      finish_reason: "tool_calls",
      message: {
        role: "assistant",
        refusal: null,
        content: "I'll look up the weather in Paris.",
        tool_calls: [{ id: "tooluse_8vTiAF0lRT6IijHgJkIpvQ", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
    });
    expect(r.usage).toEqual({ prompt_tokens: 401, completion_tokens: 61, total_tokens: 462, prompt_tokens_details: { cached_tokens: 100 } });
  });

  it("maps stop reasons and turns the json_schema tool back into content", () => {
    const req: ChatRequest = { model: "a", messages: [], response_format: { type: "json_schema", json_schema: { name: "out" } } };
    const r = bedrockAdapter.chatResponse(
      { output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "x", name: "out", input: { ok: true } } }] } }, stopReason: "tool_use", usage: { inputTokens: 1, outputTokens: 2 } },
      { model: "a", id: "i", created: 1, request: req },
    );
    expect(r.choices[0]!.message.content).toBe('{"ok":true}');
    expect(r.choices[0]!.finish_reason).toBe("stop");
    const cut = bedrockAdapter.chatResponse({ output: { message: { content: [{ text: "a" }] } }, stopReason: "max_tokens" }, { model: "a", id: "i", created: 1 });
    expect(cut.choices[0]!.finish_reason).toBe("length");
  });

  it("maps Titan and Cohere embeddings, base64 when asked", () => {
    const t = bedrockAdapter.embeddingsResponse!({ embedding: [0.5, -0.25], inputTextTokenCount: 3 }, { model: "e", id: "", created: 1, embeddingsRequest: { model: "e", input: "hey" } });
    expect(t).toEqual({ object: "list", model: "e", data: [{ object: "embedding", index: 0, embedding: [0.5, -0.25] }], usage: { prompt_tokens: 3, total_tokens: 3 } });
    const c = bedrockAdapter.embeddingsResponse!({ id: "x", embeddings: { float: [[1], [2]] }, response_type: "embeddings_by_type" }, { model: "e", id: "", created: 1, embeddingsRequest: { model: "e", input: ["abcd", "efgh"], encoding_format: "base64" } });
    expect(c.data.map((d) => d.embedding)).toEqual([Buffer.from(new Float32Array([1]).buffer).toString("base64"), Buffer.from(new Float32Array([2]).buffer).toString("base64")]);
    expect(c.usage.prompt_tokens).toBe(2);
  });
});

describe("bedrock errors", () => {
  const json = "application/json";
  it("takes the type from x-amzn-ErrorType, split at ':'", () => {
    const e = bedrockAdapter.error(429, '{"message":"Too many requests, please wait before trying again."}', json, { "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/" });
    expect(e).toMatchObject({ status: 429, type: "rate_limit_error", code: "ThrottlingException", message: "Too many requests, please wait before trying again." });
    expect(e.retryAfterMs).toBeUndefined();
  });

  it("reports auth failures (403) as authentication errors and validation as the caller's", () => {
    expect(bedrockAdapter.error(403, '{"message":"The security token included in the request is invalid."}', json, { "x-amzn-errortype": "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/" })).toMatchObject({ status: 401, type: "authentication_error" });
    expect(bedrockAdapter.error(403, '{"Message":"Signature expired"}', json)).toMatchObject({ status: 403, type: "authentication_error", message: "Signature expired" });
    expect(bedrockAdapter.error(400, '{"message":"A conversation must start with a user message."}', json, { "x-amzn-errortype": "ValidationException" })).toMatchObject({ status: 400, type: "invalid_request_error" });
    expect(bedrockAdapter.error(502, "<html><body>Bad Gateway</body></html>", "text/html")).toMatchObject({ status: 502, type: "server_error" });
  });
});

describe("bedrock stream", () => {
  it("maps the recorded tool stream (text without contentBlockStart, tool with it) and the usage in metadata", () => {
    const { chunks, tr } = runStream(fixture("converse-stream-tool.json") as [string, string, unknown][], { ...ctx, includeUsage: true });
    const deltas = chunks.map((c) => c.choices[0]?.delta);
    expect(deltas).toEqual([
      { role: "assistant", content: "" },
      { content: "Let me check" },
      { content: " the weather." },
      { tool_calls: [{ index: 0, id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", type: "function", function: { name: "get_weather", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city": "Par' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] },
      {},
      undefined,
    ]);
    expect(chunks[6]!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(chunks[7]!.usage).toEqual({ prompt_tokens: 391, completion_tokens: 58, total_tokens: 449 });
    expect(tr.done).toBe(true);
  });

  it("reports an exception frame inside the 200 stream as a mapped error", () => {
    const events = (fixture("converse-stream-tool.json") as [string, string, unknown][]).slice(0, 3).map((e) => encodeFrame({ [e[0]]: e[1], ":message-type": "event" }, JSON.stringify(e[2])));
    const { chunks, tr } = runStream([...events, exceptionFrame("modelStreamErrorException", "The model stream failed")]);
    expect(chunks.length).toBe(3);
    expect(tr.done).toBe(false);
    expect(tr.error?.()).toMatchObject({ status: 502, code: "ModelStreamErrorException", message: "The model stream failed" });
    const throttled = runStream([exceptionFrame("throttlingException", "slow down")]);
    expect(throttled.tr.error?.()).toMatchObject({ status: 429, type: "rate_limit_error" });
  });

  it("reports a corrupt frame as a bad upstream response", () => {
    const frame = encodeFrame({ ":event-type": "messageStart", ":message-type": "event" }, '{"role":"assistant"}');
    frame[frame.length - 1] ^= 1;
    const { tr } = runStream([frame]);
    expect(tr.error?.()).toMatchObject({ status: 502, code: "bad_upstream_response" });
  });

  it("is not done when the stream ends before messageStop", () => {
    const events = (fixture("converse-stream-tool.json") as [string, string, unknown][]).slice(0, 3);
    expect(runStream(events).tr.done).toBe(false);
  });
});
