/**
 * The fake upstream's own tests, per provider family: success, stream, tool calls, auth and
 * validation answers. Streams are parsed with eventsource-parser, the parser Portico itself
 * uses, so a framing mistake shows up here.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./index";
import { poster, OPENAI, ANTHROPIC, GEMINI, AZURE, AZURE_Q, QUESTION, sse, chat, anthropicBody, geminiBody, PROMPT_TOKENS, WEATHER_TOOL } from "./testkit";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const post = poster(() => fake.url);

describe("OpenAI", () => {
  it("answers non-stream with the echoed question and exact usage", async () => {
    const res = await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini"));
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json.object).toBe("chat.completion");
    expect(json.choices[0].message.content).toContain(QUESTION.slice(0, 40));
    expect(json.choices[0].finish_reason).toBe("stop");
    const words = json.choices[0].message.content.match(/\s*\S+/g).length;
    expect(json.usage).toMatchObject({ prompt_tokens: PROMPT_TOKENS, completion_tokens: words, total_tokens: PROMPT_TOKENS + words });
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/v1/chat/completions", dialect: "openai", model: "gpt-4o-mini" });
    expect((fake.requests[0].body as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it("streams 5 content chunks, a usage chunk and [DONE]; text equals the non-stream text", async () => {
    const res = await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini", { stream: true, stream_options: { include_usage: true } }));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = sse(await res.text());
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    const content = chunks.filter((c) => c.choices[0]?.delta?.content).map((c) => c.choices[0].delta.content);
    expect(content).toHaveLength(5);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe("stop");
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBe(content.join("").match(/\s*\S+/g)!.length);
    const whole = await (await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini"))).json();
    expect(content.join("")).toBe(whole.choices[0].message.content);
  });

  it("honors chunks-N and omits usage without include_usage", async () => {
    const events = sse(await (await post("/v1/chat/completions", OPENAI, chat("m-chunks-12", { stream: true }))).text());
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks.filter((c) => c.choices[0]?.delta?.content)).toHaveLength(12);
    expect(chunks.every((c) => c.usage === undefined)).toBe(true);
  });

  it("streams a forced tool call as argument deltas, and two with parallel-tools", async () => {
    const tools = [{ type: "function", function: WEATHER_TOOL }];
    for (const [model, n] of [["gpt-4o", 1], ["gpt-4o-parallel-tools", 2]] as const) {
      const body = chat(model, { stream: true, tools, tool_choice: "required" });
      const chunks = sse(await (await post("/v1/chat/completions", OPENAI, body)).text()).slice(0, -1).map((e) => JSON.parse(e.data));
      const args: string[] = [];
      for (const c of chunks) {
        for (const tc of c.choices[0]?.delta?.tool_calls ?? []) {
          if (tc.id) expect(tc.function.name).toBe("get_weather");
          args[tc.index] = (args[tc.index] ?? "") + tc.function.arguments;
        }
      }
      expect(args).toHaveLength(n);
      for (const a of args) expect(Object.keys(JSON.parse(a))).toEqual(["city", "days"]);
      expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
    }
    const named = await post("/v1/chat/completions", OPENAI, chat("gpt-4o", { tools, tool_choice: { type: "function", function: { name: "get_weather" } } }));
    const msg = (await named.json()).choices[0].message;
    expect(msg.content).toBeNull();
    expect(msg.tool_calls[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
  });

  it("cuts at max_tokens with finish_reason length", async () => {
    const json = await (await post("/v1/chat/completions", OPENAI, chat("gpt-4o-mini", { max_tokens: 3 }))).json();
    expect(json.choices[0].finish_reason).toBe("length");
    expect(json.usage.completion_tokens).toBe(3);
  });

  it("rejects a missing key with 401 in OpenAI's error shape", async () => {
    const res = await post("/v1/chat/completions", { "content-type": "application/json" }, chat("gpt-4o-mini"));
    expect(res.status).toBe(401);
    const json = await res.json();
    expect(json.error).toMatchObject({ type: "invalid_request_error", param: null });
    expect(json.error.message).toContain("API key");
  });

  it("serves embeddings as floats and as base64 float32", async () => {
    const floats = await (await post("/v1/embeddings", OPENAI, { model: "text-embedding-3-small", input: ["a", "b"], dimensions: 8 })).json();
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0].embedding).toHaveLength(8);
    const b64 = await (await post("/v1/embeddings", OPENAI, { model: "text-embedding-3-small", input: "a", dimensions: 8, encoding_format: "base64" })).json();
    const buf = Buffer.from(b64.data[0].embedding, "base64");
    const decoded = Array.from(new Float32Array(buf.buffer, buf.byteOffset, 8));
    decoded.forEach((x, i) => expect(x).toBeCloseTo(floats.data[0].embedding[i], 5));
  });

  it("lists models", async () => {
    const json = await (await fetch(fake.url + "/v1/models", { headers: OPENAI })).json();
    expect(json.object).toBe("list");
    expect(json.data[0]).toMatchObject({ object: "model", owned_by: "system" });
  });
});

describe("Azure OpenAI", () => {
  const path = "/openai/deployments/my-gpt4o/chat/completions";
  it("answers non-stream by deployment with filter annotations", async () => {
    const json = await (await post(path + AZURE_Q, AZURE, chat("ignored"))).json();
    expect(json.model).toBe("my-gpt4o");
    expect(json.prompt_filter_results[0].prompt_index).toBe(0);
    expect(json.choices[0].content_filter_results.hate).toEqual({ filtered: false, severity: "safe" });
    expect(json.choices[0].message.content).toContain("you said");
    expect(fake.requests[0].model).toBe("my-gpt4o");
  });

  it("opens the stream with a choices: [] prompt_filter_results chunk", async () => {
    const events = sse(await (await post(path + AZURE_Q, AZURE, { messages: chat("x").messages, stream: true })).text());
    const first = JSON.parse(events[0].data);
    expect(first.choices).toEqual([]);
    expect(first.prompt_filter_results).toHaveLength(1);
    expect(events.at(-1)?.data).toBe("[DONE]");
  });

  it("requires api-key (401) and api-version (400) in Azure's error shape", async () => {
    const noKey = await post(path + AZURE_Q, { "content-type": "application/json" }, chat("x"));
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.code).toBe("401");
    const noVersion = await post(path, AZURE, chat("x"));
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).error).toHaveProperty("message");
  });

  it("picks faults by deployment name", async () => {
    const res = await post("/openai/deployments/fault-429/chat/completions" + AZURE_Q, AZURE, chat("x"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json()).error.code).toBe("429");
  });
});

describe("Anthropic", () => {
  it("answers non-stream in Messages shape", async () => {
    const json = await (await post("/v1/messages", ANTHROPIC, anthropicBody("claude-sonnet-4-5"))).json();
    expect(json).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn", stop_sequence: null });
    expect(json.content[0].type).toBe("text");
    expect(json.content[0].text).toContain(QUESTION.slice(0, 40));
    expect(json.usage.input_tokens).toBe(PROMPT_TOKENS);
    expect(json.usage.output_tokens).toBe(json.content[0].text.match(/\s*\S+/g).length);
  });

  it("streams the real event sequence", async () => {
    const events = sse(await (await post("/v1/messages", ANTHROPIC, anthropicBody("claude-sonnet-4-5", { stream: true }))).text());
    const names = events.map((e) => e.event);
    expect(names).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...Array(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const delta = JSON.parse(events.find((e) => e.event === "message_delta")!.data);
    expect(delta.delta.stop_reason).toBe("end_turn");
    const text = events.filter((e) => e.event === "content_block_delta").map((e) => JSON.parse(e.data).delta.text).join("");
    expect(delta.usage.output_tokens).toBe(text.match(/\s*\S+/g)!.length);
  });

  it("streams forced tool_use blocks as input_json_delta", async () => {
    const tools = [{ name: "get_weather", input_schema: WEATHER_TOOL.parameters }];
    const body = anthropicBody("claude-parallel-tools", { stream: true, tools, tool_choice: { type: "any" } });
    const events = sse(await (await post("/v1/messages", ANTHROPIC, body)).text()).map((e) => JSON.parse(e.data));
    const starts = events.filter((e) => e.type === "content_block_start");
    expect(starts.map((s) => s.content_block.type)).toEqual(["tool_use", "tool_use"]);
    for (const s of starts) {
      const json = events
        .filter((e) => e.type === "content_block_delta" && e.index === s.index)
        .map((e) => e.delta.partial_json)
        .join("");
      expect(JSON.parse(json)).toHaveProperty("city");
    }
    expect(events.find((e) => e.type === "message_delta").delta.stop_reason).toBe("tool_use");
  });

  it("validates headers and max_tokens; accepts Authorization: Bearer", async () => {
    const noKey = await post("/v1/messages", { "anthropic-version": "2023-06-01" }, anthropicBody("claude"));
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const noVersion = await post("/v1/messages", { "x-api-key": "k" }, anthropicBody("claude"));
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).error.type).toBe("invalid_request_error");
    const { max_tokens: _omit, ...noMax } = anthropicBody("claude");
    const missing = await post("/v1/messages", ANTHROPIC, noMax);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toContain("max_tokens");
    const bearer = await post("/v1/messages", { authorization: "Bearer k", "anthropic-version": "2023-06-01" }, anthropicBody("claude"));
    expect(bearer.status).toBe(200);
  });

  it("answers fault-529 with overloaded_error", async () => {
    const res = await post("/v1/messages", ANTHROPIC, anthropicBody("fault-529"));
    expect(res.status).toBe(529);
    expect((await res.json()).error.type).toBe("overloaded_error");
  });
});

describe("Gemini", () => {
  it("answers generateContent", async () => {
    const json = await (await post("/v1beta/models/gemini-2.5-flash:generateContent", GEMINI, geminiBody())).json();
    expect(json.candidates[0]).toMatchObject({ finishReason: "STOP", index: 0, content: { role: "model" } });
    const text = json.candidates[0].content.parts[0].text;
    expect(text).toContain(QUESTION.slice(0, 40));
    expect(json.usageMetadata).toMatchObject({ promptTokenCount: PROMPT_TOKENS, candidatesTokenCount: text.match(/\s*\S+/g).length });
    expect(json.modelVersion).toBe("gemini-2.5-flash");
  });

  it("streams full responses over SSE, the last with finishReason and usage", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", GEMINI, geminiBody());
    const events = sse(await res.text()).map((e) => JSON.parse(e.data));
    expect(events).toHaveLength(6);
    const last = events.at(-1);
    expect(last.candidates[0].finishReason).toBe("STOP");
    expect(last.usageMetadata.totalTokenCount).toBe(last.usageMetadata.promptTokenCount + last.usageMetadata.candidatesTokenCount);
    expect(events.slice(0, -1).every((e) => e.candidates[0].finishReason === undefined)).toBe(true);
  });

  it("answers toolConfig ANY with function calls, and streams without alt=sse as a JSON array", async () => {
    const body = geminiBody({
      tools: [{ functionDeclarations: [WEATHER_TOOL] }],
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
    });
    const json = await (await post("/v1beta/models/gemini-parallel-tools:generateContent", GEMINI, body)).json();
    const calls = json.candidates[0].content.parts.map((p: { functionCall: unknown }) => p.functionCall);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ name: "get_weather", args: { city: expect.any(String) } });
    const arr = await (await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", GEMINI, geminiBody())).json();
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.at(-1).candidates[0].finishReason).toBe("STOP");
  });

  it("requires an API key (Google error shape) and embeds in batch", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:generateContent", { "content-type": "application/json" }, geminiBody());
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: 403, status: "PERMISSION_DENIED" });
    const keyInQuery = await post("/v1beta/models/gemini-2.5-flash:generateContent?key=k", {}, geminiBody());
    expect(keyInQuery.status).toBe(200);
    const emb = await (await post("/v1beta/models/text-embedding-004:batchEmbedContents", GEMINI, {
      requests: [{ model: "models/text-embedding-004", content: { parts: [{ text: "hi" }] } }, { content: { parts: [{ text: "yo" }] } }],
    })).json();
    expect(emb.embeddings).toHaveLength(2);
    expect(emb.embeddings[0].values.length).toBeGreaterThan(0);
  });
});
