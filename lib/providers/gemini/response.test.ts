import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ResponseContext } from "../types";
import { AdapterError } from "../shared/errors";
import { geminiAdapter } from "./index";

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as unknown;
const ctx: ResponseContext = { model: "my-gemini", id: "chatcmpl-123", created: 1_700_000_000 };

describe("gemini chatResponse", () => {
  it("maps a recorded MAX_TOKENS answer with thinking tokens", () => {
    const rec = fixture("generate-content-max-tokens.json") as { response: unknown };
    const res = geminiAdapter.chatResponse(rec.response, ctx);
    expect(res.id).toBe("chatcmpl-123");
    expect(res.object).toBe("chat.completion");
    expect(res.model).toBe("my-gemini");
    expect(res.created).toBe(1_700_000_000);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.finish_reason).toBe("length");
    expect(res.choices[0]!.message.content).toMatch(/^The sky appears blue because of something called \*\*Rayleigh scattering\*\*/);
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    expect(res.usage).toEqual({
      prompt_tokens: 7,
      completion_tokens: 157 + 41,
      total_tokens: 205,
      completion_tokens_details: { reasoning_tokens: 41 },
    });
  });

  it("maps a recorded function call (finishReason STOP) to tool_calls", () => {
    const res = geminiAdapter.chatResponse(fixture("generate-content-tool-call.json"), ctx);
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: "call_GyCLz1xs0PtNSBQU_0",
        type: "function",
        function: { name: "weather", arguments: '{"location":"San Francisco"}' },
      },
    ]);
    expect(res.usage).toEqual({
      prompt_tokens: 29,
      completion_tokens: 15 + 893,
      total_tokens: 937,
      completion_tokens_details: { reasoning_tokens: 893 },
    });
  });

  it("gives deterministic tool call ids per response and distinct ids across responses", () => {
    const body = fixture("generate-content-tool-call.json") as Record<string, unknown>;
    const a = geminiAdapter.chatResponse(body, ctx).choices[0]!.message.tool_calls![0]!.id;
    const b = geminiAdapter.chatResponse(body, ctx).choices[0]!.message.tool_calls![0]!.id;
    const c = geminiAdapter.chatResponse({ ...body, responseId: "other-response" }, ctx).choices[0]!.message.tool_calls![0]!.id;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(a).toMatch(/^call_[A-Za-z0-9]+_0$/);
  });

  it("answers a blocked prompt (no candidates) as a content_filter completion", () => {
    const res = geminiAdapter.chatResponse(fixture("generate-content-prompt-blocked.json"), ctx);
    expect(res.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: "The prompt was blocked by the provider's content filter (PROHIBITED_CONTENT).",
        },
        finish_reason: "content_filter",
      },
    ]);
    expect(res.usage).toEqual({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 });
  });

  it("maps finish reasons and skips thought parts", () => {
    const mk = (finishReason: string, parts: unknown[]) =>
      geminiAdapter.chatResponse({ candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }] }, ctx).choices[0]!;
    expect(mk("SAFETY", []).finish_reason).toBe("content_filter");
    expect(mk("RECITATION", [{ text: "x" }]).finish_reason).toBe("content_filter");
    expect(mk("PROHIBITED_CONTENT", []).finish_reason).toBe("content_filter");
    expect(mk("MAX_TOKENS", [{ functionCall: { name: "f", args: {} } }]).finish_reason).toBe("length");
    expect(mk("MALFORMED_FUNCTION_CALL", []).finish_reason).toBe("stop");
    const thought = mk("STOP", [{ text: "thinking...", thought: true }, { text: "Answer" }]);
    expect(thought.message.content).toBe("Answer");
    expect(thought.finish_reason).toBe("stop");
  });

  it("keeps candidates apart (n > 1) and counts cached tokens", () => {
    const res = geminiAdapter.chatResponse(
      {
        candidates: [
          { content: { parts: [{ text: "B" }] }, finishReason: "STOP", index: 1 },
          { content: { parts: [{ text: "A" }] }, finishReason: "STOP", index: 0 },
        ],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, cachedContentTokenCount: 8, totalTokenCount: 12 },
      },
      ctx,
    );
    expect(res.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, "A"],
      [1, "B"],
    ]);
    expect(res.usage).toEqual({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 8 } });
  });

  it("throws a 502 AdapterError for a body that is not an object", () => {
    expect(() => geminiAdapter.chatResponse("<html>", ctx)).toThrow(AdapterError);
  });
});

describe("gemini usage", () => {
  it("extracts usage, including tool-use prompt tokens as input", () => {
    expect(
      geminiAdapter.usage({
        usageMetadata: {
          promptTokenCount: 12,
          candidatesTokenCount: 60,
          totalTokenCount: 219,
          toolUsePromptTokenCount: 65,
          thoughtsTokenCount: 82,
          serviceTier: "standard",
        },
      }),
    ).toEqual({ prompt_tokens: 77, completion_tokens: 142, total_tokens: 219, completion_tokens_details: { reasoning_tokens: 82 } });
    expect(geminiAdapter.usage({ usageMetadata: { trafficType: "ON_DEMAND" } })).toBeNull();
    expect(geminiAdapter.usage(null)).toBeNull();
  });
});

describe("gemini embeddingsResponse", () => {
  it("maps a recorded batchEmbedContents answer with reported usage", () => {
    const res = geminiAdapter.embeddingsResponse!(fixture("batch-embed.json"), { ...ctx, model: "emb" });
    expect(res).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.5138951, 0.857853] },
        { object: "embedding", index: 1, embedding: [-0.5045317, -0.8633931] },
      ],
      model: "emb",
      usage: { prompt_tokens: 12, total_tokens: 12 },
    });
  });

  it("estimates usage from the request when Gemini reports none", () => {
    const res = geminiAdapter.embeddingsResponse!(
      { embeddings: [{ values: [1] }, { values: [2] }] },
      { ...ctx, embeddingsRequest: { model: "e", input: ["12345", "abc"] } },
    );
    expect(res.usage).toEqual({ prompt_tokens: 2 + 1, total_tokens: 3 });
  });

  it("encodes float32 base64 when the request asked for it", () => {
    const res = geminiAdapter.embeddingsResponse!(
      { embeddings: [{ values: [1, -2.5] }] },
      { ...ctx, embeddingsRequest: { model: "e", input: "x", encoding_format: "base64" } },
    );
    const b64 = res.data[0]!.embedding as string;
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual([1, -2.5]);
  });

  it("throws for a body without embeddings", () => {
    expect(() => geminiAdapter.embeddingsResponse!({}, ctx)).toThrow(AdapterError);
  });
});
