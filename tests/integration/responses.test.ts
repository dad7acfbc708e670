/**
 * POST /v1/responses (the OpenAI Responses API in) routed through the canonical shape to
 * OpenAI-, Anthropic- and Gemini-type targets: the Response object, the semantic stream
 * events, function tools and their outputs, JSON-schema output, usage + cost + the log row;
 * `store` / `previous_response_id` / GET / DELETE /v1/responses/{id}; and the attacks:
 * no key, another app's key, deep and oversized bodies, unsupported features.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse, requestId, startGateway, USER_MSG, type Gateway, type ProviderType, type Wire } from "../support/gateway";
import { rawGet, rawRun } from "@/lib/db/sql";

let gw: Gateway;
let otherKey: string;
beforeAll(async () => {
  gw = await startGateway({ PORTICO_MAX_BODY_BYTES: String(64 * 1024) });
  // A second app of the same team, subscribed to the same API: a different tenant of stored responses.
  const app = (await gw.m.apps.createApp({ actor: gw.actor, input: { teamId: gw.harness.teamId, name: "other-app" } }));
  (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: app.id, apiId: gw.harness.apiId } }));
  otherKey = (await gw.m.keys.createAppKey({ actor: gw.actor, appId: app.id, input: { name: "other" } })).key;
  await gw.routeTo("resp-mock", [{ type: "mock", upstreamModel: "resp-mock-model" }]);
});
afterAll(() => gw?.close());

const WEATHER = { type: "function", name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

function send(body: Record<string, unknown>, opts: { key?: string | null; rid?: string } = {}) {
  return gw.post("/v1/responses", body, { key: opts.key, headers: { "x-request-id": opts.rid ?? requestId("resp") } });
}
const get = async (id: string, key?: string, method = "GET") =>
  fetch(`${gw.url}/v1/responses/${id}`, { method, headers: { authorization: `Bearer ${key ?? (await gw.key())}` } });

/** Events of a Responses stream, each checked: `event:` equals data.type, sequence numbers count from 0. */
async function events(res: Response) {
  const evs = (await readSse(res)).map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, Wire> }));
  evs.forEach((e, i) => {
    expect(e.data.type).toBe(e.event);
    expect(e.data.sequence_number).toBe(i);
  });
  return evs;
}
const shape = (names: string[]) => names.filter((n, i) => n !== names[i - 1]);

const CASES: { type: ProviderType; upstream: string; reply: string }[] = [
  { type: "openai", upstream: "r-openai", reply: "Fake openai reply from r-openai" },
  { type: "anthropic", upstream: "r-anthropic", reply: "Fake anthropic reply from r-anthropic" },
  { type: "gemini", upstream: "r-gemini", reply: "Fake gemini reply from r-gemini" },
];

