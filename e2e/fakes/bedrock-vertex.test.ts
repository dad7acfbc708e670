/**
 * The Bedrock and Vertex AI fakes: SigV4 checked for real, the binary event stream (decoded
 * with Portico's decoder), exception frames and error shapes; the Vertex token endpoint
 * verifying the JWT, token-gated model calls, Claude's rawPredict rules.
 */

import { AwsV4Signer } from "aws4fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEventStreamDecoder } from "../../lib/providers/bedrock/eventstream";
import { parseServiceAccount, signAssertion, tokenRequestBody } from "../../lib/providers/vertex/service-account";
import { FAKE_AWS_KEYS, fakeServiceAccount, foreignServiceAccount, startFakeUpstream, type FakeUpstream } from "./index";
import { QUESTION } from "./testkit";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const converse = (extra: Record<string, unknown> = {}) => ({
  system: [{ text: "You are terse." }],
  messages: [{ role: "user", content: [{ text: QUESTION }] }],
  inferenceConfig: { maxTokens: 256 },
  ...extra,
});

async function signed(path: string, body: unknown, secret = FAKE_AWS_KEYS.secretAccessKey): Promise<Response> {
  const s = await new AwsV4Signer({
    url: fake.url + path,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    accessKeyId: FAKE_AWS_KEYS.accessKeyId,
    secretAccessKey: secret,
    service: "bedrock",
    region: "us-east-1",
  }).sign();
  return fetch(s.url, { method: "POST", headers: s.headers, body: s.body as string });
}

const modelPath = (model: string, action: string) => `/model/${encodeURIComponent(model)}/${action}`;

describe("bedrock fake", () => {
  it("answers a signed Converse call with the model id as one encoded segment", async () => {
    const res = await signed(modelPath(MODEL, "converse"), converse());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.output.message.content[0].text).toContain(`Fake bedrock reply from ${MODEL}`);
    expect(body).toMatchObject({ stopReason: "end_turn", usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
    expect(fake.requests[0]!.model).toBe(MODEL);
  });

  it("refuses a wrong signature, an unknown key and a missing one with AWS's 403s", async () => {
    const bad = await signed(modelPath(MODEL, "converse"), converse(), "wrong-secret");
    expect(bad.status).toBe(403);
    expect(bad.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/);
    const none = await fetch(fake.url + modelPath(MODEL, "converse"), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(none.status).toBe(403);
    expect(none.headers.get("x-amzn-errortype")).toMatch(/^MissingAuthenticationTokenException/);
    const key = await fetch(fake.url + modelPath(MODEL, "converse"), { method: "POST", headers: { authorization: "Bearer ABSKfake", "content-type": "application/json" }, body: JSON.stringify(converse()) });
    expect(key.status).toBe(200);
  });

  it("enforces Converse's request rules", async () => {
    const res = await signed(modelPath(MODEL, "converse"), converse({ messages: [{ role: "assistant", content: [{ text: "hi" }] }] }));
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toMatch(/^ValidationException/);
    expect((await res.json()).message).toMatch(/must start with a user message|alternate/);
    const blank = await signed(modelPath(MODEL, "converse"), converse({ messages: [{ role: "user", content: [{ text: " " }] }] }));
    expect((await blank.json()).message).toMatch(/blank/);
  });

  it("streams binary event-stream frames: deltas, messageStop, then metadata with usage", async () => {
    const res = await signed(modelPath(MODEL, "converse-stream"), converse());
    expect(res.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const events = createEventStreamDecoder().feed(new Uint8Array(await res.arrayBuffer()));
    const types = events.map((e) => e.event);
    expect(types[0]).toBe("messageStart");
    expect(types.slice(-3)).toEqual(["contentBlockStop", "messageStop", "metadata"]);
    expect(types).not.toContain("contentBlockStart");
    expect(JSON.parse(events.at(-1)!.data).usage.totalTokens).toBeGreaterThan(0);
  });

  it("streams tool calls with contentBlockStart and sends an exception frame mid-stream on fault", async () => {
    const tools = { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } }], toolChoice: { any: {} } };
    const res = await signed(modelPath("m", "converse-stream"), converse({ toolConfig: tools }));
    const events = createEventStreamDecoder().feed(new Uint8Array(await res.arrayBuffer()));
    expect(events.find((e) => e.event === "contentBlockStart")!.data).toContain("get_weather");
    const broken = await signed(modelPath("m-fault-midstream-error", "converse-stream"), converse());
    const evs = createEventStreamDecoder().feed(new Uint8Array(await broken.arrayBuffer()));
    expect(evs.at(-1)).toMatchObject({ event: "exception", id: "modelStreamErrorException" });
  });

  it("throttles without Retry-After, and embeds with Titan and Cohere", async () => {
    const t = await signed(modelPath("m-fault-429", "converse"), converse());
    expect(t.status).toBe(429);
    expect(t.headers.get("retry-after")).toBeNull();
    expect(t.headers.get("x-amzn-errortype")).toMatch(/^ThrottlingException/);
    const titan = await (await signed(modelPath("amazon.titan-embed-text-v2:0", "invoke"), { inputText: "hello" })).json();
    expect(titan.embedding.length).toBeGreaterThan(0);
    expect(titan.inputTextTokenCount).toBe(2);
    const cohere = await (await signed(modelPath("cohere.embed-english-v3", "invoke"), { texts: ["a", "b"], input_type: "search_document", embedding_types: ["float"] })).json();
    expect(cohere.embeddings.float).toHaveLength(2);
  });
});

