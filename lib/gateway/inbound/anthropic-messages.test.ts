import { readFileSync } from "node:fs";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { ChatResponse } from "@/lib/providers/types";
import {
  anthropicError,
  anthropicMessagesSchema,
  anthropicToChatRequest,
  chatResponseToAnthropic,
  toAnthropicErrorType,
  type AnthropicMessagesRequest,
} from "./anthropic-messages";

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as unknown;

function parse(body: unknown): AnthropicMessagesRequest {
  const r = anthropicMessagesSchema.safeParse(body);
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  // The schema's output must be usable as the hand-written request type.
  const typed: AnthropicMessagesRequest = r.data;
  return typed;
}

/** An SDK client whose HTTP calls are answered in-process. */
function sdk(respond: (body: Record<string, unknown>, headers: Headers) => Response): Anthropic {
  return new Anthropic({
    apiKey: "pk_test",
    baseURL: "http://portico.test",
    maxRetries: 0,
    fetch: async (_url, init) => respond(JSON.parse(String(init?.body)) as Record<string, unknown>, new Headers(init?.headers)),
  });
}

describe("anthropicMessagesSchema", () => {
  it("accepts the documented requests and keeps unknown fields", () => {
    expect(() => parse(fixture("request-tool-result.json"))).not.toThrow();
    expect(() => parse(fixture("request-stream-tool-choice.json"))).not.toThrow();
    const withExtra = parse({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "hi" }], service_tier: "auto" });
    expect(withExtra.service_tier).toBe("auto");
  });

  it("rejects bodies the conversion cannot trust", () => {
    const ok = { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    expect(anthropicMessagesSchema.safeParse(ok).success).toBe(true);
    expect(anthropicMessagesSchema.safeParse({ ...ok, max_tokens: undefined }).success).toBe(false);
    expect(anthropicMessagesSchema.safeParse({ ...ok, model: "" }).success).toBe(false);
    expect(anthropicMessagesSchema.safeParse({ ...ok, messages: [] }).success).toBe(false);
    expect(anthropicMessagesSchema.safeParse({ ...ok, messages: [{ role: "tool", content: "x" }] }).success).toBe(false);
    expect(
      anthropicMessagesSchema.safeParse({ ...ok, messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] }).success,
    ).toBe(false);
    expect(
      anthropicMessagesSchema.safeParse({ ...ok, messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: "x" }] }] })
        .success,
    ).toBe(false);
  });

  it("accepts exactly what the official SDK sends", async () => {
    let sent: Record<string, unknown> = {};
    const client = sdk((body) => {
      sent = body;
      return Response.json({ id: "msg_1", type: "message", role: "assistant", model: "m", content: [], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } });
    });
    await client.messages.create({
      model: "claude-opus-4-8",
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }, { type: "text", text: "What is this?" }] },
      ],
      metadata: { user_id: "u-1" },
      stop_sequences: ["\n\nHuman:"],
    });
    const req = anthropicToChatRequest(parse(sent));
    expect(req).toEqual({
      model: "claude-opus-4-8",
      max_tokens: 100,
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
      stop: ["\n\nHuman:"],
      user: "u-1",
    });
  });
});