describe.each(CASES)("/v1/responses → $type target", ({ type, upstream, reply }) => {
  const alias = `resp-${type}`;
  beforeAll(async () => {
    await gw.routeTo(alias, [{ type, upstreamModel: upstream, inputPricePerM: 1000, outputPricePerM: 1000 }]);
  });

  it("non-stream: a Response with an output_text message, usage, cost and a responses log row", async () => {
    const rid = requestId("ns");
    const res = await send({ model: alias, instructions: "You are terse.", input: USER_MSG }, { rid });
    const r = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(r)).toBe(200);
    expect(res.headers.get("x-portico-provider")).toBe(type);
    expect(res.headers.get("x-portico-route")).toBe(alias);
    expect(r.object).toBe("response");
    expect(r.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(r.status).toBe("completed");
    expect(r.model).toBe(alias);
    expect(r.instructions).toBe("You are terse.");
    expect(r.store).toBe(true);
    expect(r.error).toBeNull();
    expect(r.output).toHaveLength(1);
    expect(r.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(r.output[0].id).toMatch(/^msg_/);
    expect(r.output[0].content[0]).toMatchObject({ type: "output_text", annotations: [] });
    expect(r.output[0].content[0].text).toContain(reply);
    expect(r.usage.input_tokens).toBeGreaterThan(0);
    expect(r.usage.output_tokens).toBeGreaterThan(0);
    expect(r.usage.total_tokens).toBe(r.usage.input_tokens + r.usage.output_tokens);
    expect(r.usage.input_tokens_details).toEqual({ cached_tokens: 0 });
    expect(r.usage.output_tokens_details).toEqual({ reasoning_tokens: 0 });
    const row = await gw.logRow(rid);
    expect(row.endpoint).toBe("responses");
    expect(row.inbound).toBe("responses");
    expect(row.status).toBe(200);
    expect(row.tokensIn).toBe(r.usage.input_tokens);
    expect(row.tokensOut).toBe(r.usage.output_tokens);
    expect(row.costUsd).toBeGreaterThan(0);
    // the instructions went upstream as the system prompt
    const sent = JSON.stringify(gw.requestsFor(upstream).at(-1)!.body);
    expect(sent).toContain("You are terse.");
  });

  it("stream: the semantic events in order, deltas add up, response.completed carries usage", async () => {
    const rid = requestId("st");
    const res = await send({ model: alias, input: [{ role: "user", content: [{ type: "input_text", text: USER_MSG }] }], stream: true }, { rid });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const evs = await events(res);
    expect(shape(evs.map((e) => e.event!))).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const created = evs[0]!.data.response;
    expect(created).toMatchObject({ object: "response", status: "in_progress", output: [], model: alias });
    const text = evs.filter((e) => e.event === "response.output_text.delta").map((e) => e.data.delta as string).join("");
    expect(text).toContain(reply);
    const doneText = evs.find((e) => e.event === "response.output_text.done")!.data;
    expect(doneText.text).toBe(text);
    const done = evs.at(-1)!.data.response;
    expect(done.id).toBe(created.id);
    expect(done.status).toBe("completed");
    expect(done.output[0].content[0].text).toBe(text);
    expect(done.usage.output_tokens).toBeGreaterThan(0);
    const row = await gw.logRow(rid);
    expect(row).toMatchObject({ endpoint: "responses", stream: true, outcome: "ok", status: 200 });
    expect(row.tokensOut).toBe(done.usage.output_tokens);
  });

  it("tools: a forced call is a function_call item; its function_call_output goes back as a tool message", async () => {
    const r1 = (await (await send({ model: alias, input: "Weather in Paris?", tools: [WEATHER], tool_choice: "required", store: false })).json()) as Wire;
    const call = r1.output.find((o: Wire) => o.type === "function_call");
    expect(call, JSON.stringify(r1)).toBeTruthy();
    expect(call).toMatchObject({ type: "function_call", name: "get_weather", status: "completed" });
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toBeTruthy();
    expect(JSON.parse(call.arguments)).toHaveProperty("city");

    const res2 = await send({
      model: alias,
      input: [{ role: "user", content: "Weather in Paris?" }, call, { type: "function_call_output", call_id: call.call_id, output: "18 degrees, sunny" }],
      tools: [WEATHER],
    });
    const r2 = (await res2.json()) as Wire;
    expect(res2.status, JSON.stringify(r2)).toBe(200);
    expect(r2.output[0].type).toBe("message");
    const sent = JSON.stringify(gw.requestsFor(upstream).at(-1)!.body);
    expect(sent).toContain("18 degrees, sunny");
    // Gemini pairs a functionResponse with its call by name (its wire has no call ids)
    expect(sent).toContain(type === "gemini" ? '"functionResponse":{"name":"get_weather"' : call.call_id);
  });

  it("stream: a tool call streams function_call_arguments deltas and a done with the whole arguments", async () => {
    const res = await send({ model: alias, input: "Weather in Paris?", tools: [WEATHER], tool_choice: { type: "function", name: "get_weather" }, stream: true });
    const evs = await events(res);
    const names = shape(evs.map((e) => e.event!));
    expect(names).toContain("response.function_call_arguments.delta");
    const added = evs.find((e) => e.event === "response.output_item.added" && e.data.item.type === "function_call")!.data.item;
    expect(added).toMatchObject({ name: "get_weather", arguments: "", status: "in_progress" });
    const args = evs.filter((e) => e.event === "response.function_call_arguments.delta").map((e) => e.data.delta).join("");
    const argsDone = evs.find((e) => e.event === "response.function_call_arguments.done")!.data;
    expect(argsDone.arguments).toBe(args);
    expect(argsDone.name).toBe("get_weather");
    expect(JSON.parse(args)).toHaveProperty("city");
    const done = evs.at(-1)!;
    expect(done.event).toBe("response.completed");
    expect(done.data.response.output.find((o: Wire) => o.type === "function_call").arguments).toBe(args);
  });
});

describe("text.format, max_output_tokens and the other request fields", () => {
  it("json_schema reaches an OpenAI upstream as response_format; max_output_tokens as max_tokens", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
    const res = await send({ model: "resp-openai", input: "Capital of France as JSON", text: { format: { type: "json_schema", name: "answer", schema, strict: true } }, max_output_tokens: 50, temperature: 0.2 });
    const r = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(r)).toBe(200);
    expect(r.text).toEqual({ format: { type: "json_schema", name: "answer", schema, strict: true } });
    expect(r.max_output_tokens).toBe(50);
    const body = gw.requestsFor("r-openai").at(-1)!.body as Wire;
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "answer", schema, strict: true } });
    expect(body.max_tokens).toBe(50);
    expect(body.temperature).toBe(0.2);
    expect(body.store).toBeUndefined();
  });

  it("metadata is echoed and picks a routing condition's group, but is not sent upstream", async () => {
    (await gw.m.routes.createRoute({
      actor: gw.actor,
      input: {
        alias: "resp-cond",
        strategy: "single",
        targets: [{ modelId: (await gw.modelFor({ type: "mock", upstreamModel: "resp-cond-default" })) }],
        conditions: [{ header: "metadata.tier", equals: "gold", strategy: "single", targets: [{ modelId: (await gw.modelFor({ type: "openai", upstreamModel: "r-cond-gold" })) }] }],
      },
    }));
    const res = await send({ model: "resp-cond", input: "hi", metadata: { tier: "gold" } });
    const r = (await res.json()) as Wire;
    expect(res.headers.get("x-portico-provider")).toBe("openai");
    expect(r.metadata).toEqual({ tier: "gold" });
    expect((gw.requestsFor("r-cond-gold").at(-1)!.body as Wire).metadata).toBeUndefined();
    const plain = await send({ model: "resp-cond", input: "hi" });
    expect(plain.headers.get("x-portico-provider")).toBe("mock");
  });

  it("a JSON-schema answer from a provider that honours it (the mock) parses", async () => {
    const schema = { type: "object", properties: { city: { type: "string" }, population: { type: "integer" } }, required: ["city", "population"] };
    const r = (await (await send({ model: "resp-mock", input: "France", text: { format: { type: "json_schema", name: "c", schema } } })).json()) as Wire;
    const doc = JSON.parse(r.output[0].content[0].text);
    expect(typeof doc.city).toBe("string");
    expect(Number.isInteger(doc.population)).toBe(true);
  });

  it("max_output_tokens cut: status incomplete with incomplete_details (non-stream and stream)", async () => {
    const r = (await (await send({ model: "resp-openai", input: USER_MSG, max_output_tokens: 3 })).json()) as Wire;
    expect(r.status).toBe("incomplete");
    expect(r.incomplete_details).toEqual({ reason: "max_output_tokens" });
    const evs = await events(await send({ model: "resp-openai", input: USER_MSG, max_output_tokens: 3, stream: true }));
    expect(evs.at(-1)!.event).toBe("response.incomplete");
    expect(evs.at(-1)!.data.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });
});

