/**
 * Proof the wire formats are right: the official SDKs (openai v6, @anthropic-ai/sdk), pointed at
 * the fake by baseURL, parse its answers, streams, tool calls and errors. If a provider shape
 * drifts in the fake, these fail before a Portico adapter test is fooled by it.
 * (No Gemini SDK is installed: @google/genai@2 would be the one to add here.)
 */

import Anthropic from "@anthropic-ai/sdk";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./index";

let fake: FakeUpstream;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  fake = await startFakeUpstream();
  openai = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: fake.url, apiKey: "sk-ant-test", maxRetries: 0 });
});
afterAll(() => fake.close());

const QUESTION = "Summarize the plot of Hamlet in exactly two sentences please.";
const weather = {
  type: "object" as const,
  properties: { city: { type: "string" }, days: { type: "integer" } },
  required: ["city"],
};

describe("openai SDK", () => {
  it("parses a completion and a streamed completion with usage", async () => {
    const done = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: QUESTION }] });
    expect(done.choices[0].message.content).toContain(QUESTION.slice(0, 40));
    expect(done.usage?.total_tokens).toBeGreaterThan(0);

    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(done.choices[0].message.content);
    expect(usage?.completion_tokens).toBe(done.usage?.completion_tokens);
  });

  it("accumulates streamed parallel tool calls with the stream helper", async () => {
    const runner = openai.chat.completions.stream({
      model: "gpt-4o-parallel-tools",
      messages: [{ role: "user", content: QUESTION }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: weather } }],
      tool_choice: "required",
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0].message.tool_calls ?? [];
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(c.type).toBe("function");
      if (c.type === "function") expect(JSON.parse(c.function.arguments)).toMatchObject({ city: expect.any(String), days: expect.any(Number) });
    }
    expect(final.choices[0].finish_reason).toBe("tool_calls");
  });

  it("decodes default (base64) embeddings and maps errors to typed exceptions", async () => {
    const emb = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["one", "two"] });
    expect(emb.data).toHaveLength(2);
    expect(emb.data[0].embedding.every((x) => typeof x === "number")).toBe(true);
    const err = await openai.chat.completions.create({ model: "fault-429", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("rate_limit_exceeded");
  });

  it("talks to the Azure routes through AzureOpenAI", async () => {
    const azure = new AzureOpenAI({ endpoint: fake.url, apiKey: "az", apiVersion: "2024-10-21", deployment: "my-dep", maxRetries: 0 });
    const stream = await azure.chat.completions.create({ model: "", messages: [{ role: "user", content: QUESTION }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toContain("my-dep");
    expect(fake.requests.at(-1)?.query).toContain("api-version=2024-10-21");
  });
});

describe("anthropic SDK", () => {
  it("parses a message and a streamed message", async () => {
    const msg = await anthropic.messages.create({ model: "claude-fake-1", max_tokens: 200, messages: [{ role: "user", content: QUESTION }] });
    const block = msg.content[0];
    expect(block.type).toBe("text");
    if (block.type === "text") expect(block.text).toContain(QUESTION.slice(0, 40));

    const stream = anthropic.messages.stream({ model: "claude-fake-1", max_tokens: 200, messages: [{ role: "user", content: QUESTION }] });
    let deltas = "";
    stream.on("text", (t) => (deltas += t));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(msg.usage.output_tokens);
    const finalBlock = final.content[0];
    expect(finalBlock.type === "text" && finalBlock.text).toBe(deltas);
  });

  it("assembles streamed tool_use input from input_json_delta", async () => {
    const stream = anthropic.messages.stream({
      model: "claude-fake-1",
      max_tokens: 200,
      messages: [{ role: "user", content: QUESTION }],
      tools: [{ name: "get_weather", input_schema: weather }],
      tool_choice: { type: "tool", name: "get_weather" },
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    const block = final.content[0];
    expect(block.type).toBe("tool_use");
    if (block.type === "tool_use") expect(block.input).toMatchObject({ city: expect.any(String) });
  });

  it("maps overloaded and mid-stream errors", async () => {
    const err = await anthropic.messages.create({ model: "fault-529", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    const stream = anthropic.messages.stream({ model: "fault-midstream-error", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });
});
