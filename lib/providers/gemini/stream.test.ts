import { readFileSync } from "node:fs";
import path from "node:path";
import { createParser } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import type { ChatChunk, SseEvent, StreamContext, StreamTransformer } from "../types";
import { geminiAdapter } from "./index";

const sse = (name: string): string => readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const ctx: StreamContext = { model: "my-gemini", id: "chatcmpl-s1", created: 1_700_000_000 };

/** Feed `text` to the SSE parser in pieces cut at the given offsets. */
function parseSse(text: string, cuts: number[] = []): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent(ev) {
      events.push({ data: ev.data, ...(ev.event ? { event: ev.event } : {}), ...(ev.id ? { id: ev.id } : {}) });
    },
  });
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.feed(text.slice(at, cut));
    at = cut;
  }
  parser.feed(text.slice(at));
  return events;
}

function run(text: string, c: StreamContext = ctx, cuts: number[] = []): { chunks: ChatChunk[]; t: StreamTransformer } {
  const t = geminiAdapter.chatStream(c);
  const chunks: ChatChunk[] = [];
  for (const ev of parseSse(text, cuts)) chunks.push(...t.push(ev));
  chunks.push(...t.end());
  return { chunks, t };
}

/** Deterministic pseudo-random cut points, so a failure is reproducible. */
function randomCuts(len: number, seed: number, count: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out.push(s % len);
  }
  return out;
}

describe("gemini stream transformer", () => {
  it("turns a recorded text stream into content and stop chunks", () => {
    const { chunks, t } = run(sse("stream-text.sse"), { ...ctx, includeUsage: true });
    expect(chunks).toEqual([
      {
        id: "chatcmpl-s1",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "my-gemini",
        choices: [{ index: 0, delta: { role: "assistant", content: "fixture ok" }, finish_reason: null }],
      },
      {
        id: "chatcmpl-s1",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "my-gemini",
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      },
      {
        id: "chatcmpl-s1",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "my-gemini",
        choices: [],
        usage: { prompt_tokens: 7, completion_tokens: 96, total_tokens: 103, completion_tokens_details: { reasoning_tokens: 94 } },
      },
    ]);
    expect(t.done).toBe(true);
    expect(t.error?.()).toBeNull();
    expect(t.usage()).toEqual({ prompt_tokens: 7, completion_tokens: 96, total_tokens: 103, completion_tokens_details: { reasoning_tokens: 94 } });
  });

  it("emits no usage chunk unless the client asked for it", () => {
    const { chunks, t } = run(sse("stream-text.sse"));
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(t.usage()?.total_tokens).toBe(103);
  });

  it("concatenates text across chunks (CRLF framing) and ignores signature-only parts", () => {
    const { chunks } = run(sse("stream-text-thinking.sse"));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.filter((c) => c.choices[0]?.delta.role === "assistant")).toHaveLength(1);
  });

  it("emits a recorded function call as one complete tool_call delta and finishes with tool_calls", () => {
    const { chunks, t } = run(sse("stream-tool-call.sse"));
    expect(chunks.map((c) => c.choices[0])).toEqual([
      {
        index: 0,
        delta: {
          role: "assistant",
          tool_calls: [
            {
              index: 0,
              id: "call_wM668nsEP2tbsgQQ_0",
              type: "function",
              function: { name: "weather", arguments: '{"location":"San Francisco"}' },
            },
          ],
        },
        finish_reason: null,
      },
      { index: 0, delta: {}, finish_reason: "tool_calls" },
    ]);
    expect(t.usage()).toEqual({ prompt_tokens: 29, completion_tokens: 60, total_tokens: 89, completion_tokens_details: { reasoning_tokens: 45 } });
  });

  it("answers a blocked prompt with a content_filter chunk", () => {
    const { chunks, t } = run(sse("stream-prompt-blocked.sse"));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.choices[0]).toEqual({
      index: 0,
      delta: { role: "assistant", refusal: "The prompt was blocked by the provider's content filter (PROHIBITED_CONTENT)." },
      finish_reason: "content_filter",
    });
    expect(t.done).toBe(true);
  });

  it("gives identical results whatever byte offsets the stream is split at", () => {
    for (const name of ["stream-text.sse", "stream-text-thinking.sse", "stream-tool-call.sse", "stream-prompt-blocked.sse"]) {
      const text = sse(name);
      const whole = run(text, { ...ctx, includeUsage: true }).chunks;
      for (let seed = 1; seed <= 25; seed++) {
        const split = run(text, { ...ctx, includeUsage: true }, randomCuts(text.length, seed, 1 + (seed % 7))).chunks;
        expect(split).toEqual(whole);
      }
      // every single offset once, for the shortest fixture
      if (name === "stream-prompt-blocked.sse") {
        for (let cut = 0; cut <= text.length; cut++) expect(run(text, ctx, [cut]).chunks).toEqual(run(text, ctx).chunks);
      }
    }
  });

  it("reports a stream without finishReason as not done (cut)", () => {
    const first = sse("stream-text.sse").split("\n\n")[0] + "\n\n";
    const { chunks, t } = run(first);
    expect(chunks).toHaveLength(1);
    expect(t.done).toBe(false);
  });

  it("surfaces an in-stream google.rpc.Status as error() and stops", () => {
    const t = geminiAdapter.chatStream(ctx);
    t.push({ data: '{"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}' });
    const out = t.push({ data: '{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}' });
    expect(out).toEqual([]);
    expect(t.error?.()).toEqual({
      status: 503,
      type: "server_error",
      message: "The model is overloaded. Please try again later.",
      code: "UNAVAILABLE",
      param: null,
    });
    expect(t.push({ data: '{"candidates":[{"content":{"parts":[{"text":"lo"}]},"finishReason":"STOP"}]}' })).toEqual([]);
    expect(t.done).toBe(false);
  });

  it("numbers parallel calls per choice and ignores nameless partial-argument parts", () => {
    const t = geminiAdapter.chatStream(ctx);
    const out = t.push({
      data: JSON.stringify({
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                { functionCall: { name: "get_weather", args: { city: "Paris" } } },
                { functionCall: { name: "get_weather", args: { city: "Tokyo" } } },
                { functionCall: { partialArgs: [{ jsonPath: "$.city", stringValue: "x" }], willContinue: true } },
              ],
            },
            finishReason: "STOP",
            index: 0,
          },
        ],
        responseId: "r1",
      }),
    });
    const calls = out[0]!.choices[0]!.delta.tool_calls!;
    expect(calls.map((c) => [c.index, c.id, c.function?.arguments])).toEqual([
      [0, "call_r1_0", '{"city":"Paris"}'],
      [1, "call_r1_1", '{"city":"Tokyo"}'],
    ]);
    expect(out[1]!.choices[0]!.finish_reason).toBe("tool_calls");
  });
});
