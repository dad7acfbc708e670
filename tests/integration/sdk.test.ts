/**
 * The official SDKs against the in-process Portico: only baseURL and the key
 * change. openai v6 (chat, stream, tools, embeddings, models, errors) and
 * @anthropic-ai/sdk (messages, stream helper, tool_use, errors), each against a
 * route backed by the fake OpenAI upstream and one backed by the built-in mock.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, USER_MSG, WEATHER_TOOL, type Gateway } from "../support/gateway";

let gw: Gateway;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  gw = await startGateway();
  await gw.routeTo("sdk-fake", [{ type: "openai", upstreamModel: "sdk-upstream" }]);
  await gw.routeTo("sdk-mock", [{ type: "mock", upstreamModel: "sdk-mock-model" }]);
  await gw.routeTo("sdk-embed-fake", [{ type: "openai", upstreamModel: "sdk-embedder", kind: "embedding" }]);
  const apiKey = (await gw.newKey({ name: "sdk" })).key;
  openai = new OpenAI({ baseURL: gw.url + "/v1", apiKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey, maxRetries: 0 });
});
afterAll(() => gw?.close());

const ROUTES = [
  { alias: "sdk-fake", reply: "Fake openai reply from sdk-upstream" },
  { alias: "sdk-mock", reply: "Mock reply to: What is the capital" },
];

describe.each(ROUTES)("openai SDK → $alias", ({ alias, reply }) => {
  it("chat.completions.create (non-stream)", async () => {
    const { data, response } = await openai.chat.completions.create({ model: alias, messages: [{ role: "user", content: USER_MSG }] }).withResponse();
    expect(response.headers.get("x-portico-route")).toBe(alias);
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe(alias);
    expect(data.choices[0]!.message.content).toContain(reply);
    expect(data.usage!.total_tokens).toBeGreaterThan(0);
  });

  it("chat.completions.create stream: for await chunks, with usage", async () => {
    const stream = await openai.chat.completions.create({
      model: alias,
      messages: [{ role: "user", content: USER_MSG }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let n = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      n++;
      text += chunk.choices[0]?.delta?.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(n).toBeGreaterThan(2);
    expect(text).toContain(reply);
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it("tools: a forced call comes back as tool_calls, also through the stream helper", async () => {
    const done = await openai.chat.completions.create({
      model: alias,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [WEATHER_TOOL],
      tool_choice: "required",
    });
    const call = done.choices[0]!.message.tool_calls![0]!;
    expect(done.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("not a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toHaveProperty("city");

    const runner = openai.chat.completions.stream({
      model: alias,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [WEATHER_TOOL],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    if (streamed.type !== "function") throw new Error("not a function call");
    expect(streamed.function.name).toBe("get_weather");
    expect(JSON.parse(streamed.function.arguments)).toHaveProperty("city");
  });
});

describe("openai SDK: embeddings, models, errors", () => {
  it("embeddings on the built-in mock-embed (the SDK asks for base64 and decodes it)", async () => {
    const r = await openai.embeddings.create({ model: "mock-embed", input: ["hello", "world"] });
    expect(r.object).toBe("list");
    expect(r.data).toHaveLength(2);
    expect(r.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(r.data[0]!.embedding.every((x) => Number.isFinite(x))).toBe(true);
    expect(r.data[0]!.embedding).not.toEqual(r.data[1]!.embedding);
    expect(r.usage.prompt_tokens).toBeGreaterThan(0);
    // deterministic
    const again = await openai.embeddings.create({ model: "mock-embed", input: "hello" });
    expect(again.data[0]!.embedding).toEqual(r.data[0]!.embedding);
  });

  it("embeddings through the fake OpenAI upstream, float and base64", async () => {
    const f = await openai.embeddings.create({ model: "sdk-embed-fake", input: "portico", encoding_format: "float" });
    const b = await openai.embeddings.create({ model: "sdk-embed-fake", input: "portico" });
    expect(f.model).toBe("sdk-embed-fake");
    expect(f.data[0]!.embedding).toHaveLength(64);
    expect(b.data[0]!.embedding).toHaveLength(64);
    b.data[0]!.embedding.forEach((x, i) => expect(x).toBeCloseTo(f.data[0]!.embedding[i]!, 5));
  });

  it("models.list shows the route aliases; models.retrieve one", async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["sdk-fake", "sdk-mock", "mock-chat", "mock-embed"]));
    const m = await openai.models.retrieve("sdk-fake");
    expect(m.id).toBe("sdk-fake");
    expect(m.object).toBe("model");
  });

  it("errors parse into the SDK's typed errors", async () => {
    const e1 = await openai.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.NotFoundError);
    expect((e1 as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
    const bad = new OpenAI({ baseURL: gw.url + "/v1", apiKey: "pk_wrong", maxRetries: 0 });
    const e2 = await bad.chat.completions.create({ model: "sdk-mock", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe.each(ROUTES)("anthropic SDK → $alias", ({ alias, reply }) => {
  it("messages.create (non-stream)", async () => {
    const msg = await anthropic.messages.create({
      model: alias,
      max_tokens: 256,
      system: "You are terse.",
      messages: [{ role: "user", content: USER_MSG }],
    });
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.model).toBe(alias);
    expect(msg.stop_reason).toBe("end_turn");
    const text = msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    expect(text).toContain(reply);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it("messages.stream(...).finalMessage()", async () => {
    const stream = anthropic.messages.stream({ model: alias, max_tokens: 256, messages: [{ role: "user", content: USER_MSG }] });
    let deltas = "";
    stream.on("text", (t) => (deltas += t));
    const msg = await stream.finalMessage();
    const text = msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    expect(text).toContain(reply);
    expect(deltas).toBe(text);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it("tool_use, non-stream and streamed", async () => {
    const tools: Anthropic.Tool[] = [
      { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    ];
    const msg = await anthropic.messages.create({
      model: alias,
      max_tokens: 256,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      tool_choice: { type: "any" },
    });
    expect(msg.stop_reason).toBe("tool_use");
    const use = msg.content.find((b) => b.type === "tool_use");
    if (!use || use.type !== "tool_use") throw new Error(`no tool_use block: ${JSON.stringify(msg.content)}`);
    expect(use.name).toBe("get_weather");
    expect(use.id).toBeTruthy();
    expect(use.input).toHaveProperty("city");

    const streamed = await anthropic.messages
      .stream({ model: alias, max_tokens: 256, messages: [{ role: "user", content: "Weather in Paris?" }], tools, tool_choice: { type: "tool", name: "get_weather" } })
      .finalMessage();
    const su = streamed.content.find((b) => b.type === "tool_use");
    if (!su || su.type !== "tool_use") throw new Error(`no streamed tool_use block: ${JSON.stringify(streamed.content)}`);
    expect(su.name).toBe("get_weather");
    expect(su.input).toHaveProperty("city");
    expect(streamed.stop_reason).toBe("tool_use");
  });
});

describe("anthropic SDK errors", () => {
  it("unknown model and bad key parse into the SDK's typed errors", async () => {
    const e1 = await anthropic.messages.create({ model: "nope", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Anthropic.NotFoundError);
    const bad = new Anthropic({ baseURL: gw.url, apiKey: "pk_wrong", maxRetries: 0 });
    const e2 = await bad.messages.create({ model: "sdk-mock", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((e2 as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});
