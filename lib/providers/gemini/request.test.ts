import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ChatRequest, ProviderTarget } from "../types";
import { AdapterError } from "../shared/errors";
import { geminiAdapter, SKIP_THOUGHT_SIGNATURE } from "./index";
import { guessMimeType, parseDataUrl } from "./request";

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as unknown;

const target: ProviderTarget = {
  baseUrl: "https://generativelanguage.googleapis.com",
  apiKey: "AIza-test",
  upstreamModel: "gemini-2.5-flash",
};

function body(req: Partial<ChatRequest>, t: ProviderTarget = target): Record<string, unknown> {
  const up = geminiAdapter.chatRequest({ model: "alias", messages: [], ...req }, t);
  return JSON.parse(up.body ?? "{}") as Record<string, unknown>;
}

describe("gemini chatRequest: URL and headers", () => {
  it("builds generateContent and streamGenerateContent?alt=sse URLs", () => {
    const plain = geminiAdapter.chatRequest({ model: "a", messages: [{ role: "user", content: "hi" }] }, target);
    expect(plain.method).toBe("POST");
    expect(plain.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    const stream = geminiAdapter.chatRequest({ model: "a", stream: true, messages: [{ role: "user", content: "hi" }] }, target);
    expect(stream.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
  });

  it("tolerates base URLs with a trailing slash or an explicit version", () => {
    for (const baseUrl of [
      "https://generativelanguage.googleapis.com/",
      "https://generativelanguage.googleapis.com/v1beta",
      "https://generativelanguage.googleapis.com/v1beta/",
    ]) {
      const up = geminiAdapter.chatRequest({ model: "a", messages: [] }, { ...target, baseUrl });
      expect(up.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    }
    const prefixed = geminiAdapter.chatRequest({ model: "a", messages: [] }, { ...target, upstreamModel: "models/gemini-3-pro" });
    expect(prefixed.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro:generateContent");
  });

  it("authenticates with x-goog-api-key and keeps admin headers", () => {
    const up = geminiAdapter.chatRequest({ model: "a", messages: [] }, { ...target, headers: { "x-goog-user-project": "p1" } });
    expect(up.headers).toEqual({
      "content-type": "application/json",
      "x-goog-api-key": "AIza-test",
      "x-goog-user-project": "p1",
    });
    expect(up.url).not.toContain("key=");
  });
});

describe("gemini chatRequest: body", () => {
  it("reproduces the recorded generateContent request of js-genai", () => {
    const rec = fixture("generate-content-max-tokens.json") as { request: { body: Record<string, unknown> } };
    const b = body({ messages: [{ role: "user", content: "why is the sky blue?" }], n: 1, max_tokens: 200 });
    expect(b.contents).toEqual(rec.request.body.contents);
    expect(b.generationConfig).toEqual({ candidateCount: 1, maxOutputTokens: 200 });
  });

  it("produces the function declarations and toolConfig the Gemini SDK sends", () => {
    const rec = fixture("request-function-declarations.json") as Record<string, unknown>;
    const b = body({
      messages: [{ role: "user", content: "Use the printer to print a simple word: hello in blue, and beep with the beeper" }],
      tools: [
        {
          type: "function",
          function: {
            name: "print",
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              additionalProperties: false,
              properties: { color: { pattern: "red|blue|green|white", type: "string" }, text: { type: "string" } },
              required: ["text", "color"],
              type: "object",
            },
          },
        },
        { type: "function", function: { name: "beep", parameters: { properties: {}, type: "object" } } },
      ],
      tool_choice: "auto",
    });
    expect(b.contents).toEqual(rec.contents);
    expect(b.tools).toEqual(rec.tools);
    expect(b.toolConfig).toEqual(rec.toolConfig);
  });

  it("moves system/developer messages to systemInstruction and merges same-role turns", () => {
    const b = body({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "one" },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: [{ type: "text", text: "two" }] },
        { role: "assistant", content: "un" },
        { role: "assistant", content: "deux" },
      ],
    });
    expect(b.systemInstruction).toEqual({ parts: [{ text: "Be terse." }, { text: "Answer in French." }] });
    expect(b.contents).toEqual([
      { role: "user", parts: [{ text: "one" }, { text: "two" }] },
      { role: "model", parts: [{ text: "un" }, { text: "deux" }] },
    ]);
  });

  it("sends a system-only prompt as the user turn (Gemini requires contents)", () => {
    const b = body({ messages: [{ role: "system", content: "Say hi." }] });
    expect(b.contents).toEqual([{ role: "user", parts: [{ text: "Say hi." }] }]);
    expect(b.systemInstruction).toBeUndefined();
  });

  it("maps images: data URLs inline, http(s) URLs as fileData with a guessed type", () => {
    const b = body({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.webp?size=large" } },
            { type: "image_url", image_url: { url: "https://example.com/render" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          ],
        },
      ],
    });
    expect(b.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "What is in these?" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp?size=large" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/render" } },
          { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
        ],
      },
    ]);
    expect(parseDataUrl("data:image/jpeg;name=x.jpg;base64,AAA")).toEqual({ mimeType: "image/jpeg", data: "AAA" });
    expect(parseDataUrl("https://x/y.png")).toBeUndefined();
    expect(guessMimeType("https://x/y.PNG")).toBe("image/png");
  });

  it("maps sampling, limits, stops, penalties and JSON output", () => {
    const b = body({
      messages: [{ role: "user", content: "x" }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 10,
      max_completion_tokens: 99,
      stop: "END",
      seed: 7,
      n: 2,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: {
        type: "json_schema",
        json_schema: { name: "r", schema: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false } },
      },
    });
    expect(b.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 99,
      stopSequences: ["END"],
      seed: 7,
      candidateCount: 2,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
    });
    expect(body({ messages: [], response_format: { type: "json_object" } }).generationConfig).toEqual({
      responseMimeType: "application/json",
    });
    expect(body({ messages: [], temperature: null }).generationConfig).toBeUndefined();
  });

  it("maps tool_choice to functionCallingConfig modes", () => {
    const tools: ChatRequest["tools"] = [{ type: "function", function: { name: "f" } }];
    expect(body({ messages: [], tools, tool_choice: "none" }).toolConfig).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(body({ messages: [], tools, tool_choice: "required" }).toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(body({ messages: [], tools, tool_choice: { type: "function", function: { name: "f" } } }).toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] },
    });
    expect(body({ messages: [], tools }).toolConfig).toBeUndefined();
    expect(body({ messages: [], tools }).tools).toEqual([{ functionDeclarations: [{ name: "f" }] }]);
  });

  it("replays tool calls as functionCall parts and tool results as functionResponse parts", () => {
    const b = body({
      messages: [
        { role: "user", content: "Weather in Paris and Tokyo?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: '{"temp":21}' },
        { role: "tool", tool_call_id: "call_b", content: "12:00" },
        { role: "tool", tool_call_id: "call_unknown", content: [{ type: "text", text: "[1,2]" }] },
        { role: "assistant", content: "Paris is 21°C." },
      ],
    });
    expect(b.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and Tokyo?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
          { functionCall: { name: "get_time", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temp: 21 } } },
          { functionResponse: { name: "get_time", response: { result: "12:00" } } },
          { functionResponse: { name: "call_unknown", response: { result: [1, 2] } } },
        ],
      },
      { role: "model", parts: [{ text: "Paris is 21°C." }] },
    ]);
  });
});

