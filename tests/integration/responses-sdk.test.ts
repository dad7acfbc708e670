/**
 * The official SDKs on the newer endpoints, changing only baseURL and key:
 * openai v6 `client.responses.create / stream / retrieve / delete` (text, a tool round trip
 * with function_call_output, JSON schema, previous_response_id) against a fake-OpenAI route,
 * a fake-Anthropic route and the built-in mock; @anthropic-ai/sdk `messages.countTokens`
 * (POST /v1/messages/count_tokens) and Anthropic-shaped errors on unknown /v1/messages/* paths.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestId, startGateway, USER_MSG, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  gw = await startGateway();
  await gw.routeTo("rsdk-openai", [{ type: "openai", upstreamModel: "rsdk-upstream" }]);
  await gw.routeTo("rsdk-anthropic", [{ type: "anthropic", upstreamModel: "rsdk-claude" }]);
  await gw.routeTo("rsdk-mock", [{ type: "mock", upstreamModel: "rsdk-mock-model" }]);
  const apiKey = (await gw.newKey({ name: "responses sdk" })).key;
  openai = new OpenAI({ baseURL: gw.url + "/v1", apiKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey, maxRetries: 0 });
});
afterAll(() => gw?.close());

const WEATHER: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};

const ROUTES = [
  { alias: "rsdk-openai", reply: "Fake openai reply from rsdk-upstream" },
  { alias: "rsdk-anthropic", reply: "Fake anthropic reply from rsdk-claude" },
  { alias: "rsdk-mock", reply: "Mock reply to: What is the capital" },
];

describe.each(ROUTES)("openai SDK responses → $alias", ({ alias, reply }) => {
  it("responses.create: output_text and usage; retrieve returns it; delete removes it", async () => {
    const r = await openai.responses.create({ model: alias, instructions: "You are terse.", input: USER_MSG });
    expect(r.object).toBe("response");
    expect(r.status).toBe("completed");
    expect(r.output_text).toContain(reply);
    expect(r.usage!.input_tokens).toBeGreaterThan(0);
    expect(r.usage!.output_tokens).toBeGreaterThan(0);
    const again = await openai.responses.retrieve(r.id);
    expect(again.id).toBe(r.id);
    expect(again.output_text).toBe(r.output_text);
    await openai.responses.delete(r.id);
    const gone = await openai.responses.retrieve(r.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("tools: function_call, then function_call_output round trip, then previous_response_id", async () => {
    const r1 = await openai.responses.create({ model: alias, input: "Weather in Paris?", tools: [WEATHER], tool_choice: "required" });
    const call = r1.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === "function_call");
    if (!call) throw new Error(`no function_call: ${JSON.stringify(r1.output)}`);
    expect(call.name).toBe("get_weather");
    expect(JSON.parse(call.arguments)).toHaveProperty("city");
    // the documented manual loop: the previous response's id plus the tool's output
    const r2 = await openai.responses.create({
      model: alias,
      previous_response_id: r1.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: JSON.stringify({ temperature: 18 }) }],
      tools: [WEATHER],
    });
    expect(r2.status).toBe("completed");
    expect(r2.output_text.length).toBeGreaterThan(0);
    // and the stateless loop: the whole history sent back, store off
    const r3 = await openai.responses.create({
      model: alias,
      store: false,
      input: [{ role: "user", content: "Weather in Paris?" }, call, { type: "function_call_output", call_id: call.call_id, output: "18 degrees" }],
      tools: [WEATHER],
    });
    expect(r3.output_text.length).toBeGreaterThan(0);
  });

  it("responses.stream: text deltas, then finalResponse with usage", async () => {
    const stream = openai.responses.stream({ model: alias, input: USER_MSG });
    let deltas = "";
    stream.on("response.output_text.delta", (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe("completed");
    expect(final.output_text).toContain(reply);
    expect(deltas).toBe(final.output_text);
    expect(final.usage!.output_tokens).toBeGreaterThan(0);
  });

  it("responses.stream: a tool call with streamed arguments", async () => {
    const stream = openai.responses.stream({ model: alias, input: "Weather in Paris?", tools: [WEATHER], tool_choice: { type: "function", name: "get_weather" } });
    let args = "";
    stream.on("response.function_call_arguments.delta", (e) => (args += e.delta));
    const final = await stream.finalResponse();
    const call = final.output.find((o) => o.type === "function_call");
    if (!call || call.type !== "function_call") throw new Error(`no function_call: ${JSON.stringify(final.output)}`);
    expect(call.name).toBe("get_weather");
    expect(call.arguments).toBe(args);
    expect(JSON.parse(args)).toHaveProperty("city");
  });
});

describe("openai SDK responses: JSON schema, continuation, errors", () => {
  it("text.format json_schema: the mock's document parses", async () => {
    const r = await openai.responses.create({
      model: "rsdk-mock",
      input: "Describe Paris",
      text: { format: { type: "json_schema", name: "city", strict: true, schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false } } },
    });
    const doc = JSON.parse(r.output_text) as Wire;
    expect(typeof doc.name).toBe("string");
    expect(Number.isInteger(doc.population)).toBe(true);
  });

  it("previous_response_id (streamed second turn) sends the first turn upstream", async () => {
    const r1 = await openai.responses.create({ model: "rsdk-openai", input: "My name is Ada." });
    const final = await openai.responses.stream({ model: "rsdk-openai", previous_response_id: r1.id, input: "What is my name?" }).finalResponse();
    expect(final.previous_response_id).toBe(r1.id);
    const msgs = (gw.requestsFor("rsdk-upstream").at(-1)!.body as Wire).messages;
    expect(msgs.map((m: Wire) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(msgs[1].content).toBe(r1.output_text);
  });

  it("errors parse into the SDK's typed errors", async () => {
    const e1 = await openai.responses.create({ model: "nope", input: "x" }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.NotFoundError);
    const e2 = await openai.responses.create({ model: "rsdk-openai", input: "x", tools: [{ type: "web_search" }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OpenAI.BadRequestError);
    expect((e2 as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("tools.0.type");
    const e3 = await openai.responses.create({ model: "rsdk-openai", previous_response_id: "resp_missing", input: "x" }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(OpenAI.NotFoundError);
    const bad = new OpenAI({ baseURL: gw.url + "/v1", apiKey: "pk_wrong", maxRetries: 0 });
    expect(await bad.responses.create({ model: "rsdk-mock", input: "x" }).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("POST /v1/responses/input_tokens", () => {
  it("responses.inputTokens.count: the estimate, growing with previous_response_id; not logged", async () => {
    const alone = await openai.responses.inputTokens.count({ model: "rsdk-anthropic", instructions: "Be brief.", input: "What is my name?", tools: [WEATHER] });
    expect(alone.object).toBe("response.input_tokens");
    expect(alone.input_tokens).toBeGreaterThan(10);
    const r1 = await openai.responses.create({ model: "rsdk-anthropic", input: "My name is Ada. ".repeat(50) });
    const before = gw.fake.requests.length;
    const rid = requestId("itok");
    const res = await gw.post("/v1/responses/input_tokens", { previous_response_id: r1.id, input: "What is my name?" }, { headers: { "x-request-id": rid } });
    const cont = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(cont)).toBe(200);
    expect(cont.input_tokens).toBeGreaterThan(alone.input_tokens + 100);
    expect(gw.fake.requests.length).toBe(before);
    await expect(gw.logRow(rid, 300)).rejects.toThrow(/no request_logs row/);
    // another app's key cannot count (nor learn anything about) this conversation
    const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: gw.harness.teamId, name: "itok-other" } }));
    (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: app.id, apiId: gw.harness.apiId } }));
    const other = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: "o" } })).key;
    expect((await gw.post("/v1/responses/input_tokens", { previous_response_id: r1.id, input: "x" }, { key: other })).status).toBe(404);
    expect((await gw.post("/v1/responses/input_tokens", { nonsense: 1 }, { key: null })).status).toBe(401);
  });
});

describe("POST /v1/messages/count_tokens", () => {
  const params = (model: string): Anthropic.MessageCountTokensParams => ({
    model,
    system: "You are terse.",
    messages: [{ role: "user", content: USER_MSG }],
    tools: [{ name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
  });

  it("messages.countTokens answers {input_tokens} for routes of every provider; more text, more tokens", async () => {
    for (const alias of ["rsdk-openai", "rsdk-anthropic", "rsdk-mock"]) {
      const r = await anthropic.messages.countTokens(params(alias));
      expect(r.input_tokens).toBeGreaterThan(10);
    }
    const small = await anthropic.messages.countTokens({ model: "rsdk-openai", messages: [{ role: "user", content: "hi" }] });
    const big = await anthropic.messages.countTokens({ model: "rsdk-openai", messages: [{ role: "user", content: "hi ".repeat(200) }] });
    expect(big.input_tokens).toBeGreaterThan(small.input_tokens + 150);
  });

  it("a long run without whitespace is counted in bounded time (the tokenizer alone is quadratic on it)", async () => {
    const t0 = Date.now();
    const r = await anthropic.messages.countTokens({ model: "rsdk-openai", messages: [{ role: "user", content: "a".repeat(1024 * 1024) }] });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.input_tokens).toBeGreaterThan(50_000);
  });

  it("calls no upstream and writes no log row (not a billable call)", async () => {
    const before = gw.fake.requests.length;
    const rid = requestId("count");
    const res = await gw.post("/v1/messages/count_tokens", params("rsdk-anthropic"), { headers: { "x-request-id": rid } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(gw.fake.requests.length).toBe(before);
    await expect(gw.logRow(rid, 300)).rejects.toThrow(/no request_logs row/);
  });

  it("errors in Anthropic's shape: no key, unknown model, a key without a subscription, a bad body", async () => {
    const noKey = new Anthropic({ baseURL: gw.url, apiKey: "pk_wrong", maxRetries: 0 });
    const e1 = await noKey.messages.countTokens(params("rsdk-openai")).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Anthropic.AuthenticationError);
    const e2 = await anthropic.messages.countTokens(params("nope")).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.NotFoundError);
    // an app without a subscription to an API exposing the route
    const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: gw.harness.teamId, name: "unsubscribed" } }));
    const lone = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: "lone" } })).key;
    const res = await gw.post("/v1/messages/count_tokens", params("rsdk-openai"), { key: lone });
    expect(res.status).toBe(403);
    expect(((await res.json()) as Wire).error.type).toBe("permission_error");
    const bad = await gw.post("/v1/messages/count_tokens", { model: "rsdk-openai" });
    expect(bad.status).toBe(400);
    expect((await bad.json()) as Wire).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    // no key at all and a bad body: 401 first
    expect((await gw.post("/v1/messages/count_tokens", { nonsense: 1 }, { key: null })).status).toBe(401);
  });

  it("unknown /v1/messages/* paths and wrong methods answer in Anthropic's error shape", async () => {
    const res = await gw.post("/v1/messages/batches", {});
    expect(res.status).toBe(404);
    expect((await res.json()) as Wire).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const get = await fetch(gw.url + "/v1/messages/count_tokens", { headers: { "x-api-key": (await gw.key()) } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const body = (await get.json()) as Wire;
    expect(body.type).toBe("error");
    expect(typeof body.error.type).toBe("string");
    expect(body.error.message).toMatch(/GET is not allowed/);
  });
});
