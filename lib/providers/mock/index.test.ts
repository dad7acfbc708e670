import { describe, expect, it } from "vitest";
import type { ChatRequest, ProviderTarget, StreamContext } from "../types";
import { accumulate } from "../shared/sse-testing";
import { approxTokens, mockChat, mockEmbeddings, schemaExample } from "./index";

const target: ProviderTarget = { baseUrl: "mock://", upstreamModel: "mock-1" };
const ctx: StreamContext = { model: "fast", id: "chatcmpl-mock-1", created: 1700000000 };
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "fast",
  messages: [
    { role: "system", content: "Be nice." },
    { role: "user", content },
  ],
  ...extra,
});

describe("mock chat", () => {
  it("is deterministic and quotes the last user message", () => {
    const a = mockChat(ask("Tell me about the weather in Paris today please"), target).response(ctx);
    const b = mockChat(ask("Tell me about the weather in Paris today please"), target).response(ctx);
    expect(a).toEqual(b);
    const text = a.choices[0].message.content ?? "";
    expect(text.startsWith("Mock reply to: Tell me about the weather in Paris today")).toBe(true);
    expect(text.split(" ")).toHaveLength(32);
    expect(text.endsWith(".")).toBe(true);
    expect(a.choices[0].finish_reason).toBe("stop");
    expect(a.model).toBe("fast");
    expect(a.id).toBe("chatcmpl-mock-1");
    // Different prompt, different filler.
    const c = mockChat(ask("Something else entirely"), target).response(ctx).choices[0].message.content;
    expect(c).not.toBe(text);
  });

  it("honours replyTokens and max_tokens (finish_reason length)", () => {
    const t = { ...target, options: { replyTokens: 6 } };
    expect(mockChat(ask("hi"), { ...target, options: { replyTokens: 4 } }).response(ctx).choices[0].message.content).toBe(
      "Mock reply to: hi.",
    );
    const long = mockChat(ask("hi there you"), t).response(ctx).choices[0];
    expect(long.message.content?.split(" ")).toHaveLength(6);
    const cut = mockChat(ask("hi", { max_tokens: 3 }), target).response(ctx).choices[0];
    expect(cut.message.content).toBe("Mock reply to:");
    expect(cut.finish_reason).toBe("length");
  });

  it("streams the same text it answers, role first, usage last only when asked", () => {
    const plan = mockChat(ask("stream me"), target);
    const chunks = plan.chunks({ ...ctx, includeUsage: true });
    const acc = accumulate(chunks);
    expect(acc.content).toBe(plan.response(ctx).choices[0].message.content);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(acc.finishReason).toBe("stop");
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: plan.usage });
    expect(chunks).toHaveLength(1 + 32 + 1 + 1);
    expect(plan.chunks(ctx).some((c) => c.usage)).toBe(false);
  });

  it("counts tokens approximately (ceil(chars/4)) and deterministically", () => {
    const plan = mockChat(ask("abcd"), target);
    const reply = plan.response(ctx).choices[0].message.content ?? "";
    expect(plan.usage.completion_tokens).toBe(approxTokens(reply));
    expect(plan.usage.prompt_tokens).toBe(approxTokens("system: Be nice.\nuser: abcd"));
    expect(plan.usage.total_tokens).toBe(plan.usage.prompt_tokens + plan.usage.completion_tokens);
  });

  it("returns the delays instead of sleeping", () => {
    const plan = mockChat(ask("x"), { ...target, options: { latencyMs: 250, tokensPerSecond: 50, replyTokens: 11 } });
    expect(plan.delaysMs).toEqual({ firstToken: 250, perToken: 20, total: 250 + 20 * 10 });
    expect(mockChat(ask("x"), target).delaysMs).toEqual({ firstToken: 0, perToken: 0, total: 0 });
    // Nonsense options fall back to defaults.
    expect(mockChat(ask("x"), { ...target, options: { latencyMs: "slow", tokensPerSecond: -5 } }).delaysMs.firstToken).toBe(0);
  });

  it("calls a tool when tool_choice requires it, with schema-valid arguments", () => {
    const tools: ChatRequest["tools"] = [
      {
        type: "function",
        function: {
          name: "book_flight",
          parameters: {
            type: "object",
            properties: {
              from: { type: "string" },
              seats: { type: "integer", minimum: 1 },
              window: { type: "boolean" },
              price: { type: "number" },
              note: { type: "string" },
            },
            required: ["from", "seats", "window", "price"],
          },
        },
      },
      { type: "function", function: { name: "noop" } },
    ];
    const plan = mockChat(ask("fly", { tools, tool_choice: "required" }), target);
    const res = plan.response(ctx);
    const call = res.choices[0].message.tool_calls?.[0];
    expect(res.choices[0].finish_reason).toBe("tool_calls");
    expect(res.choices[0].message.content).toBeNull();
    expect(call?.function.name).toBe("book_flight");
    expect(JSON.parse(call?.function.arguments ?? "")).toEqual({ from: "mock", seats: 1, window: false, price: 0 });
    expect(call?.id).toMatch(/^call_mock_[0-9a-f]{16}$/);

    const streamed = accumulate(plan.chunks(ctx));
    expect(streamed.toolCalls).toEqual([call]);
    expect(streamed.finishReason).toBe("tool_calls");

    const named = mockChat(ask("x", { tools, tool_choice: { type: "function", function: { name: "noop" } } }), target).response(ctx);
    expect(named.choices[0].message.tool_calls?.[0].function).toEqual({ name: "noop", arguments: "{}" });
    // auto → plain text
    expect(mockChat(ask("x", { tools, tool_choice: "auto" }), target).response(ctx).choices[0].message.tool_calls).toBeUndefined();
  });

  it("answers json_schema with a document that satisfies the schema", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        temp: { type: "number", minimum: -50, maximum: -10 },
        unit: { type: "string", enum: ["c", "f"] },
        tags: { type: "array", items: { type: "string" }, minItems: 2 },
        when: { type: "string", format: "date-time" },
        nested: { $ref: "#/$defs/Nested" },
        maybe: { anyOf: [{ type: "null" }, { type: "integer" }] },
      },
      required: ["city", "temp", "unit", "tags", "when", "nested", "maybe"],
      additionalProperties: false,
      $defs: { Nested: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } },
    };
    const plan = mockChat(ask("json", { response_format: { type: "json_schema", json_schema: { name: "r", schema } } }), target);
    const doc = JSON.parse(plan.response(ctx).choices[0].message.content ?? "");
    expect(doc).toEqual({
      city: "mock",
      temp: -10,
      unit: "c",
      tags: ["mock", "mock"],
      when: "1970-01-01T00:00:00Z",
      nested: { ok: false },
      maybe: 0,
    });
    expect(JSON.parse(accumulate(plan.chunks(ctx)).content ?? "")).toEqual(doc);
  });

  it("answers json_object with a JSON object", () => {
    const content = mockChat(ask("hi", { response_format: { type: "json_object" } }), target).response(ctx).choices[0].message.content;
    expect(JSON.parse(content ?? "")).toHaveProperty("reply");
  });
});