describe("gemini embeddingsRequest", () => {
  it("builds a batchEmbedContents call with one request per input", () => {
    const up = geminiAdapter.embeddingsRequest!(
      { model: "e", input: ["a", "bb"], dimensions: 256 },
      { ...target, upstreamModel: "gemini-embedding-001" },
    );
    expect(up.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(up.headers["x-goog-api-key"]).toBe("AIza-test");
    expect(JSON.parse(up.body ?? "")).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "a" }] }, outputDimensionality: 256 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "bb" }] }, outputDimensionality: 256 },
      ],
    });
    const single = JSON.parse(geminiAdapter.embeddingsRequest!({ model: "e", input: "x" }, target).body ?? "") as {
      requests: unknown[];
    };
    expect(single.requests).toEqual([{ model: "models/gemini-2.5-flash", content: { parts: [{ text: "x" }] } }]);
  });

  it("rejects token arrays with a 400 AdapterError", () => {
    expect(() => geminiAdapter.embeddingsRequest!({ model: "e", input: [1, 2, 3] }, target)).toThrow(AdapterError);
    try {
      geminiAdapter.embeddingsRequest!({ model: "e", input: [[1, 2]] }, target);
    } catch (e) {
      expect((e as AdapterError).providerError.status).toBe(400);
    }
  });
});
