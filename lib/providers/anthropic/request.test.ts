import { describe, expect, it } from "vitest";
import type { ChatRequest, ProviderTarget } from "../types";
import { AdapterError } from "../shared/errors";
import { jsonFixture } from "../shared/sse-testing";
import { anthropicAdapter, JSON_OBJECT_HINT } from "./index";

const dir = __dirname;
const target: ProviderTarget = { baseUrl: "https://api.anthropic.com", apiKey: "k", upstreamModel: "claude-x" };

interface RequestFixture {
  target: ProviderTarget;
  request: ChatRequest;
  expected: { method: string; url: string; headers: Record<string, string>; body: unknown };
}

function body(req: Partial<ChatRequest>, t: ProviderTarget = target): Record<string, unknown> {
  const up = anthropicAdapter.chatRequest({ model: "m", messages: [], ...req }, t);
  return JSON.parse(up.body ?? "") as Record<string, unknown>;
}

describe("anthropic request (wire fixtures)", () => {
  for (const name of ["request-conversation.json", "request-json-schema-stream.json"]) {
    it(`produces the expected wire request (${name})`, () => {
      const f = jsonFixture<RequestFixture>(dir, name);
      const up = anthropicAdapter.chatRequest(f.request, f.target);
      expect({ method: up.method, url: up.url, headers: up.headers }).toEqual({
        method: f.expected.method,
        url: f.expected.url,
        headers: f.expected.headers,
      });
      expect(JSON.parse(up.body ?? "")).toEqual(f.expected.body);
    });
  }
});

describe("anthropic request details", () => {
  it("max_tokens: max_completion_tokens > max_tokens > target default > 4096", () => {
    expect(body({ max_completion_tokens: 10, max_tokens: 20 }).max_tokens).toBe(10);
    expect(body({ max_tokens: 20 }).max_tokens).toBe(20);
    expect(body({}, { ...target, defaultMaxTokens: 300 }).max_tokens).toBe(300);
    expect(body({}).max_tokens).toBe(4096);
  });

  it("clamps temperature to Anthropic's 0..1 and drops the no-op top_p 1 next to it", () => {
    expect(body({ temperature: 2, top_p: 1 })).toMatchObject({ temperature: 1 });
    expect(body({ temperature: 0.3, top_p: 1 })).not.toHaveProperty("top_p");
    expect(body({ top_p: 1 }).top_p).toBe(1);
    expect(body({ temperature: 0.3, top_p: 0.5 })).toMatchObject({ temperature: 0.3, top_p: 0.5 });
  });

  it("maps every tool_choice form", () => {
    const tools: ChatRequest["tools"] = [{ type: "function", function: { name: "f" } }];
    expect(body({ tools, tool_choice: "auto" }).tool_choice).toEqual({ type: "auto" });
    expect(body({ tools, tool_choice: "required" }).tool_choice).toEqual({ type: "any" });
    expect(body({ tools, tool_choice: "none" }).tool_choice).toEqual({ type: "none" });
    expect(body({ tools, tool_choice: { type: "function", function: { name: "f" } } }).tool_choice).toEqual({ type: "tool", name: "f" });
    expect(body({ tools, parallel_tool_calls: false }).tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(body({ tools }).tool_choice).toBeUndefined();
    // A parameterless tool still needs an object input_schema.
    expect(body({ tools }).tools).toEqual([{ name: "f", input_schema: { type: "object", properties: {} } }]);
    // tool_choice without tools would be rejected upstream.
    expect(body({ tool_choice: "required" })).not.toHaveProperty("tool_choice");
  });

  it("merges consecutive same-role turns and drops empty ones", () => {
    const b = body({
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "" },
        { role: "assistant", content: "" },
        { role: "user", content: "b" },
        { role: "assistant", content: "c" },
        { role: "assistant", content: [{ type: "text", text: "d" }] },
      ],
    });
    expect(b.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
      { role: "assistant", content: [{ type: "text", text: "c" }, { type: "text", text: "d" }] },
    ]);
  });

  it("puts tool results first in a user turn even if text came before them", () => {
    const b = body({
      messages: [
        { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "" } }] },
        { role: "user", content: "also this" },
        { role: "tool", tool_call_id: "t1", content: "" },
      ],
    });
    expect(b.messages).toEqual([
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1" }, { type: "text", text: "also this" }] },
    ]);
  });

  it("json_object leaves a system hint", () => {
    expect(body({ response_format: { type: "json_object" }, messages: [{ role: "user", content: "x" }] }).system).toBe(JSON_OBJECT_HINT);
    expect(
      body({ response_format: { type: "json_object" }, messages: [{ role: "system", content: "S" }, { role: "user", content: "x" }] }).system,
    ).toEqual([
      { type: "text", text: "S" },
      { type: "text", text: JSON_OBJECT_HINT },
    ]);
  });

  it("sends inline PDFs as document blocks", () => {
    const b = body({
      messages: [{ role: "user", content: [{ type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } }] }],
    });
    expect(b.messages).toEqual([
      { role: "user", content: [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" }] },
    ]);
  });

  it("refuses what Anthropic cannot take with a 400 AdapterError", () => {
    const audio = () =>
      anthropicAdapter.chatRequest(
        { model: "m", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAA", format: "wav" } }] }] },
        target,
      );
    expect(audio).toThrow(AdapterError);
    try {
      audio();
    } catch (e) {
      expect((e as AdapterError).providerError).toMatchObject({ status: 400, type: "invalid_request_error" });
    }
    expect(() =>
      anthropicAdapter.chatRequest(
        { model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] },
        target,
      ),
    ).toThrow(AdapterError);
  });

  it("omits x-api-key for keyless targets and lets admin headers override", () => {
    const up = anthropicAdapter.chatRequest(
      { model: "m", messages: [] },
      { baseUrl: "http://proxy.local", upstreamModel: "c", headers: { Authorization: "Bearer t", "Anthropic-Version": "2025-01-01" } },
    );
    expect(up.url).toBe("http://proxy.local/v1/messages");
    expect(up.headers).toEqual({ "content-type": "application/json", Authorization: "Bearer t", "Anthropic-Version": "2025-01-01" });
  });
});