describe("anthropicToChatRequest", () => {
  it("converts the documented tool_result continuation", () => {
    const req = anthropicToChatRequest(parse(fixture("request-tool-result.json")));
    expect(req).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [
        { role: "user", content: "What is the weather like in San Francisco?" },
        {
          role: "assistant",
          content: "I'll check the current weather in San Francisco for you.",
          tool_calls: [
            {
              id: "toolu_01A09q90qw90lq917835lq9",
              type: "function",
              function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "15 degrees" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Get the current weather in a given location",
            parameters: {
              type: "object",
              properties: {
                location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
                unit: { type: "string", enum: ["celsius", "fahrenheit"], description: "The unit of temperature, either 'celsius' or 'fahrenheit'" },
              },
              required: ["location"],
            },
          },
        },
      ],
    });
  });

  it("passes stream through, asks for usage, and maps tool_choice any", () => {
    const req = anthropicToChatRequest(parse(fixture("request-stream-tool-choice.json")));
    expect(req.stream).toBe(true);
    expect(req.stream_options).toEqual({ include_usage: true });
    expect(req.tool_choice).toBe("required");
  });

  it("maps every tool_choice form and disable_parallel_tool_use", () => {
    const base = { model: "m", max_tokens: 5, messages: [{ role: "user" as const, content: "x" }], tools: [{ name: "f", input_schema: { type: "object" } }] };
    expect(anthropicToChatRequest({ ...base, tool_choice: { type: "auto" } }).tool_choice).toBe("auto");
    expect(anthropicToChatRequest({ ...base, tool_choice: { type: "none" } }).tool_choice).toBe("none");
    const forced = anthropicToChatRequest({ ...base, tool_choice: { type: "tool", name: "f", disable_parallel_tool_use: true } });
    expect(forced.tool_choice).toEqual({ type: "function", function: { name: "f" } });
    expect(forced.parallel_tool_calls).toBe(false);
    // server tools have no schema another provider could use
    const server = anthropicToChatRequest({ ...base, tools: [{ type: "web_search_20250305", name: "web_search" }], tool_choice: { type: "any" } });
    expect(server.tools).toBeUndefined();
    expect(server.tool_choice).toBeUndefined();
  });

  it("converts documents, tool results with blocks and errors, and drops thinking", () => {
    const req = anthropicToChatRequest(
      parse({
        model: "m",
        max_tokens: 50,
        system: "sys",
        temperature: 0.3,
        top_p: 0.8,
        top_k: 40,
        thinking: { type: "enabled", budget_tokens: 1024 },
        output_config: { format: { type: "json_schema", schema: { type: "object" } } },
        messages: [
          {
            role: "user",
            content: [
              { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" }, title: "a.pdf" },
              { type: "document", source: { type: "text", media_type: "text/plain", data: "The grass is green." }, title: "Notes" },
              { type: "document", source: { type: "url", url: "https://example.com/x.pdf" } },
              { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "hmm", signature: "sig" },
              { type: "tool_use", id: "toolu_1", name: "shot", input: {} },
              { type: "tool_use", id: "toolu_2", name: "calc", input: { a: 1 } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "taken" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAA=" } }] },
              { type: "tool_result", tool_use_id: "toolu_2", content: "division by zero", is_error: true },
              { type: "text", text: "Go on." },
            ],
          },
          { role: "system", content: "Now answer in French." },
        ],
      }),
    );
    expect(req.temperature).toBe(0.3);
    expect(req.top_p).toBe(0.8);
    expect("top_k" in req || "thinking" in req).toBe(false);
    expect(req.response_format).toEqual({ type: "json_schema", json_schema: { name: "output", schema: { type: "object" }, strict: true } });
    expect(req.messages).toEqual([
      { role: "system", content: "sys" },
      {
        role: "user",
        content: [
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0x", filename: "a.pdf" } },
          { type: "text", text: "Notes\n\nThe grass is green." },
          { type: "text", text: "[Document: https://example.com/x.pdf]" },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "shot", arguments: "{}" } },
          { id: "toolu_2", type: "function", function: { name: "calc", arguments: '{"a":1}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "taken" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: division by zero" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,AAA=" } },
          { type: "text", text: "Go on." },
        ],
      },
      { role: "system", content: "Now answer in French." },
    ]);
  });
});

describe("chatResponseToAnthropic", () => {
  const canonical: ChatResponse = {
    id: "chatcmpl-abc123",
    object: "chat.completion",
    created: 1,
    model: "gpt-x",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "I'll check the current weather in San Francisco for you.",
          tool_calls: [
            { id: "toolu_01A09q90qw90lq917835lq9", type: "function", function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
          ],
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: { prompt_tokens: 472, completion_tokens: 65, total_tokens: 537 },
  };

  it("produces the documented tool_use response", () => {
    const doc = fixture("response-tool-use.json") as Record<string, unknown>;
    const msg = chatResponseToAnthropic(canonical, "claude-sonnet-4-5");
    expect({ model: msg.model, stop_reason: msg.stop_reason, role: msg.role, content: msg.content }).toEqual({
      model: doc.model,
      stop_reason: doc.stop_reason,
      role: doc.role,
      content: doc.content,
    });
    expect(msg).toMatchObject({ id: "msg_chatcmplabc123", type: "message", stop_sequence: null, usage: { input_tokens: 472, output_tokens: 65 } });
  });

  it("maps finish reasons and moves cached tokens out of input_tokens", () => {
    const mk = (finish_reason: ChatResponse["choices"][number]["finish_reason"], content: string | null = "x") =>
      chatResponseToAnthropic({ ...canonical, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason }] }, "m");
    expect(mk("stop").stop_reason).toBe("end_turn");
    expect(mk("length").stop_reason).toBe("max_tokens");
    expect(mk("content_filter").stop_reason).toBe("refusal");
    expect(mk("stop", "").content).toEqual([]);
    const cached = chatResponseToAnthropic({ ...canonical, usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 80 } } }, "m");
    expect(cached.usage).toEqual({ input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 80 });
  });

  it("is read back by the official SDK unchanged", async () => {
    const ours = chatResponseToAnthropic(canonical, "claude-sonnet-4-5");
    const client = sdk(() => Response.json(ours, { headers: { "request-id": "req_1" } }));
    const got = await client.messages.create({ model: "claude-opus-4-8", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    expect(got).toEqual(ours);
    expect(got.content[1]).toMatchObject({ type: "tool_use", input: { location: "San Francisco, CA", unit: "celsius" } });
  });
});

describe("anthropicError", () => {
  it("builds Anthropic error bodies from OpenAI-style types and statuses", () => {
    expect(anthropicError(429, "rate_limit_error", "slow down", "req_9")).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "slow down" },
      request_id: "req_9",
    });
    expect(anthropicError(400, "invalid_request_error", "bad")).toEqual({ type: "error", error: { type: "invalid_request_error", message: "bad" } });
    const cases: [string, number, string][] = [
      ["authentication_error", 401, "authentication_error"],
      ["invalid_api_key", 401, "authentication_error"],
      ["permission_denied", 403, "permission_error"],
      ["not_found_error", 404, "not_found_error"],
      ["request_too_large", 413, "request_too_large"],
      ["payload_too_large", 413, "request_too_large"],
      ["insufficient_quota", 429, "rate_limit_error"],
      ["server_error", 500, "api_error"],
      ["server_error", 503, "overloaded_error"],
      ["server_error", 504, "timeout_error"],
      ["overloaded_error", 529, "overloaded_error"],
      ["budget_exceeded", 402, "billing_error"],
      ["whatever", 502, "api_error"],
    ];
    for (const [type, status, expected] of cases) expect([type, status, toAnthropicErrorType(type, status)]).toEqual([type, status, expected]);
  });

  it("is understood by the official SDK", async () => {
    const client = sdk(() => Response.json(anthropicError(429, "rate_limit_error", "Rate limit exceeded for key pk_…"), { status: 429 }));
    const err: unknown = await client.messages.create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).type).toBe("rate_limit_error");
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).apiMessage).toBe("Rate limit exceeded for key pk_…");
  });
});