describe("vertex fake", () => {
  const tokenFor = async (credential: string) => {
    const sa = parseServiceAccount(credential);
    if (typeof sa === "string") throw new Error(sa);
    return fetch(sa.tokenUri, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: tokenRequestBody(signAssertion(sa, "https://www.googleapis.com/auth/cloud-platform", Math.floor(Date.now() / 1000))) });
  };
  const base = "/v1/projects/fake-project/locations/us-central1/publishers";

  it("issues a token for a correctly signed JWT and refuses a key it does not know", async () => {
    const ok = await tokenFor(fakeServiceAccount(fake.url));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3600, token_type: "Bearer" });
    const bad = await tokenFor(foreignServiceAccount(fake.url));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "invalid_grant", error_description: "Invalid JWT Signature." });
    expect(fake.vertex.tokenRequests).toBe(2);
  });

  it("serves Gemini and Claude with a valid token only, errors in Google's shape", async () => {
    const none = await fetch(`${fake.url}${base}/google/models/gemini-2.5-flash:generateContent`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect((await none.json()).error.status).toBe("UNAUTHENTICATED");
    const { access_token } = await (await tokenFor(fakeServiceAccount(fake.url))).json();
    const headers = { authorization: `Bearer ${access_token}`, "content-type": "application/json" };
    const g = await fetch(`${fake.url}${base}/google/models/gemini-2.5-flash:generateContent`, { method: "POST", headers, body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }) });
    expect((await g.json()).candidates[0].content.parts[0].text).toContain("Fake gemini reply");
    const claudeBody = { anthropic_version: "vertex-2023-10-16", max_tokens: 50, messages: [{ role: "user", content: "hi" }] };
    const c = await fetch(`${fake.url}${base}/anthropic/models/claude-sonnet-4-5:rawPredict`, { method: "POST", headers, body: JSON.stringify(claudeBody) });
    expect((await c.json()).content[0].text).toContain("Fake anthropic reply");
    const withModel = await fetch(`${fake.url}${base}/anthropic/models/claude-sonnet-4-5:rawPredict`, { method: "POST", headers, body: JSON.stringify({ ...claudeBody, model: "x" }) });
    expect(withModel.status).toBe(400);
    const quota = await fetch(`${fake.url}${base}/anthropic/models/claude-fault-429:rawPredict`, { method: "POST", headers, body: JSON.stringify(claudeBody) });
    expect((await quota.json()).error.status).toBe("RESOURCE_EXHAUSTED");
  });
});
