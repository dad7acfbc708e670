/**
 * What a hostile or careless caller sends before anything reaches an upstream: bodies nested too
 * deep (400 in the caller's shape, never an upstream failure: the circuit breaker stays closed
 * for every tenant), requests without a key (401 before any schema feedback), a chunked body that
 * never stops (413 and the connection closed without reading the rest), a malformed path escape.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import net from "node:net";
import { chatBody, expectOpenAIError, requestId, startGateway, type Gateway, type Wire } from "../support/gateway";

const LIMIT = 1024 * 1024;
let gw: Gateway;
let P: typeof import("@/lib/services/prompts");

beforeAll(async () => {
  gw = await startGateway({ PORTICO_MAX_BODY_BYTES: String(LIMIT), PORTICO_BREAKER_THRESHOLD: "3", PORTICO_BREAKER_COOLDOWN_MS: "60000" });
  P = await import("@/lib/services/prompts");
  await gw.routeTo("hi-chat", [{ type: "openai", upstreamModel: "hi-chat-up" }]);
  await gw.routeTo("hi-chat64", [{ type: "openai", upstreamModel: "hi-chat64-up" }]);
  await gw.routeTo("hi-emb", [{ type: "openai", upstreamModel: "hi-emb-up", kind: "embedding" }]);
  await gw.routeTo("hi-emb2", [{ type: "openai", upstreamModel: "hi-emb2-up", kind: "embedding" }]);
  const a = (await gw.m.apis.createApi({ actor: gw.actor, input: { slug: "hi-prompt", name: "hi-prompt", teamId: gw.harness.teamId, kind: "prompt", approvalMode: "auto", reasonRequired: false, description: "x" } }));
  (await gw.m.apis.setApiState({ actor: gw.actor, id: a.id, input: { state: "published" } }));
  (await P.savePromptDraft({
    actor: gw.actor,
    apiId: a.id,
    input: { routeAlias: "hi-chat", params: {}, userTemplate: "Say {{word}}", variables: [{ name: "word", type: "string", required: true }], outputMode: "text", streaming: false },
  }));
  (await P.publishPrompt({ actor: gw.actor, apiId: a.id, input: { note: "v1" } }));
  (await gw.m.subscriptions.requestSubscription({ actor: gw.actor, input: { appId: gw.harness.appId, apiId: a.id } }));
});
afterAll(() => gw?.close());
afterEach(() => vi.restoreAllMocks());

const DEEP = 100_000;
const deepArray = "[".repeat(DEEP) + "]".repeat(DEEP);

async function breakerOf(upstreamModel: string) {
  const modelId = await gw.modelFor({ type: "openai", upstreamModel, kind: upstreamModel.includes("emb") ? "embedding" : "chat" });
  return gw.m.breaker.breakerStates().find((b) => b.modelId === modelId);
}

describe("JSON nested deeper than 64 levels", () => {
  it("/v1/embeddings: 400 json_too_deep; three of them leave the breaker closed and another key's call succeeds", async () => {
    const attacker = await gw.newKey({ name: "deep attacker" });
    for (let i = 0; i < 3; i++) {
      const res = await gw.post("/v1/embeddings", null, { key: attacker.key, raw: `{"model":"hi-emb","input":${deepArray}}` });
      expect(res.status).toBe(400);
      expect(res.headers.get("x-request-id")).toBeTruthy();
      const e = expectOpenAIError(await res.json());
      expect(e.code).toBe("json_too_deep");
      expect(e.type).toBe("invalid_request_error");
    }
    expect(gw.requestsFor("hi-emb-up")).toHaveLength(0);
    expect((await breakerOf("hi-emb-up"))?.failures ?? 0).toBe(0);
    const other = await gw.newKey({ name: "innocent" });
    const ok = await gw.post("/v1/embeddings", { model: "hi-emb", input: "hello" }, { key: other.key });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Wire).data[0].embedding.length).toBeGreaterThan(0);
  });

  it("64 levels are fine; 65 are refused", async () => {
    const at = (n: number) => `{"model":"hi-chat64","messages":[{"role":"user","content":"hi"}],"metadata":{"x":${"[".repeat(n - 2)}${"]".repeat(n - 2)}}}`;
    const ok = await gw.post("/v1/chat/completions", null, { raw: at(64) });
    // depth 64 passes the bound (it may still fail the schema, never with json_too_deep)
    if (ok.status !== 200) expect(expectOpenAIError(await ok.json()).code).not.toBe("json_too_deep");
    else await ok.text();
    const bad = await gw.post("/v1/chat/completions", null, { raw: at(65) });
    expect(bad.status).toBe(400);
    expect(expectOpenAIError(await bad.json()).code).toBe("json_too_deep");
  });

  it("/v1/chat/completions, /v1/messages (Anthropic shape) and prompt APIs: 400, never 500", async () => {
    const chat = await gw.post("/v1/chat/completions", null, { raw: `{"model":"hi-chat","messages":${deepArray}}` });
    expect(chat.status).toBe(400);
    expect(expectOpenAIError(await chat.json()).code).toBe("json_too_deep");

    const msg = await gw.post("/v1/messages", null, { raw: `{"model":"hi-chat","max_tokens":5,"messages":${deepArray}}` });
    expect(msg.status).toBe(400);
    const body = (await msg.json()) as Wire;
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/deeper than 64/);

    const prompt = await gw.post("/v1/apis/hi-prompt", null, { raw: `{"word":${deepArray}}` });
    expect(prompt.status).toBe(400);
    expect(expectOpenAIError(await prompt.json()).code).toBe("json_too_deep");
    expect(gw.requestsFor("hi-chat-up")).toHaveLength(0);
  });

  it("an exception while building the upstream request is Portico's, not the target's: the breaker stays closed", async () => {
    const { openaiAdapter } = await import("@/lib/providers/openai");
    const spy = vi.spyOn(openaiAdapter, "embeddingsRequest").mockImplementation(() => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    for (let i = 0; i < 4; i++) {
      const rid = requestId("build");
      const res = await gw.post("/v1/embeddings", { model: "hi-emb2", input: "x" }, { headers: { "x-request-id": rid } });
      expect(res.status).toBe(500);
      expect(expectOpenAIError(await res.json()).code).toBe("internal_error");
    }
    expect((await breakerOf("hi-emb2-up"))?.state ?? "closed").toBe("closed");
    expect((await breakerOf("hi-emb2-up"))?.failures ?? 0).toBe(0);
    spy.mockRestore();
    const ok = await gw.post("/v1/embeddings", { model: "hi-emb2", input: "x" }, { key: (await gw.newKey()).key });
    expect(ok.status).toBe(200);
    await ok.text();
  });
});

describe("only the upstream's own failures count toward the breaker", () => {
  it("an upstream 403 (e.g. a feature the caller asked for) falls over but never opens the circuit", async () => {
    await gw.routeTo("hi-403", [{ type: "openai", upstreamModel: "hi-403-fault-403" }], "single", { attemptsPerTarget: 1 });
    for (let i = 0; i < 4; i++) {
      const res = await gw.post("/v1/chat/completions", chatBody("hi-403"));
      expect(res.status).toBe(502);
      await res.text();
    }
    expect(gw.requestsFor("hi-403-fault-403")).toHaveLength(4);
    expect((await breakerOf("hi-403-fault-403"))?.state ?? "closed").toBe("closed");
  });

  it("upstream 5xx still open it (threshold 3)", async () => {
    await gw.routeTo("hi-503", [{ type: "openai", upstreamModel: "hi-503-fault-503" }], "single", { attemptsPerTarget: 1 });
    for (let i = 0; i < 4; i++) await (await gw.post("/v1/chat/completions", chatBody("hi-503"))).text();
    expect(gw.requestsFor("hi-503-fault-503")).toHaveLength(3);
    expect((await breakerOf("hi-503-fault-503"))?.state).toBe("open");
  });
});

describe("authenticate before validating", () => {
  const cases: [string, string, boolean][] = [
    ["/v1/chat/completions", '{"model":"hi-chat","messages":"not an array"}', false],
    ["/v1/chat/completions", "{not json", false],
    ["/v1/embeddings", '{"input":42}', false],
    ["/v1/messages", '{"model":"hi-chat","messages":[]}', true],
    ["/v1/apis/hi-prompt", '{"word":42}', false],
  ];
  it.each(cases)("%s with no key and a bad body (%s) → 401, no schema feedback", async (path, raw, anthropic) => {
    const res = await gw.post(path, null, { key: null, raw });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Wire;
    if (anthropic) expect(body.error.type).toBe("authentication_error");
    else expect(expectOpenAIError(body).type).toBe("authentication_error");
    expect(JSON.stringify(body)).not.toMatch(/messages|input|word|JSON/);
  });

  it("an invalid key with a bad body is 401 as well; a valid key gets the schema feedback", async () => {
    const bad = await gw.post("/v1/chat/completions", null, { key: "pk_wrong", raw: '{"model":"hi-chat"}' });
    expect(bad.status).toBe(401);
    await bad.text();
    const good = await gw.post("/v1/chat/completions", null, { raw: '{"model":"hi-chat"}' });
    expect(good.status).toBe(400);
    expect(expectOpenAIError(await good.json()).param).toBe("messages");
  });
});

describe("a chunked body that crosses the limit", () => {
  it("is answered 413 with Connection: close as soon as it crosses, without reading the rest", async () => {
    const u = new URL(gw.url);
    const sock = net.connect(Number(u.port), u.hostname);
    await new Promise<void>((r) => sock.once("connect", () => r()));
    let response = "";
    let closed = false;
    let wake: () => void = () => undefined;
    sock.on("data", (d: Buffer) => {
      response += d.toString("latin1");
      wake();
    });
    sock.on("close", () => {
      closed = true;
      wake();
    });
    sock.on("error", () => undefined);
    sock.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${(await gw.key())}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]);
    const CAP = 256 * 1024 * 1024; // an upload that "never" ends
    let sent = 0;
    while (!response.includes("\r\n\r\n") && !closed && sent < CAP) {
      sent += piece.length;
      if (!sock.write(frame)) {
        // The server stopped reading: wait for drain, the answer or the close, whichever comes first.
        await new Promise<void>((r) => {
          wake = r;
          sock.once("drain", r);
        });
        sock.removeAllListeners("drain");
      }
    }
    const deadline = Date.now() + 10_000;
    while (!closed && Date.now() < deadline) await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain("connection: close");
    expect(response.toLowerCase()).toContain("x-request-id:");
    expect(response).toContain("request_too_large");
    // Answered long before the upload ended (the server buffers at most the limit plus socket buffers).
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(closed).toBe(true);
    sock.destroy();
  });
});

describe("paths", () => {
  it("GET /v1/models/% → 400 with a request id, not 500", async () => {
    for (const p of ["/v1/models/%", "/v1/models/%zz", "/v1/models/a%E0%A4%A"]) {
      const res = await fetch(gw.url + p, { headers: { authorization: `Bearer ${(await gw.key())}` } });
      expect(res.status, p).toBe(400);
      expect(res.headers.get("x-request-id")).toBeTruthy();
      const e = expectOpenAIError(await res.json());
      expect(e.code).toBe("invalid_path");
    }
    const ok = await fetch(gw.url + "/v1/models/hi%2Dchat", { headers: { authorization: `Bearer ${(await gw.key())}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Wire).id).toBe("hi-chat");
  });

  it("a bad body is still 400 for a caller with a key (unchanged)", async () => {
    const res = await gw.post("/v1/chat/completions", chatBody("hi-chat", { temperature: 9 }));
    expect(res.status).toBe(400);
    expect(expectOpenAIError(await res.json()).param).toBe("temperature");
  });
});