describe("store, previous_response_id, GET and DELETE", () => {
  it("previous_response_id continues the conversation: the stored input and output go upstream first", async () => {
    const r1 = (await (await send({ model: "resp-openai", instructions: "Be brief.", input: "My name is Ada." })).json()) as Wire;
    const first = r1.output[0].content[0].text as string;
    // at once, on the same instance: the queued row need not be written yet
    const res2 = await send({ model: "resp-openai", previous_response_id: r1.id, input: "What is my name?" });
    const r2 = (await res2.json()) as Wire;
    expect(res2.status, JSON.stringify(r2)).toBe(200);
    expect(r2.previous_response_id).toBe(r1.id);
    const msgs = (gw.requestsFor("r-openai").at(-1)!.body as Wire).messages;
    // the instructions of a previous response are not carried over (as at OpenAI)
    expect(msgs).toEqual([
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: first },
      { role: "user", content: "What is my name?" },
    ]);
    // a third turn, with the model taken from the stored response and the stream on
    const evs = await events(await send({ previous_response_id: r2.id, input: "And again?", stream: true }));
    expect(evs.at(-1)!.data.response.model).toBe("resp-openai");
    expect((gw.requestsFor("r-openai").at(-1)!.body as Wire).messages).toHaveLength(5);
  });

  it("GET returns the stored response (also from the table, after memory is cleared); DELETE removes it", async () => {
    const r = (await (await send({ model: "resp-openai", input: "Remember me" })).json()) as Wire;
    const got = await get(r.id);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(r);
    const store = await import("@/lib/gateway/responses-store");
    (await store.clearResponseMemory());
    const fromTable = (await (await get(r.id)).json()) as Wire;
    expect(fromTable).toEqual(r);
    const row = (await rawGet("SELECT app_id FROM stored_responses WHERE id = ?", [r.id])) as { app_id: string };
    expect(row.app_id).toBe(gw.harness.appId);
    const del = await get(r.id, await gw.key(), "DELETE");
    expect(await del.json()).toEqual({ id: r.id, object: "response", deleted: true });
    expect((await get(r.id)).status).toBe(404);
    expect((await get(r.id, await gw.key(), "DELETE")).status).toBe(404);
    const cont = await send({ model: "resp-openai", previous_response_id: r.id, input: "x" });
    expect(cont.status).toBe(404);
  });

  it("a streamed answer is stored too; store:false is not", async () => {
    const evs = await events(await send({ model: "resp-anthropic", input: "Streamed and kept", stream: true }));
    const id = evs.at(-1)!.data.response.id as string;
    const got = (await (await get(id)).json()) as Wire;
    expect(got.status).toBe("completed");
    expect(got.output[0].content[0].text).toBe(evs.at(-1)!.data.response.output[0].content[0].text);

    const r = (await (await send({ model: "resp-openai", input: "Forget me", store: false })).json()) as Wire;
    expect(r.store).toBe(false);
    expect((await get(r.id)).status).toBe(404);
    const cont = (await (await send({ model: "resp-openai", previous_response_id: r.id, input: "x" })).json()) as Wire;
    expect(cont.error).toMatchObject({ code: "previous_response_not_found", param: "previous_response_id" });
  });

  it("saving never writes the table on the request path: memory serves it until the queued row is flushed", async () => {
    const store = await import("@/lib/gateway/responses-store");
    const id = "resp_queued" + Date.now();
    store.saveResponse({ id, at: Date.now(), appId: gw.harness.appId, teamId: null, keyId: null, model: "resp-openai", conversation: "[]", response: JSON.stringify({ id }) });
    expect((await rawGet("SELECT count(*) AS n FROM stored_responses WHERE id = ?", [id]))).toEqual({ n: 0 });
    expect((await store.getResponse(id, gw.harness.appId))?.id).toBe(id);
    expect((await store.getResponse(id, "another-app"))).toBeNull();
    (await gw.m.logWriter.logWriter().push({ ...(await import("@/lib/gateway/context")).newRecord(requestId("flush"), "responses", "responses") }));
    (await gw.m.logWriter.logWriter().flush());
    expect((await rawGet("SELECT count(*) AS n FROM stored_responses WHERE id = ?", [id]))).toEqual({ n: 1 });
  });

  it("stored responses are pruned with the raw logs", async () => {
    const { pruneOnce } = await import("@/lib/telemetry/retention");
    const old = Date.now() - 31 * 86_400_000;
    (await rawRun("INSERT INTO stored_responses (id, at, app_id, model, conversation, response) VALUES (?, ?, ?, 'm', '[]', '{}')", ["resp_old", old, gw.harness.appId]));
    const r = await pruneOnce({ rawDays: 30, rollupDays: 400, minuteRollupDays: 7 });
    expect(r.responses).toBeGreaterThanOrEqual(1);
    expect((await rawGet("SELECT count(*) AS n FROM stored_responses WHERE id = 'resp_old'", []))).toEqual({ n: 0 });
  });

  it("a response-cache hit answers a new Response (its own id, stored) without calling the upstream", async () => {
    const svc = await import("@/lib/services/content-policies");
    const r = await gw.routeTo("resp-cached", [{ type: "openai", upstreamModel: "r-cached" }]);
    (await svc.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: r.id, cacheEnabled: true, cacheTtlSeconds: 60 } }));
    const body = { model: "resp-cached", input: "Cache me", temperature: 0 };
    const a = await send(body);
    expect(a.headers.get("x-portico-cache")).toBe("miss");
    const first = (await a.json()) as Wire;
    const b = await send(body);
    expect(b.headers.get("x-portico-cache")).toBe("hit");
    const second = (await b.json()) as Wire;
    expect(gw.requestsFor("r-cached")).toHaveLength(1);
    expect(second.id).not.toBe(first.id);
    expect(second.output[0].content[0].text).toBe(first.output[0].content[0].text);
    expect(((await (await get(second.id)).json()) as Wire).id).toBe(second.id);
  });

  it("a cut stream ends with response.failed, is logged partial, and is not stored", async () => {
    await gw.routeTo("resp-cut", [{ type: "openai", upstreamModel: "r-fault-cut" }]);
    const rid = requestId("cut");
    const evs = await events(await send({ model: "resp-cut", input: USER_MSG, stream: true }, { rid }));
    const last = evs.at(-1)!;
    expect(last.event).toBe("response.failed");
    expect(last.data.response.status).toBe("failed");
    expect(last.data.response.error).toMatchObject({ code: "server_error" });
    expect(last.data.response.error.message).not.toContain("r-fault-cut");
    expect((await gw.logRow(rid)).outcome).toBe("partial");
    expect((await get(last.data.response.id)).status).toBe(404);
  });
});

