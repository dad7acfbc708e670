import { createVerify, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ProviderTarget, SseEvent } from "../types";
import { vertexAdapter } from "./index";
import { parseServiceAccount, parseTokenResponse, signAssertion, tokenRequestBody } from "./service-account";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const sa = {
  type: "service_account",
  project_id: "sa-project",
  private_key_id: "abc123def456",
  private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  client_email: "portico@sa-project.iam.gserviceaccount.com",
  token_uri: "http://127.0.0.1:9/token",
};
const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  baseUrl: "",
  apiKey: JSON.stringify(sa),
  upstreamModel: "gemini-2.5-flash",
  options: { location: "europe-west4", project: "my-proj" },
  ...over,
});
const msgs = [{ role: "user" as const, content: "hi" }];

describe("vertex service account", () => {
  it("signs an RS256 JWT-bearer assertion for the key file's token_uri", () => {
    const parsed = parseServiceAccount(JSON.stringify(sa));
    if (typeof parsed === "string") throw new Error(parsed);
    const jwt = signAssertion(parsed, "https://www.googleapis.com/auth/cloud-platform", 1_700_000_000);
    const [h, c, s] = jwt.split(".");
    expect(JSON.parse(Buffer.from(h!, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT", kid: "abc123def456" });
    expect(JSON.parse(Buffer.from(c!, "base64url").toString())).toEqual({
      iss: sa.client_email,
      scope: "https://www.googleapis.com/auth/cloud-platform",
      aud: "http://127.0.0.1:9/token",
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
    expect(createVerify("RSA-SHA256").update(`${h}.${c}`).verify(publicKey, Buffer.from(s!, "base64url"))).toBe(true);
    expect(tokenRequestBody("a.b.c")).toBe("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c");
  });

  it("refuses what is not a service-account key file", () => {
    expect(parseServiceAccount("AIzaSy-not-json")).toMatch(/not a JSON object/);
    expect(parseServiceAccount(JSON.stringify({ ...sa, type: "authorized_user" }))).toMatch(/authorized_user/);
    expect(parseServiceAccount(JSON.stringify({ ...sa, private_key: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n" }))).toMatch(/cannot be read/);
    expect(parseServiceAccount(JSON.stringify({ ...sa, token_uri: "file:///etc/passwd" }))).toMatch(/http\(s\)/);
    expect(parseTokenResponse({ access_token: "ya29.x", expires_in: 3599, token_type: "Bearer" })).toEqual({ accessToken: "ya29.x", expiresInSec: 3599 });
    expect(parseTokenResponse({ error: "invalid_grant" })).toBeNull();
  });
});

describe("vertex requests", () => {
  it("sends Gemini models to the google publisher with the Gemini body", () => {
    const up = vertexAdapter.chatRequest({ model: "a", messages: msgs }, target());
    expect(up.url).toBe("https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent");
    expect(JSON.parse(up.body!)).toMatchObject({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
    expect(up.auth).toEqual({ kind: "google-service-account", credential: JSON.stringify(sa), scope: "https://www.googleapis.com/auth/cloud-platform" });
    const s = vertexAdapter.chatRequest({ model: "a", stream: true, messages: msgs }, target({ options: { location: "global" } }));
    expect(s.url).toBe("https://aiplatform.googleapis.com/v1/projects/sa-project/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  });

  it("sends Claude to rawPredict with the model in the URL and anthropic_version in the body", () => {
    const up = vertexAdapter.chatRequest({ model: "a", messages: msgs, max_tokens: 20 }, target({ upstreamModel: "claude-sonnet-4-5@20250929", baseUrl: "http://fake:1/" }));
    expect(up.url).toBe("http://fake:1/v1/projects/my-proj/locations/europe-west4/publishers/anthropic/models/claude-sonnet-4-5%4020250929:rawPredict");
    const body = JSON.parse(up.body!);
    expect(body.model).toBeUndefined();
    expect(body).toMatchObject({ anthropic_version: "vertex-2023-10-16", max_tokens: 20, messages: [{ role: "user" }] });
    const s = vertexAdapter.chatRequest({ model: "a", stream: true, messages: msgs }, target({ upstreamModel: "claude-haiku-4-5" }));
    expect(s.url).toMatch(/publishers\/anthropic\/models\/claude-haiku-4-5:streamRawPredict$/);
    expect(JSON.parse(s.body!).stream).toBe(true);
  });

  it("embeds through :predict and reads token counts from the statistics", () => {
    const up = vertexAdapter.embeddingsRequest!({ model: "e", input: ["a", "b"], dimensions: 8 }, target({ upstreamModel: "text-embedding-005" }));
    expect(up.url).toMatch(/publishers\/google\/models\/text-embedding-005:predict$/);
    expect(JSON.parse(up.body!)).toEqual({ instances: [{ content: "a" }, { content: "b" }], parameters: { outputDimensionality: 8 } });
    const r = vertexAdapter.embeddingsResponse!(
      { predictions: [{ embeddings: { values: [0.1], statistics: { token_count: 2, truncated: false } } }, { embeddings: { values: [0.2], statistics: { token_count: 3 } } }] },
      { model: "e", id: "", created: 1, embeddingsRequest: { model: "e", input: ["a", "b"] } },
    );
    expect(r.data.map((d) => d.embedding)).toEqual([[0.1], [0.2]]);
    expect(r.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
  });
});

describe("vertex answers", () => {
  const ctx = { model: "alias", id: "chatcmpl-1", created: 1 };
  it("tells Claude and Gemini answers apart by shape", () => {
    const claude = vertexAdapter.chatResponse({ id: "msg_1", type: "message", role: "assistant", content: [{ type: "text", text: "hey" }], stop_reason: "end_turn", usage: { input_tokens: 3, output_tokens: 1 } }, ctx);
    expect(claude.choices[0]!.message.content).toBe("hey");
    expect(claude.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1 });
    const gemini = vertexAdapter.chatResponse({ candidates: [{ content: { role: "model", parts: [{ text: "yo" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 } }, ctx);
    expect(gemini.choices[0]!.message.content).toBe("yo");
    expect(gemini.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 1 });
  });

  it("streams Claude's named events and Gemini's unnamed ones", () => {
    const claude = vertexAdapter.chatStream(ctx);
    const evs: SseEvent[] = [
      { event: "message_start", data: JSON.stringify({ type: "message_start", message: { id: "msg_1", usage: { input_tokens: 4, output_tokens: 0 } } }) },
      { event: "content_block_start", data: JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) },
      { event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }) },
      { event: "message_delta", data: JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } }) },
      { event: "message_stop", data: JSON.stringify({ type: "message_stop" }) },
    ];
    const text = evs.flatMap((e) => claude.push(e)).map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Hi");
    expect(claude.done).toBe(true);
    const gemini = vertexAdapter.chatStream(ctx);
    gemini.push({ data: JSON.stringify({ candidates: [{ content: { parts: [{ text: "Yo" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 } }) });
    expect(gemini.done).toBe(true);
    expect(gemini.usage()).toMatchObject({ total_tokens: 2 });
  });

  it("maps Google-shaped auth and quota errors even for Claude, and Claude's own errors", () => {
    expect(vertexAdapter.error(401, JSON.stringify({ error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } }), "application/json")).toMatchObject({ status: 401, type: "authentication_error" });
    expect(vertexAdapter.error(429, JSON.stringify({ error: { code: 429, message: "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model", status: "RESOURCE_EXHAUSTED" } }), "application/json")).toMatchObject({ status: 429, type: "rate_limit_error" });
    expect(vertexAdapter.error(400, JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } }), "application/json")).toMatchObject({ status: 400, type: "invalid_request_error", message: "max_tokens: Field required" });
  });
});
