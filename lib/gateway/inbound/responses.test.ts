import { readFileSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import type { ChatChunk, ChatResponse } from "@/lib/providers/types";
import { GatewayError } from "../errors";
import { validate } from "../stages/parse";
import { responsesRequestSchema, unsupportedFeature } from "./responses-schema";
import { responsesToChatRequest } from "./responses-request";
import { chatResponseToResponses, createResponsesStreamEncoder, outputToMessage, responsesBase, type IdGen } from "./responses-output";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

/** Deterministic ids: msg_1, fc_2, ... */
function ids(): IdGen {
  let n = 0;
  return (p) => `${p}_${++n}`;
}

function convert(body: unknown, previous = undefined as Parameters<typeof responsesToChatRequest>[2]) {
  const bad = unsupportedFeature(body);
  if (bad) throw new Error(`unsupported: ${bad.param}`);
  const req = validate(responsesRequestSchema, body);
  return responsesToChatRequest(req, req.model ?? "m", previous);
}

/** An SDK client whose HTTP calls are answered in-process. */
function sdk(respond: (body: Record<string, unknown>) => Response): OpenAI {
  return new OpenAI({ apiKey: "pk_test", baseURL: "http://portico.test/v1", maxRetries: 0, fetch: async (_u, init) => respond(JSON.parse(String(init?.body)) as Record<string, unknown>) });
}

describe("Responses request → canonical", () => {
  it("the recorded tool round trip: instructions, image part, assistant turn, function_call, function_call_output, json_schema", () => {
    const { chat, conversation } = convert(JSON.parse(fixture("responses-request-tools.json")));
    expect(chat).toEqual({
      model: "gpt-4.1",
      messages: [
        { role: "system", content: "You are a weather bot." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather in Paris and Rome?" },
            { type: "image_url", image_url: { url: "https://example.com/map.png", detail: "low" } },
          ],
        },
        {
          role: "assistant",
          content: "Checking both.",
          tool_calls: [
            { id: "call_paris", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_rome", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_paris", content: "18C sunny" },
        { role: "tool", tool_call_id: "call_rome", content: "24C clear" },
      ],
      max_tokens: 300,
      temperature: 0.3,
      tools: [
        {
          type: "function",
          function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false }, strict: true },
        },
      ],
      tool_choice: "auto",
      parallel_tool_calls: true,
      response_format: { type: "json_schema", json_schema: { name: "report", schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"], additionalProperties: false }, strict: true } },
      user: "user-42",
    });
    // what `store` keeps: everything but the instructions
    expect(conversation).toEqual(chat.messages.slice(1));
  });

  it("accepts exactly what the official SDK sends", async () => {
    let sent: Record<string, unknown> = {};
    const client = sdk((b) => {
      sent = b;
      return Response.json({ error: { message: "stop", type: "x", param: null, code: null } }, { status: 400 });
    });
    await client.responses
      .create({
        model: "alias",
        instructions: "Be brief.",
        input: [{ role: "user", content: [{ type: "input_text", text: "hi" }] }, { type: "function_call_output", call_id: "c1", output: "42" }],
        tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: false }],
        tool_choice: { type: "function", name: "f" },
        text: { format: { type: "json_object" } },
        max_output_tokens: 10,
        store: false,
        stream: false,
      })
      .catch(() => undefined);
    const { chat } = convert(sent);
    expect(chat.tool_choice).toEqual({ type: "function", function: { name: "f" } });
    expect(chat.response_format).toEqual({ type: "json_object" });
    expect(chat.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      { role: "tool", tool_call_id: "c1", content: "42" },
    ]);
  });

  it("a string input, a previous conversation before it, and the stream asks for usage", () => {
    const prev = [{ role: "user" as const, content: "a" }, { role: "assistant" as const, content: "b" }];
    const { chat, conversation } = convert({ model: "m", input: "c", stream: true, instructions: "sys" }, prev);
    expect(chat.messages).toEqual([{ role: "system", content: "sys" }, ...prev, { role: "user", content: "c" }]);
    expect(conversation).toHaveLength(3);
    expect(chat.stream_options).toEqual({ include_usage: true });
  });

  it("function_call_output with an image: text in the tool message, the image in a user turn", () => {
    const { chat } = convert({
      model: "m",
      input: [
        { type: "function_call", call_id: "c", name: "shot", arguments: "{}" },
        { type: "function_call_output", call_id: "c", output: [{ type: "input_text", text: "see" }, { type: "input_image", image_url: "data:image/png;base64,AA" }] },
      ],
    });
    expect(chat.messages).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "shot", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c", content: "see" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA" } }] },
    ]);
  });

  it("refuses what it cannot carry, naming the field", () => {
    const param = (body: unknown) => {
      try {
        convert(body);
        return "accepted";
      } catch (e) {
        return e instanceof GatewayError ? e.param : String((e as Error).message);
      }
    };
    expect(param({ model: "m", input: "x", tools: [{ type: "code_interpreter" }] })).toBe("unsupported: tools.0.type");
    expect(param({ model: "m", input: [{ type: "item_reference", id: "msg_1" }] })).toBe("input.0.type");
    expect(param({ model: "m", input: [{ role: "user", content: [{ type: "input_image", file_id: "f" }] }] })).toBe("input.0.content.0.file_id");
    expect(param({ model: "m", input: [{ role: "user", content: [{ type: "input_file", file_url: "https://x" }] }] })).toBe("input.0.content.0.file_url");
    expect(param({ model: "m", input: [{ role: "assistant", content: [{ type: "input_image", image_url: "https://x" }] }] })).toBe("input.0.content.0");
    expect(param({ model: "m", input: [{ role: "tool", content: "x" }] })).toBe("input.0.role");
    expect(param({ model: "m", input: "x", text: { format: { type: "json_schema", name: "n" } } })).toBe("text.format.schema");
    expect(param({ model: "m", input: "x", truncation: "auto" })).toBe("unsupported: truncation");
    expect(param({ model: "m", input: "x", truncation: "disabled", service_tier: "auto", include: [] })).toBe("accepted");
    expect(param({ model: "m", input: [{ role: "user", content: [{ type: "input_file", file_data: "data:application/pdf;base64,AA", filename: "a.pdf" }] }] })).toBe("accepted");
  });
});