describe("attacks and refusals", () => {
  it("no key → 401 before any feedback about the body; a bad key on GET → 401", async () => {
    const res = await send({ nonsense: true }, { key: null });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Wire).error.code).toBe("missing_api_key");
    expect((await get("resp_abc", "pk_wrong")).status).toBe(401);
    // a browser's session cookie is no credential on the data plane
    const cookie = await fetch(`${gw.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", cookie: "next-auth.session-token=abc", origin: "https://evil.example" }, body: "{}" });
    expect(cookie.status).toBe(401);
  });

  it("another app's key: its stored responses are 404 to GET, DELETE and previous_response_id", async () => {
    const r = (await (await send({ model: "resp-openai", input: "Tenant A secret" })).json()) as Wire;
    const g = await get(r.id, otherKey);
    expect(g.status).toBe(404);
    const body = (await g.json()) as Wire;
    expect(JSON.stringify(body)).not.toContain("Tenant A secret");
    expect((await get(r.id, otherKey, "DELETE")).status).toBe(404);
    const cont = await send({ model: "resp-openai", previous_response_id: r.id, input: "What was the secret?" }, { key: otherKey });
    expect(cont.status).toBe(404);
    const err = (await cont.json()) as Wire;
    expect(err.error.code).toBe("previous_response_not_found");
    // same answer as an id that never existed
    const none = (await (await send({ model: "resp-openai", previous_response_id: "resp_doesnotexist", input: "x" }, { key: otherKey })).json()) as Wire;
    expect(none.error.message.replace("resp_doesnotexist", r.id)).toBe(err.error.message);
    // and from the table too (memory cleared), while the owner still has it
    (await (await import("@/lib/gateway/responses-store")).clearResponseMemory());
    expect((await get(r.id, otherKey)).status).toBe(404);
    expect((await send({ model: "resp-openai", previous_response_id: r.id, input: "x" }, { key: otherKey })).status).toBe(404);
    expect((await get(r.id)).status).toBe(200);
  });

  it("a deeply nested body → 400 json_too_deep; an oversized one → 413", async () => {
    const deep = await gw.post("/v1/responses", null, { raw: `{"model":"resp-openai","input":${"[".repeat(5000)}${"]".repeat(5000)}}` });
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as Wire).error.code).toBe("json_too_deep");
    const big = await send({ model: "resp-openai", input: "x".repeat(70 * 1024) });
    expect(big.status).toBe(413);
  });

  it.each([
    [{ tools: [{ type: "web_search" }] }, "tools.0.type"],
    [{ tool_choice: { type: "file_search" } }, "tool_choice.type"],
    [{ background: true }, "background"],
    [{ include: ["reasoning.encrypted_content"] }, "include"],
    [{ conversation: "conv_1" }, "conversation"],
    [{ input: [{ type: "reasoning", id: "rs_1", summary: [] }] }, "input.0.type"],
    [{ input: [{ role: "user", content: [{ type: "input_file", file_id: "file-1" }] }] }, "input.0.content.0.file_id"],
    [{ input: [{ type: "web_search_call", id: "ws_1" }] }, "input.0.type"],
    [{ frobnicate: 1 }, ""],
  ])("unsupported %j → 400 naming %s", async (extra, param) => {
    const res = await send({ model: "resp-openai", input: "hi", ...extra });
    const body = (await res.json()) as Wire;
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.type).toBe("invalid_request_error");
    if (param) expect(body.error.param).toBe(param);
    else expect(body.error.message).toMatch(/frobnicate/);
  });

  it("missing model and input; unknown model; GET of unknown and malformed ids; POST on an id → 405", async () => {
    expect(((await (await send({ input: "hi" })).json()) as Wire).error.param).toBe("model");
    expect(((await (await send({ model: "resp-openai" })).json()) as Wire).error.param).toBe("input");
    expect((await send({ model: "nope", input: "hi" })).status).toBe(404);
    expect((await get("resp_nope")).status).toBe(404);
    expect((await get("%zz")).status).toBe(404);
    const post = await gw.post("/v1/responses/resp_x", {});
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, DELETE");
  });
});
