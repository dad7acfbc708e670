import { describe, expect, it } from "vitest";
import type { ChatRequest, ProviderError, ResponseContext } from "../types";
import { AdapterError } from "../shared/errors";
import { fixture, jsonFixture } from "../shared/sse-testing";
import { anthropicAdapter } from "./index";

const dir = __dirname;
const ctx: ResponseContext = { model: "claude", id: "chatcmpl-portico-1", created: 1700000000 };

describe("anthropic response", () => {
  it("maps text and folds cache tokens into prompt_tokens", () => {
    const res = anthropicAdapter.chatResponse(jsonFixture(dir, "response-text.json"), ctx);
    expect(res).toEqual({
      id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
      object: "chat.completion",
      created: 1700000000,
      model: "claude",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi! My name is Claude." }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 2010, completion_tokens: 12, total_tokens: 2022, prompt_tokens_details: { cached_tokens: 1800 } },
    });
  });

  it("maps tool_use blocks to tool_calls and skips thinking", () => {
    const res = anthropicAdapter.chatResponse(jsonFixture(dir, "response-tool-use.json"), ctx);
    expect(res.choices[0]).toEqual({
      index: 0,
      finish_reason: "tool_calls",
      logprobs: null,
      message: {
        role: "assistant",
        content: "I'll check both cities.",
        tool_calls: [
          {
            id: "toolu_01A09q90qw90lq917835lq9",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
          },
          { id: "toolu_01B7sDx4bWd9fFgLQk4Rhxq2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
    });
    expect(res.usage).toEqual({
      prompt_tokens: 472,
      completion_tokens: 89,
      total_tokens: 561,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it("turns the json_schema forced tool back into JSON content with finish_reason stop", () => {
    const request: ChatRequest = {
      model: "claude",
      messages: [],
      response_format: { type: "json_schema", json_schema: { name: "weather_report", schema: { type: "object" } } },
    };
    const body = jsonFixture(dir, "response-json-schema.json");
    const res = anthropicAdapter.chatResponse(body, { ...ctx, request });
    expect(res.choices[0].message).toEqual({ role: "assistant", content: '{"city":"Paris","temp_c":18}' });
    expect(res.choices[0].finish_reason).toBe("stop");
    // Without the request in context the tool call is reported as such.
    expect(anthropicAdapter.chatResponse(body, ctx).choices[0].finish_reason).toBe("tool_calls");
  });

  it("maps every stop_reason", () => {
    const cases: [string, string][] = [
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
      ["max_tokens", "length"],
      ["tool_use", "tool_calls"],
      ["refusal", "content_filter"],
      ["pause_turn", "stop"],
      ["model_context_window_exceeded", "length"],
    ];
    for (const [stop, finish] of cases) {
      const res = anthropicAdapter.chatResponse({ id: "m", content: [{ type: "text", text: "x" }], stop_reason: stop }, ctx);
      expect(res.choices[0].finish_reason).toBe(finish);
    }
  });

  it("usage() reads a body, null when absent", () => {
    expect(anthropicAdapter.usage(jsonFixture(dir, "response-tool-use.json"))?.total_tokens).toBe(561);
    expect(anthropicAdapter.usage({})).toBeNull();
  });

  it("rejects a body that is not a message", () => {
    expect(() => anthropicAdapter.chatResponse({ type: "error" }, ctx)).toThrow(AdapterError);
  });
});

describe("anthropic errors", () => {
  interface ErrorCase {
    name: string;
    status: number;
    body: string;
    expected: ProviderError;
  }
  for (const c of jsonFixture<ErrorCase[]>(dir, "errors.json")) {
    it(c.name, () => expect(anthropicAdapter.error(c.status, c.body, "application/json")).toEqual(c.expected));
  }

  it("never echoes a Cloudflare HTML page", () => {
    expect(anthropicAdapter.error(502, fixture(dir, "error-cloudflare-502.html"), "text/html; charset=UTF-8")).toEqual({
      status: 502,
      type: "server_error",
      message: "Upstream returned 502 with a non-JSON body (text/html)",
      code: null,
      param: null,
    });
  });
});
