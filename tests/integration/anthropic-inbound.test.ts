/**
 * POST /v1/messages (Anthropic format in) routed to OpenAI-, Gemini- (and
 * Anthropic-) type targets: the non-stream message, the exact stream event order, tool_use
 * blocks (non-stream and input_json_delta), a cut stream, and the log row.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventSourceMessage } from "eventsource-parser";
import { readSse, requestId, startGateway, USER_MSG, type Gateway, type ProviderType, type Wire } from "../support/gateway";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());

const TOOL = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

const body = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 256,
  system: "You are terse.",
  messages: [{ role: "user", content: USER_MSG }],
  ...extra,
});

/** Anthropic clients of every age: x-api-key and anthropic-version. */
async function send(model: string, extra: Record<string, unknown> = {}, rid = requestId("msg")) {
  return gw.post("/v1/messages", body(model, extra), { key: null, headers: { "x-api-key": (await gw.key()), "anthropic-version": "2023-06-01", "x-request-id": rid } });
}

/** The event names in order, each checked against its data.type. */
function eventOrder(events: EventSourceMessage[]) {
  const parsed = events.map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, Wire> }));
  for (const p of parsed) expect(p.data.type).toBe(p.event);
  return parsed;
}

/** Collapses repeats (delta, delta, delta → delta) so the grammar is easy to compare. */
function shape(names: (string | undefined)[]): string[] {
  return names.filter((n, i) => n !== "ping" && n !== names[i - 1]) as string[];
}

const CASES: { type: ProviderType; upstream: string; reply: string }[] = [
  { type: "openai", upstream: "in-openai", reply: "Fake openai reply from in-openai" },
  { type: "gemini", upstream: "in-gemini", reply: "Fake gemini reply from in-gemini" },
  // Anthropic in, Anthropic out: through the canonical shape and back
  { type: "anthropic", upstream: "in-anthropic", reply: "Fake anthropic reply from in-anthropic" },
];

