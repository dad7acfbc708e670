/**
 * Bedrock and Vertex AI through the real gateway core and their wire-faithful fakes: chat,
 * streaming (Bedrock's binary event stream), tools both ways, embeddings, usage and cost,
 * faults → retry / fall-over, and Vertex's access-token caching and refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeServiceAccount, foreignServiceAccount } from "../../e2e/fakes";
import { chatBody, openaiChunks, readSse, requestId, sleep, startGateway, WEATHER_TOOL, type Gateway, type TargetSpec, type Wire } from "../support/gateway";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());

const PRICES = { inputPricePerM: 3, outputPricePerM: 15 };
const FAST = { backoffBaseMs: 10, backoffMaxMs: 20 };

async function chat(alias: string, extra: Record<string, unknown> = {}) {
  const rid = requestId(alias);
  const res = await gw.post("/v1/chat/completions", chatBody(alias, extra), { headers: { "x-request-id": rid } });
  return { res, rid };
}

async function until(cond: () => boolean, what: string, ms = 3000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const families: { name: string; target: TargetSpec; reply: string }[] = [
  { name: "bedrock", target: { type: "bedrock", upstreamModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", ...PRICES }, reply: "Fake bedrock reply" },
  { name: "vertex-gemini", target: { type: "vertex", upstreamModel: "gemini-2.5-flash", ...PRICES }, reply: "Fake gemini reply" },
  { name: "vertex-claude", target: { type: "vertex", upstreamModel: "claude-sonnet-4-5@20250929", ...PRICES }, reply: "Fake anthropic reply" },
];

describe.each(families)("$name", ({ name, target, reply }) => {
  const alias = `fam-${name}`;
  let nonStream = "";
  beforeAll(async () => {
    await gw.routeTo(alias, [target]);
  });

  it("answers a chat completion with usage and cost in the log", async () => {
    const { res, rid } = await chat(alias);
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0].message.content).toContain(reply);
    expect(body.choices[0].finish_reason).toBe("stop");
    nonStream = body.choices[0].message.content;
    const row = await gw.logRow(rid);
    expect(row).toMatchObject({ providerType: target.type, status: 200, outcome: "ok", tokensIn: body.usage.prompt_tokens, tokensOut: body.usage.completion_tokens });
    expect(row.costUsd).toBeCloseTo((row.tokensIn * 3 + row.tokensOut * 15) / 1e6, 9);
  });

  it("streams the same text, ending in [DONE], with the usage chunk", async () => {
    const { res, rid } = await chat(alias, { stream: true, stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    const { chunks, done, text } = openaiChunks(await readSse(res));
    expect(done).toBe(true);
    expect(text).toBe(nonStream);
    const last = chunks.at(-1)!;
    expect(last.usage.completion_tokens).toBeGreaterThan(0);
    const row = await gw.logRow(rid);
    expect(row).toMatchObject({ stream: true, outcome: "ok", tokensIn: last.usage.prompt_tokens, tokensOut: last.usage.completion_tokens });
  });

  it("calls a forced tool, streams it, and takes the tool result back", async () => {
    const tools = [WEATHER_TOOL];
    const { res } = await chat(alias, { tools, tool_choice: "required" });
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    const call = body.choices[0].message.tool_calls[0];
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toHaveProperty("city");
    expect(body.choices[0].finish_reason).toBe("tool_calls");

    const s = await chat(alias, { tools, tool_choice: "required", stream: true });
    const { chunks } = openaiChunks(await readSse(s.res));
    const args = chunks.flatMap((c) => c.choices?.[0]?.delta?.tool_calls ?? []).map((t: Wire) => t.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toHaveProperty("city");

    // The follow-up turn carries the call and its result, without tools (Bedrock still needs toolConfig).
    const follow = await gw.post("/v1/chat/completions", {
      model: alias,
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "sunny, 21°C" },
      ],
    });
    const fb = (await follow.json()) as Wire;
    expect(follow.status, JSON.stringify(fb)).toBe(200);
    expect(fb.choices[0].message.content).toContain(reply);
  });
});

describe("bedrock specifics", () => {
  it("answers the Anthropic-format /v1/messages from a Bedrock target, streaming too", async () => {
    await gw.routeTo("bd-msg", [{ type: "bedrock", upstreamModel: "bd-msg-model" }]);
    const body = { model: "bd-msg", max_tokens: 100, messages: [{ role: "user", content: "hello" }] };
    const res = await gw.post("/v1/messages", body);
    const json = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(json)).toBe(200);
    expect(json.type).toBe("message");
    expect(json.content[0].text).toContain("Fake bedrock reply");
    const s = await gw.post("/v1/messages", { ...body, stream: true });
    const events = await readSse(s);
    expect(events.map((e) => e.event)).toContain("message_stop");
  });

  it("embeds through Titan and Cohere on Bedrock", async () => {
    await gw.routeTo("bd-titan", [{ type: "bedrock", upstreamModel: "amazon.titan-embed-text-v2:0", kind: "embedding" }]);
    await gw.routeTo("bd-cohere", [{ type: "bedrock", upstreamModel: "cohere.embed-english-v3", kind: "embedding" }]);
    const t = await gw.post("/v1/embeddings", { model: "bd-titan", input: "hello world" });
    const tb = (await t.json()) as Wire;
    expect(t.status, JSON.stringify(tb)).toBe(200);
    expect(tb.data[0].embedding.length).toBeGreaterThan(0);
    expect(tb.usage.prompt_tokens).toBe(3);
    const c = await gw.post("/v1/embeddings", { model: "bd-cohere", input: ["a", "b", "c"] });
    const cb = (await c.json()) as Wire;
    expect(c.status, JSON.stringify(cb)).toBe(200);
    expect(cb.data).toHaveLength(3);
    const many = await gw.post("/v1/embeddings", { model: "bd-titan", input: ["a", "b"] });
    expect(many.status).toBe(400);
  });

  it("retries a throttled call (429 without Retry-After) and falls over from a 500 to Vertex", async () => {
    await gw.routeTo("bd-429", [{ type: "bedrock", upstreamModel: "bd-fault-429-once" }], "single", { attemptsPerTarget: 2, ...FAST });
    const { res, rid } = await chat("bd-429");
    expect(res.status).toBe(200);
    expect((await gw.logRow(rid)).attempts.map((a) => a.status)).toEqual([429, 200]);

    await gw.routeTo("bd-fo", [{ type: "bedrock", upstreamModel: "bd-fault-500" }, { type: "vertex", upstreamModel: "gemini-fo" }], "fallback", { attemptsPerTarget: 1, ...FAST });
    const fo = await chat("bd-fo");
    const body = (await fo.res.json()) as Wire;
    expect(fo.res.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0].message.content).toContain("Fake gemini reply from gemini-fo");
  });

  it("falls over after a slow first byte, retries a truncated JSON body", async () => {
    await gw.routeTo("bd-slow", [{ type: "bedrock", upstreamModel: "bd-fault-slow-3000" }, { type: "bedrock", upstreamModel: "bd-after-slow" }], "fallback", { attemptsPerTarget: 1, ...FAST, firstByteTimeoutMs: 300 });
    const slow = await chat("bd-slow");
    const body = (await slow.res.json()) as Wire;
    expect(slow.res.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0].message.content).toContain("bd-after-slow");
    expect((await gw.logRow(slow.rid)).attempts.map((a) => a.status)).toEqual([null, 200]);
    await gw.routeTo("bd-trunc", [{ type: "bedrock", upstreamModel: "bd-fault-truncated-json-once" }], "single", { attemptsPerTarget: 2, ...FAST });
    const t = await chat("bd-trunc");
    expect(t.res.status).toBe(200);
    expect((await gw.logRow(t.rid)).attempts.map((a) => a.status)).toEqual([502, 200]);
  });

  it("delivers what came before an exception frame, then an error event; a cut stream is partial", async () => {
    await gw.routeTo("bd-mid", [{ type: "bedrock", upstreamModel: "bd-fault-midstream-error" }]);
    const { res, rid } = await chat("bd-mid", { stream: true });
    const events = await readSse(res);
    const { text, done } = openaiChunks(events.filter((e) => !e.data.includes('"error"')));
    expect(done).toBe(false);
    expect(text.length).toBeGreaterThan(0);
    expect(events.at(-1)!.data).toContain("error");
    expect((await gw.logRow(rid)).outcome).toBe("partial");

    await gw.routeTo("bd-cut", [{ type: "bedrock", upstreamModel: "bd-fault-cut" }]);
    const cut = await chat("bd-cut", { stream: true });
    await readSse(cut.res);
    expect((await gw.logRow(cut.rid)).outcome).toBe("partial");
  });

  it("reports a wrong secret (AWS's 403 signature error) as an upstream auth failure, never a 200", async () => {
    await gw.providerFor("bedrock", "bedrock-badsecret", { apiKey: JSON.stringify({ accessKeyId: "AKIAFAKEPORTICO00001", secretAccessKey: "wrong" }) });
    await gw.routeTo("bd-bad", [{ type: "bedrock", provider: "bedrock-badsecret", upstreamModel: "bd-bad-model" }], "single", { attemptsPerTarget: 2, ...FAST });
    const { res, rid } = await chat("bd-bad");
    expect(res.status).toBeGreaterThanOrEqual(400);
    const row = await gw.logRow(rid);
    expect(row.attempts[0]!.status).toBe(403);
    // An auth failure is not retried on the same target.
    expect(gw.requestsFor("bd-bad-model")).toHaveLength(1);
  });

  it("sends a Bedrock API key as a bearer token", async () => {
    await gw.providerFor("bedrock", "bedrock-apikey", { apiKey: "ABSKZmFrZS1hcGkta2V5", options: { region: "eu-west-1", authMode: "api-key" } });
    await gw.routeTo("bd-key", [{ type: "bedrock", provider: "bedrock-apikey", upstreamModel: "bd-key-model" }]);
    const { res } = await chat("bd-key");
    expect(res.status).toBe(200);
    expect(gw.requestsFor("bd-key-model")[0]!.headers.authorization).toBe("Bearer ABSKZmFrZS1hcGkta2V5");
  });
});

describe("vertex specifics", () => {
  it("embeds through :predict", async () => {
    await gw.routeTo("vx-emb", [{ type: "vertex", upstreamModel: "text-embedding-005", kind: "embedding" }]);
    const res = await gw.post("/v1/embeddings", { model: "vx-emb", input: ["one", "two"] });
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data).toHaveLength(2);
    expect(body.usage.prompt_tokens).toBe(2);
  });

  it("exchanges one token for many concurrent calls with the same credential", async () => {
    await gw.providerFor("vertex", "vertex-cache", { apiKey: fakeServiceAccount(gw.fake.url, { private_key_id: "cache-test" }) });
    await gw.routeTo("vx-cache", [{ type: "vertex", provider: "vertex-cache", upstreamModel: "gemini-cache" }]);
    const before = gw.fake.vertex.tokenRequests;
    const results = await Promise.all(Array.from({ length: 8 }, () => chat("vx-cache")));
    expect(results.map((r) => r.res.status)).toEqual(Array(8).fill(200));
    await Promise.all(results.map((r) => r.res.arrayBuffer()));
    expect(gw.fake.vertex.tokenRequests - before).toBe(1);
    await chat("vx-cache");
    expect(gw.fake.vertex.tokenRequests - before).toBe(1);
  });

  it("refreshes a token that is close to expiry in the background, the call keeps the valid one", async () => {
    gw.fake.vertex.lifetimeSec = 120; // inside the 5-minute refresh margin from the start
    await gw.providerFor("vertex", "vertex-refresh", { apiKey: fakeServiceAccount(gw.fake.url, { private_key_id: "refresh-test" }) });
    await gw.routeTo("vx-refresh", [{ type: "vertex", provider: "vertex-refresh", upstreamModel: "gemini-refresh" }]);
    const before = gw.fake.vertex.tokenRequests;
    expect((await chat("vx-refresh")).res.status).toBe(200);
    expect(gw.fake.vertex.tokenRequests - before).toBe(1);
    expect((await chat("vx-refresh")).res.status).toBe(200);
    await until(() => gw.fake.vertex.tokenRequests - before === 2, "the background refresh");
    const tokens = gw.requestsFor("gemini-refresh").map((r) => r.headers.authorization);
    expect(tokens[0]).toBe(tokens[1]);
    gw.fake.vertex.lifetimeSec = 3600;
  });

  it("answers a refused token exchange as an upstream auth failure without calling the model", async () => {
    await gw.providerFor("vertex", "vertex-foreign", { apiKey: foreignServiceAccount(gw.fake.url) });
    await gw.routeTo("vx-bad", [{ type: "vertex", provider: "vertex-foreign", upstreamModel: "gemini-bad" }], "single", { attemptsPerTarget: 2, ...FAST });
    const { res, rid } = await chat("vx-bad");
    expect(res.status).toBeGreaterThanOrEqual(400);
    const row = await gw.logRow(rid);
    expect(row.attempts[0]!.status).toBe(401);
    expect(gw.requestsFor("gemini-bad")).toHaveLength(0);
  });

  it("retries Claude's quota error (Google's shape) and survives a slow first byte", async () => {
    await gw.routeTo("vx-429", [{ type: "vertex", upstreamModel: "claude-fault-429-once" }], "single", { attemptsPerTarget: 2, ...FAST, retryAfterCapMs: 5000 });
    const { res, rid } = await chat("vx-429");
    expect(res.status).toBe(200);
    expect((await gw.logRow(rid)).attempts.map((a) => a.status)).toEqual([429, 200]);
    await gw.routeTo("vx-html", [{ type: "vertex", upstreamModel: "gemini-fault-html-once" }], "single", { attemptsPerTarget: 2, ...FAST });
    expect((await chat("vx-html")).res.status).toBe(200);
  });
});