const base = () => responsesBase({ model: "alias", input: "x" }, { id: "resp_1", createdAt: 1700000000, model: "alias", store: true });
const usage = { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 4 } };

describe("canonical → Response object", () => {
  it("text and tool calls become a message item and function_call items; usage in Responses terms", () => {
    const res: ChatResponse = {
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "alias",
      choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "Checking.", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] } }],
      usage,
    };
    const r = chatResponseToResponses(res, base(), ids());
    expect(r).toEqual(JSON.parse(fixture("responses-response-tool.json")));
    expect(outputToMessage(r.output)).toEqual({ role: "assistant", content: "Checking.", tool_calls: res.choices[0]!.message.tool_calls });
  });

  it("length → incomplete with max_output_tokens; a refusal is a refusal part", () => {
    const res: ChatResponse = { id: "x", object: "chat.completion", created: 1, model: "a", choices: [{ index: 0, finish_reason: "length", message: { role: "assistant", content: "Par", refusal: null } }] };
    const r = chatResponseToResponses(res, base(), ids());
    expect(r.status).toBe("incomplete");
    expect(r.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(r.output[0]).toMatchObject({ status: "incomplete" });
    const refused = chatResponseToResponses({ ...res, choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: null, refusal: "No." } }] }, base(), ids());
    expect(refused.output[0]).toMatchObject({ type: "message", content: [{ type: "refusal", refusal: "No." }] });
  });
});

const chunk = (delta: ChatChunk["choices"][number]["delta"], finish: ChatChunk["choices"][number]["finish_reason"] = null, u: ChatChunk["usage"] = undefined): ChatChunk => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "alias",
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...(u ? { usage: u } : {}),
});

const TOOL_STREAM: ChatChunk[] = [
  chunk({ role: "assistant", content: "Let me " }),
  chunk({ content: "check." }),
  chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } }] }),
  chunk({}, "tool_calls"),
];

describe("canonical chunks → Responses stream events", () => {
  it("the recorded event sequence: text item, two function_call items, response.completed with usage", () => {
    const enc = createResponsesStreamEncoder(base(), ids());
    const sse = TOOL_STREAM.map((c) => enc.chunk(c)).join("") + enc.end(usage);
    expect(sse).toBe(fixture("responses-stream-tool.sse"));
    expect(enc.final()!.output.map((o) => o.type)).toEqual(["message", "function_call", "function_call"]);
  });

  it("the official SDK accumulates it into the same final response", async () => {
    const enc = createResponsesStreamEncoder(base(), ids());
    const sse = TOOL_STREAM.map((c) => enc.chunk(c)).join("") + enc.end(usage);
    const client = sdk(() => new Response(sse, { headers: { "content-type": "text/event-stream" } }));
    const stream = client.responses.stream({ model: "alias", input: "x" });
    let text = "";
    stream.on("response.output_text.delta", (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe("Let me check.");
    expect(final.output_text).toBe("Let me check.");
    expect(final.usage).toEqual({ input_tokens: 20, input_tokens_details: { cached_tokens: 4 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 27 });
    const calls = final.output.filter((o) => o.type === "function_call");
    expect(calls.map((c) => (c.type === "function_call" ? [c.call_id, c.name, c.arguments] : null))).toEqual([
      ["call_a", "get_weather", '{"city":"Paris"}'],
      ["call_b", "get_time", "{}"],
    ]);
    const summary = (items: readonly unknown[]) => items.map((o) => { const { id, type, status } = o as { id: string; type: string; status: string }; return { id, type, status }; });
    expect(summary(final.output)).toEqual(summary(enc.final()!.output));
  });

  it("a failure mid-stream ends with response.failed; nothing after it", () => {
    const enc = createResponsesStreamEncoder(base(), ids());
    const out = enc.chunk(chunk({ content: "Hal" })) + enc.error("server_error", "The upstream stream was interrupted.");
    const events: { event?: string; data: string }[] = [];
    createParser({ onEvent: (e) => events.push(e) }).feed(out);
    const last = JSON.parse(events.at(-1)!.data);
    expect(last.type).toBe("response.failed");
    expect(last.response).toMatchObject({ status: "failed", error: { code: "server_error", message: "The upstream stream was interrupted." } });
    expect(last.response.output[0].content[0].text).toBe("Hal");
    expect(enc.end(usage)).toBe("");
    expect(enc.final()).toBeNull();
  });

  it("without upstream usage the estimate fills response.completed", () => {
    const enc = createResponsesStreamEncoder(base(), ids(), (t) => ({ prompt_tokens: 5, completion_tokens: t.length, total_tokens: 5 + t.length }));
    enc.chunk(chunk({ content: "abc" }, "stop"));
    enc.end(null);
    expect(enc.final()!.usage).toMatchObject({ input_tokens: 5, output_tokens: 3, total_tokens: 8 });
  });
});
