/**
 * /v1/chat/completions through the real gateway core for every provider type:
 * non-stream, stream (with and without the usage chunk), tool calls, the
 * gateway's headers, and the request-log row (tokens, cost, outcome).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, openaiChunks, readSse, requestId, startGateway, WEATHER_TOOL, type Gateway, type ProviderType, type Wire } from "../support/gateway";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());

// USD per 1M tokens: large enough that the cost of a short call is not rounded away.
const PRICE_IN = 1000;
const PRICE_OUT = 2000;
const expectedCost = (inTok: number, outTok: number) => (inTok * PRICE_IN + outTok * PRICE_OUT) / 1_000_000;

const CASES: { type: ProviderType; upstream: string; replyPrefix: string }[] = [
  { type: "openai", upstream: "chat-ok", replyPrefix: "Fake openai reply from chat-ok" },
  { type: "azure-openai", upstream: "chat-ok", replyPrefix: "Fake azure reply from chat-ok" },
  { type: "anthropic", upstream: "chat-ok", replyPrefix: "Fake anthropic reply from chat-ok" },
  { type: "gemini", upstream: "chat-ok", replyPrefix: "Fake gemini reply from chat-ok" },
  { type: "mock", upstream: "mock-chat-it", replyPrefix: "Mock reply to: What is the capital" },
];

describe.each(CASES)("$type target", ({ type, upstream, replyPrefix }) => {
  const alias = `chat-${type}`;
  let nonStreamText = "";

  beforeAll(async () => {
    await gw.routeTo(alias, [{ type, upstreamModel: upstream, inputPricePerM: PRICE_IN, outputPricePerM: PRICE_OUT }]);
  });

  function expectGatewayHeaders(res: Response, rid: string) {
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(res.headers.get("x-portico-route")).toBe(alias);
    expect(res.headers.get("x-portico-provider")).toBe(type);
    expect(res.headers.get("x-portico-attempts")).toBe("1");
  }

  it("answers a non-stream call in OpenAI shape, with headers and a priced log row", async () => {
    const rid = requestId("ns");
    const res = await gw.post("/v1/chat/completions", chatBody(alias), { headers: { "x-request-id": rid } });
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expectGatewayHeaders(res, rid);
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe(alias);
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0].message.role).toBe("assistant");
    expect(body.choices[0].message.content).toContain(replyPrefix);
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    nonStreamText = body.choices[0].message.content;

    const row = await gw.logRow(rid);
    expect(row).toMatchObject({
      endpoint: "chat.completions",
      inbound: "openai",
      routeAlias: alias,
      providerType: type,
      upstreamModel: upstream,
      stream: false,
      status: 200,
      outcome: "ok",
      tokensIn: body.usage.prompt_tokens,
      tokensOut: body.usage.completion_tokens,
      usageEstimated: false,
    });
    expect(row.keyId).toMatch(/^key_/);
    expect(row.attempts).toHaveLength(1);
    expect(row.attempts[0]!.status).toBe(200);
    expect(row.costUsd).toBeGreaterThan(0);
    expect(row.costUsd).toBeCloseTo(expectedCost(row.tokensIn, row.tokensOut), 9);
  });

  it("streams SSE chunks ending in [DONE], with a final usage chunk when include_usage is true", async () => {
    const rid = requestId("su");
    const res = await gw.post("/v1/chat/completions", chatBody(alias, { stream: true, stream_options: { include_usage: true } }), {
      headers: { "x-request-id": rid },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("cache-control")).toContain("no-transform");
    expectGatewayHeaders(res, rid);
    const { chunks, done, doneCount, text } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    expect(doneCount).toBe(1);
    for (const c of chunks) {
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.model).toBe(alias);
    }
    expect(chunks.length).toBeGreaterThan(2);
    expect(text).toContain(replyPrefix);
    if (nonStreamText) expect(text).toBe(nonStreamText);
    expect(chunks.some((c) => c.choices?.[0]?.finish_reason === "stop")).toBe(true);
    const withUsage = chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    const last = chunks.at(-1)!;
    expect(last.usage).toBeTruthy();
    expect(last.choices).toEqual([]);
    expect(last.usage.prompt_tokens).toBeGreaterThan(0);
    expect(last.usage.completion_tokens).toBeGreaterThan(0);

    const row = await gw.logRow(rid);
    expect(row).toMatchObject({
      stream: true,
      status: 200,
      outcome: "ok",
      providerType: type,
      tokensIn: last.usage.prompt_tokens,
      tokensOut: last.usage.completion_tokens,
    });
    expect(row.ttftMs).not.toBeNull();
    expect(row.costUsd).toBeCloseTo(expectedCost(row.tokensIn, row.tokensOut), 9);
  });

  it("sends no usage chunk when include_usage is false, yet still logs tokens", async () => {
    const rid = requestId("sn");
    const res = await gw.post("/v1/chat/completions", chatBody(alias, { stream: true, stream_options: { include_usage: false } }), {
      headers: { "x-request-id": rid },
    });
    expect(res.status).toBe(200);
    const { chunks, done, text } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    expect(text).toContain(replyPrefix);
    expect(chunks.filter((c) => c.usage)).toHaveLength(0);
    const row = await gw.logRow(rid);
    expect(row.outcome).toBe("ok");
    expect(row.tokensIn).toBeGreaterThan(0);
    expect(row.tokensOut).toBeGreaterThan(0);
    expect(row.costUsd).toBeGreaterThan(0);
  });

  it("returns forced tool calls as OpenAI tool_calls (non-stream)", async () => {
    const rid = requestId("tn");
    const res = await gw.post("/v1/chat/completions", chatBody(alias, { tools: [WEATHER_TOOL], tool_choice: "required" }), {
      headers: { "x-request-id": rid },
    });
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls.length).toBeGreaterThanOrEqual(1);
    const call = choice.message.tool_calls[0];
    expect(call.type).toBe("function");
    expect(typeof call.id).toBe("string");
    expect(call.id.length).toBeGreaterThan(0);
    expect(call.function.name).toBe("get_weather");
    expect(typeof JSON.parse(call.function.arguments)).toBe("object");
    expect((await gw.logRow(rid)).outcome).toBe("ok");
  });

  it("streams forced tool calls as tool_calls deltas that assemble into valid JSON", async () => {
    const res = await gw.post("/v1/chat/completions", chatBody(alias, { tools: [WEATHER_TOOL], tool_choice: "required", stream: true }));
    expect(res.status).toBe(200);
    const { chunks, done } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    const calls = new Map<number, { id?: string; name: string; args: string }>();
    for (const c of chunks) {
      for (const tc of c.choices?.[0]?.delta?.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { name: "", args: "" };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name += tc.function.name;
        if (tc.function?.arguments) cur.args += tc.function.arguments;
        calls.set(tc.index, cur);
      }
    }
    expect(calls.size).toBeGreaterThanOrEqual(1);
    const first = calls.get(0)!;
    expect(first.id).toBeTruthy();
    expect(first.name).toBe("get_weather");
    expect(typeof JSON.parse(first.args)).toBe("object");
    expect(chunks.some((c) => c.choices?.[0]?.finish_reason === "tool_calls")).toBe(true);
  });
});

describe("request ids", () => {
  it("replaces an invalid inbound x-request-id with a generated one, used as the log row id", async () => {
    await gw.routeTo("chat-rid", [{ type: "mock", upstreamModel: "mock-chat-it" }]);
    const res = await gw.post("/v1/chat/completions", chatBody("chat-rid"), { headers: { "x-request-id": "bad id with spaces!" } });
    expect(res.status).toBe(200);
    const rid = res.headers.get("x-request-id")!;
    expect(rid).toMatch(/^req_[A-Za-z0-9_-]+$/);
    expect(rid).not.toContain("bad");
    const row = await gw.logRow(rid);
    expect(row.routeAlias).toBe("chat-rid");
  });

  it("generates distinct ids when none is sent", async () => {
    const a = await gw.post("/v1/chat/completions", chatBody("chat-rid"));
    const b = await gw.post("/v1/chat/completions", chatBody("chat-rid"));
    await a.text();
    await b.text();
    expect(a.headers.get("x-request-id")).toBeTruthy();
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});