describe.each(CASES)("/v1/messages → $type target", ({ type, upstream, reply }) => {
  const alias = `msg-${type}`;
  beforeAll(async () => {
    await gw.routeTo(alias, [{ type, upstreamModel: upstream, inputPricePerM: 1000, outputPricePerM: 1000 }]);
  });

  it("non-stream: an Anthropic message with text, usage and end_turn; logged as messages/anthropic", async () => {
    const rid = requestId("ns");
    const res = await send(alias, {}, rid);
    const msg = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(msg)).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(res.headers.get("x-portico-provider")).toBe(type);
    expect(res.headers.get("x-portico-route")).toBe(alias);
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.model).toBe(alias);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.content).toHaveLength(1);
    expect(msg.content[0].type).toBe("text");
    expect(msg.content[0].text).toContain(reply);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    // no OpenAI fields leak through
    expect(msg.choices).toBeUndefined();
    expect(msg.object).toBeUndefined();

    const row = await gw.logRow(rid);
    expect(row).toMatchObject({ endpoint: "messages", inbound: "anthropic", providerType: type, status: 200, outcome: "ok", stream: false });
    expect(row.tokensIn).toBe(msg.usage.input_tokens);
    expect(row.tokensOut).toBe(msg.usage.output_tokens);
    expect(row.costUsd).toBeGreaterThan(0);
  });

  it("stream: message_start … content_block_* … message_delta, message_stop", async () => {
    const rid = requestId("st");
    const res = await send(alias, { stream: true }, rid);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = eventOrder(await readSse(res));
    expect(shape(events.map((e) => e.event))).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(events.filter((e) => e.event === "content_block_delta").length).toBeGreaterThan(1);
    const start = events[0]!.data.message;
    expect(start.role).toBe("assistant");
    expect(start.model).toBe(alias);
    expect(start.content).toEqual([]);
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => {
        expect(e.data.delta.type).toBe("text_delta");
        expect(e.data.index).toBe(0);
        return e.data.delta.text;
      })
      .join("");
    expect(text).toContain(reply);
    const md = events.find((e) => e.event === "message_delta")!.data;
    expect(md.delta.stop_reason).toBe("end_turn");
    expect(md.usage.output_tokens).toBeGreaterThan(0);
    // message_start carries the input count, as Anthropic sends it (LangChain and cost hooks read it
    // there): the upstream's own when it comes first (Anthropic's message_start, Gemini's first
    // chunk), else Portico's estimate from the prompt; message_delta has the final figure.
    expect(start.usage.input_tokens).toBeGreaterThan(0);
    if (type === "openai") {
      expect(start.usage.input_tokens).toBeGreaterThanOrEqual(md.usage.input_tokens / 2);
      expect(start.usage.input_tokens).toBeLessThanOrEqual(md.usage.input_tokens * 2);
    } else {
      expect(start.usage.input_tokens).toBe(md.usage.input_tokens);
    }

    const row = await gw.logRow(rid);
    expect(row).toMatchObject({ endpoint: "messages", inbound: "anthropic", stream: true, status: 200, outcome: "ok" });
    expect(row.tokensOut).toBeGreaterThan(0);
  });

  it("tool_use (non-stream): a tool_use block with parsed input", async () => {
    const res = await send(alias, { tools: [TOOL], tool_choice: { type: "any" } });
    const msg = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(msg)).toBe(200);
    expect(msg.stop_reason).toBe("tool_use");
    const use = msg.content.find((b: Wire) => b.type === "tool_use");
    expect(use, JSON.stringify(msg.content)).toBeTruthy();
    expect(use.name).toBe("get_weather");
    expect(use.id).toMatch(/^toolu_|^call_/);
    expect(use.input).toHaveProperty("city");
  });

  it("tool_use (stream): content_block_start tool_use, input_json_delta pieces, stop_reason tool_use", async () => {
    const res = await send(alias, { tools: [TOOL], tool_choice: { type: "tool", name: "get_weather" }, stream: true });
    expect(res.status).toBe(200);
    const events = eventOrder(await readSse(res));
    const names = shape(events.map((e) => e.event));
    expect(names[0]).toBe("message_start");
    expect(names.slice(-2)).toEqual(["message_delta", "message_stop"]);
    const starts = events.filter((e) => e.event === "content_block_start" && e.data.content_block.type === "tool_use");
    expect(starts).toHaveLength(1);
    const block = starts[0]!.data;
    expect(block.content_block.name).toBe("get_weather");
    const json = events
      .filter((e) => e.event === "content_block_delta" && e.data.index === block.index)
      .map((e) => {
        expect(e.data.delta.type).toBe("input_json_delta");
        return e.data.delta.partial_json;
      })
      .join("");
    expect(JSON.parse(json)).toHaveProperty("city");
    // every started block is stopped, in order
    const opened = events.filter((e) => e.event === "content_block_start").map((e) => e.data.index);
    const closed = events.filter((e) => e.event === "content_block_stop").map((e) => e.data.index);
    expect(closed).toEqual(opened);
    expect(events.find((e) => e.event === "message_delta")!.data.delta.stop_reason).toBe("tool_use");
  });
});

describe("/v1/messages stream cut mid-way", () => {
  it("ends with an Anthropic error event after the partial text, no message_stop", async () => {
    await gw.routeTo("msg-cut", [{ type: "openai", upstreamModel: "in-fault-cut" }], "single", { attemptsPerTarget: 1 });
    const rid = requestId("cut");
    const res = await send("msg-cut", { stream: true }, rid);
    expect(res.status).toBe(200);
    const events = eventOrder(await readSse(res));
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("message_start");
    expect(names).toContain("content_block_delta");
    expect(names).not.toContain("message_stop");
    const last = events.at(-1)!;
    expect(last.event).toBe("error");
    expect(last.data.error.type).toBe("api_error");
    expect(last.data.error.message).toMatch(/interrupted/i);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("partial");
    expect(row.tokensOut).toBeGreaterThan(0);
  });
});
