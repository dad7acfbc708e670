/**
 * Refusals on the data plane: size limit, bad JSON, schema errors, unknown
 * models, missing / unknown / revoked / expired keys, unknown paths and wrong
 * methods — each in the caller's API shape (OpenAI or Anthropic) with an
 * x-request-id, and logged where a call was made.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { chatBody, expectOpenAIError, requestId, startGateway, type Gateway, type Wire } from "../support/gateway";

const LIMIT = 4096;
let gw: Gateway;
beforeAll(async () => {
  // BODY_LIMIT is read when the parse stage is imported.
  gw = await startGateway({ PORTICO_MAX_BODY_BYTES: String(LIMIT) });
  await gw.routeTo("err-chat", [{ type: "mock", upstreamModel: "err-mock" }]);
});
afterAll(() => gw?.close());
afterEach(() => {
  vi.useRealTimers();
});

async function openaiError(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("x-request-id")).toBeTruthy();
  const body = (await res.json()) as Wire;
  return expectOpenAIError(body);
}

async function anthropicError(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("x-request-id")).toBeTruthy();
  const body = (await res.json()) as Wire;
  expect(body.type).toBe("error");
  expect(typeof body.error?.type).toBe("string");
  expect(typeof body.error?.message).toBe("string");
  // not the OpenAI envelope
  expect(body.error.code).toBeUndefined();
  return body.error as { type: string; message: string };
}

const anthropicBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 64,
  messages: [{ role: "user", content: "Hello there" }],
  ...extra,
});

describe("parse", () => {
  it("a body over the limit → 413 request_too_large", async () => {
    const big = chatBody("err-chat", { messages: [{ role: "user", content: "x".repeat(LIMIT * 2) }] });
    const rid = requestId("big");
    const res = await gw.post("/v1/chat/completions", big, { headers: { "x-request-id": rid } });
    expect(res.status).toBe(413);
    expect(res.headers.get("x-request-id")).toBe(rid);
    const e = await openaiError(res);
    expect(e.code).toBe("request_too_large");
    expect(e.type).toBe("invalid_request_error");
    const row = await gw.logRow(rid);
    expect(row.status).toBe(413);
    expect(row.outcome).toBe("refused");
  });

  it("a body just under the limit is accepted", async () => {
    const body = chatBody("err-chat", { messages: [{ role: "user", content: "y".repeat(LIMIT - 200) }] });
    expect(JSON.stringify(body).length).toBeLessThan(LIMIT);
    const res = await gw.post("/v1/chat/completions", body);
    expect(res.status).toBe(200);
    await res.text();
  });

  it("invalid JSON → 400 invalid_json", async () => {
    const res = await gw.post("/v1/chat/completions", null, { raw: '{"model": "err-chat", "messages": [' });
    expect(res.status).toBe(400);
    const e = await openaiError(res);
    expect(e.code).toBe("invalid_json");
    expect(e.type).toBe("invalid_request_error");
  });

  it("an empty body → 400 invalid_json", async () => {
    const res = await gw.post("/v1/chat/completions", null, { raw: "" });
    expect(res.status).toBe(400);
    expect((await openaiError(res)).code).toBe("invalid_json");
  });

  it("missing messages → 400 naming the field in param", async () => {
    const res = await gw.post("/v1/chat/completions", { model: "err-chat" });
    expect(res.status).toBe(400);
    const e = await openaiError(res);
    expect(e.param).toBe("messages");
    expect(e.message).toMatch(/messages/);
  });

  it("a bad nested field is named by its path", async () => {
    const res = await gw.post("/v1/chat/completions", chatBody("err-chat", { temperature: 7 }));
    expect(res.status).toBe(400);
    expect((await openaiError(res)).param).toBe("temperature");
  });
});

describe("routing", () => {
  it("unknown model → 404 model_not_found", async () => {
    const rid = requestId("nomodel");
    const res = await gw.post("/v1/chat/completions", chatBody("no-such-model"), { headers: { "x-request-id": rid } });
    expect(res.status).toBe(404);
    const e = await openaiError(res);
    expect(e.code).toBe("model_not_found");
    expect(e.param).toBe("model");
    expect(e.message).toContain("no-such-model");
    expect((await gw.logRow(rid)).status).toBe(404);
  });

  it("an embedding model on chat → 400 model_not_supported; a chat model on embeddings too", async () => {
    const a = await gw.post("/v1/chat/completions", chatBody("mock-embed"));
    expect(a.status).toBe(400);
    expect((await openaiError(a)).code).toBe("model_not_supported");
    const b = await gw.post("/v1/embeddings", { model: "err-chat", input: "hi" });
    expect(b.status).toBe(400);
    expect((await openaiError(b)).code).toBe("model_not_supported");
    const c = await gw.post("/v1/embeddings", { model: "nope-embed", input: "hi" });
    expect(c.status).toBe(404);
    expect((await openaiError(c)).code).toBe("model_not_found");
  });
});

describe("config changes apply without a restart", () => {
  it("disabling a route's only provider → 503 no_targets; re-enabling serves again; a disabled route is unknown", async () => {
    const route = await gw.routeTo("err-toggle", [{ type: "mock", upstreamModel: "toggle-mock", provider: "toggle-prov" }]);
    const provId = (await gw.providerFor("mock", "toggle-prov")).id;
    const call = () => gw.post("/v1/chat/completions", chatBody("err-toggle"));
    let res = await call();
    expect(res.status).toBe(200);
    await res.text();

    (await gw.m.providers.updateProvider({ actor: gw.actor, id: provId, input: { enabled: false } }));
    res = await call();
    expect(res.status).toBe(503);
    expect((await openaiError(res)).code).toBe("no_targets");

    (await gw.m.providers.updateProvider({ actor: gw.actor, id: provId, input: { enabled: true } }));
    res = await call();
    expect(res.status).toBe(200);
    await res.text();

    (await gw.m.routes.updateRoute({ actor: gw.actor, id: route.id, input: { enabled: false } }));
    res = await call();
    expect(res.status).toBe(404);
    expect((await openaiError(res)).code).toBe("model_not_found");
  });
});

describe("authentication", () => {
  it("no key → 401 missing_api_key", async () => {
    const res = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key: null });
    expect(res.status).toBe(401);
    const e = await openaiError(res);
    expect(e.type).toBe("authentication_error");
    expect(e.code).toBe("missing_api_key");
  });

  it("an unknown key → 401 invalid_api_key; /v1/models needs a key too", async () => {
    const res = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key: "pk_doesnotexist000000000000000000" });
    expect(res.status).toBe(401);
    expect((await openaiError(res)).code).toBe("invalid_api_key");
    const m = await fetch(gw.url + "/v1/models");
    expect(m.status).toBe(401);
    await openaiError(m);
  });

  it("a key sent as x-api-key works on /v1/chat/completions", async () => {
    const res = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key: null, headers: { "x-api-key": (await gw.key()) } });
    expect(res.status).toBe(200);
    await res.text();
  });

  it("a revoked key is refused on the next request, without a restart", async () => {
    const { key, id } = await gw.newKey({ name: "to revoke" });
    const ok = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key });
    expect(ok.status).toBe(200);
    await ok.text();
    (await gw.m.keys.revokeKey({ actor: gw.actor, id }));
    const rid = requestId("revoked");
    const res = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key, headers: { "x-request-id": rid } });
    expect(res.status).toBe(401);
    const e = await openaiError(res);
    expect(e.message).toMatch(/revoked/i);
    expect(e.code).toBe("key_revoked");
    const row = await gw.logRow(rid);
    expect(row.status).toBe(401);
    expect(row.outcome).toBe("refused");
    expect(row.errorCode).toBe("key_revoked");
    // other keys are unaffected
    const other = await gw.post("/v1/chat/completions", chatBody("err-chat"));
    expect(other.status).toBe(200);
    await other.text();
  });

  it("an expired key is refused", async () => {
    const { key } = await gw.newKey({ name: "expiring", expiresInDays: 1 });
    const ok = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key });
    expect(ok.status).toBe(200);
    await ok.text();
    // The gateway runs in this process: move its clock two days on (timers stay real).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 86_400_000);
    const res = await gw.post("/v1/chat/completions", chatBody("err-chat"), { key });
    expect(res.status).toBe(401);
    const e = await openaiError(res);
    expect(e.message).toMatch(/expired/i);
    expect(e.code).toBe("key_expired");
  });
});

describe("/v1/messages errors are in Anthropic shape", () => {
  it("no key → 401 authentication_error", async () => {
    const res = await gw.post("/v1/messages", anthropicBody("err-chat"), { key: null });
    expect(res.status).toBe(401);
    expect((await anthropicError(res)).type).toBe("authentication_error");
  });

  it("invalid JSON → 400 invalid_request_error", async () => {
    const res = await gw.post("/v1/messages", null, { raw: "{nope" });
    expect(res.status).toBe(400);
    expect((await anthropicError(res)).type).toBe("invalid_request_error");
  });

  it("missing max_tokens → 400 naming it", async () => {
    const res = await gw.post("/v1/messages", { model: "err-chat", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(400);
    const e = await anthropicError(res);
    expect(e.type).toBe("invalid_request_error");
    expect(e.message).toMatch(/max_tokens/);
  });

  it("unknown model → 404 not_found_error", async () => {
    const res = await gw.post("/v1/messages", anthropicBody("no-such-model"));
    expect(res.status).toBe(404);
    expect((await anthropicError(res)).type).toBe("not_found_error");
  });

  it("a body over the limit → 413 request_too_large", async () => {
    const res = await gw.post("/v1/messages", anthropicBody("err-chat", { messages: [{ role: "user", content: "z".repeat(LIMIT * 2) }] }));
    expect(res.status).toBe(413);
    expect((await anthropicError(res)).type).toBe("request_too_large");
  });

  it("GET /v1/messages → 405 in Anthropic shape", async () => {
    const res = await fetch(gw.url + "/v1/messages");
    expect(res.status).toBe(405);
    await anthropicError(res);
  });
});

describe("paths and methods", () => {
  it("an unknown /v1 path → 404 unknown_url", async () => {
    const res = await gw.post("/v1/completions", { model: "err-chat", prompt: "hi" });
    expect(res.status).toBe(404);
    const e = await openaiError(res);
    expect(e.code).toBe("unknown_url");
  });

  it("GET on /v1/chat/completions → 405 with Allow: POST", async () => {
    const res = await fetch(gw.url + "/v1/chat/completions", { headers: { authorization: `Bearer ${(await gw.key())}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    const e = await openaiError(res);
    expect(e.code).toBe("method_not_allowed");
  });

  it("a trailing slash is tolerated", async () => {
    const res = await gw.post("/v1/chat/completions/", chatBody("err-chat"));
    expect(res.status).toBe(200);
    await res.text();
  });
});