describe("schemaExample", () => {
  it("covers the basic types and bounds", () => {
    expect(schemaExample({ type: "string", minLength: 6, maxLength: 8 })).toBe("mockkk");
    expect(schemaExample({ type: "integer", exclusiveMinimum: 3 })).toBe(4);
    expect(schemaExample({ type: ["null", "boolean"] })).toBe(false);
    expect(schemaExample({ const: 42 })).toBe(42);
    expect(schemaExample({ allOf: [{ properties: { a: { type: "string" } } }, { properties: { b: { type: "integer" } } }] })).toEqual({
      a: "mock",
      b: 0,
    });
    // Recursive schemas terminate.
    const tree = { $defs: { N: { type: "object", properties: { child: { $ref: "#/$defs/N" } } } }, $ref: "#/$defs/N" };
    expect(() => JSON.stringify(schemaExample(tree))).not.toThrow();
  });
});

describe("mock embeddings", () => {
  it("returns deterministic unit vectors, one per input", () => {
    const a = mockEmbeddings({ model: "embed", input: ["hello", "world"] });
    const b = mockEmbeddings({ model: "embed", input: ["hello", "world"] });
    expect(a).toEqual(b);
    expect(a.model).toBe("embed");
    expect(a.data.map((d) => d.index)).toEqual([0, 1]);
    for (const d of a.data) {
      const v = d.embedding as number[];
      expect(v).toHaveLength(8);
      expect(Math.hypot(...v)).toBeCloseTo(1, 10);
    }
    expect(a.data[0].embedding).not.toEqual(a.data[1].embedding);
    // Same text → same vector regardless of batch position.
    expect(mockEmbeddings({ model: "embed", input: "world" }).data[0].embedding).toEqual(a.data[1].embedding);
    expect(a.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it("honours dimensions (request over target option) and base64 encoding", () => {
    expect((mockEmbeddings({ model: "e", input: "x", dimensions: 3 }).data[0].embedding as number[]).length).toBe(3);
    const t = { ...target, options: { dimensions: 16 } };
    expect((mockEmbeddings({ model: "e", input: "x" }, t).data[0].embedding as number[]).length).toBe(16);
    const b64 = mockEmbeddings({ model: "e", input: "x", encoding_format: "base64" }).data[0].embedding as string;
    const floats = new Float32Array(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
    const plain = mockEmbeddings({ model: "e", input: "x" }).data[0].embedding as number[];
    expect([...floats].map((f) => f.toFixed(5))).toEqual(plain.map((f) => Math.fround(f).toFixed(5)));
  });

  it("accepts token-array inputs", () => {
    expect(mockEmbeddings({ model: "e", input: [1, 2, 3] }).data).toHaveLength(1);
    expect(mockEmbeddings({ model: "e", input: [[1, 2], [3]] }).usage.prompt_tokens).toBe(3);
  });
});
