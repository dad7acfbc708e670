/**
 * AWS Bedrock Runtime wire format: POST /model/{modelId}/converse | converse-stream | invoke.
 *
 * Shapes follow the Bedrock API reference (Converse, ConverseStream, InvokeModel for
 * amazon.titan-embed-* and cohere.embed-*):
 * - the model id is one URL-encoded path segment (`…-v1%3A0`);
 * - auth is SigV4 (service `bedrock`, verified here with an implementation of our own, so a
 *   signing mistake in Portico shows up as the 403 InvalidSignatureException AWS would send)
 *   or a Bedrock API key as `Authorization: Bearer ABSK…`;
 * - ConverseStream answers `application/vnd.amazon.eventstream` binary frames: messageStart,
 *   contentBlockDelta (text blocks have no contentBlockStart, tool blocks do), contentBlockStop,
 *   messageStop, then `metadata` with the usage; a failure mid-stream is an exception frame;
 * - errors are `{"message": …}` with the type in `x-amzn-ErrorType`; throttling (429) has no
 *   Retry-After.
 */

import { createHash, createHmac } from "node:crypto";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { embed, nextSeq, textOf, type Answer, type Conversation, type ToolSpec } from "./conversation";
import { eventFrame, exceptionFrame } from "./eventstream";
import type { Prepared, StreamPlan } from "./stream";

/** The access keys the fake knows (any other key id → UnrecognizedClientException). */
export const FAKE_AWS_KEYS = { accessKeyId: "AKIAFAKEPORTICO00001", secretAccessKey: "fake/secret+key/for+tests" };

export interface BedrockCall {
  model: string;
  answer: Answer;
}

const JSON_HEADERS: OutgoingHttpHeaders = { "content-type": "application/json" };

// ---------- auth ----------

const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s, "utf8").digest();
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * SigV4 check as AWS does it for non-S3 services: the canonical URI is the path *as sent*,
 * each segment URI-encoded once more. Returns null when the signature matches, else the
 * error AWS would answer.
 */
export function checkSigV4(method: string, rawPath: string, query: string, headers: IncomingHttpHeaders, body: Buffer | null): Prepared | null {
  const auth = typeof headers.authorization === "string" ? headers.authorization : "";
  if (!auth) return bedrockError(403, "Missing Authentication Token", "MissingAuthenticationTokenException");
  if (auth.startsWith("Bearer ")) {
    return auth.slice(7).startsWith("ABSK") ? null : bedrockError(403, "Invalid API Key format: Must start with pre-defined prefix", "UnrecognizedClientException");
  }
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return bedrockError(403, "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.", "IncompleteSignatureException");
  const [, keyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== FAKE_AWS_KEYS.accessKeyId) return bedrockError(403, "The security token included in the request is invalid.", "UnrecognizedClientException");
  if (service !== "bedrock") return bedrockError(403, `Credential should be scoped to correct service: 'bedrock'.`, "InvalidSignatureException");
  const amzDate = typeof headers["x-amz-date"] === "string" ? headers["x-amz-date"] : "";
  if (!amzDate.startsWith(date!)) return bedrockError(403, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP", "InvalidSignatureException");
  const names = signedHeaders!.split(";");
  if (!names.includes("host")) return bedrockError(403, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", "InvalidSignatureException");
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalUri = rawPath.split("/").map(rfc3986).join("/");
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((p) => p.split("=").map((x) => rfc3986(decodeURIComponent(x))).join("="))
    .sort()
    .join("&");
  const canonical = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, sha256(body ?? "")].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${FAKE_AWS_KEYS.secretAccessKey}`, date!), region!), service!), "aws4_request");
  if (hmac(key, toSign).toString("hex") !== signature) {
    return bedrockError(403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", "InvalidSignatureException");
  }
  return null;
}

// ---------- request ----------

interface Block {
  text?: unknown;
  toolResult?: { content?: unknown };
}

export function bedrockConversation(body: Record<string, unknown>): Conversation {
  let promptChars = textOf(body.system).length;
  let lastUser = "";
  for (const m of (Array.isArray(body.messages) ? body.messages : []) as { role?: unknown; content?: Block[] }[]) {
    let text = textOf(m?.content);
    for (const b of Array.isArray(m?.content) ? m.content : []) if (b?.toolResult) text += textOf(b.toolResult.content);
    promptChars += text.length;
    if (m?.role === "user") lastUser = text;
  }
  const cfg = body.toolConfig as { tools?: { toolSpec?: { name?: unknown; inputSchema?: { json?: unknown } } }[]; toolChoice?: Record<string, { name?: unknown }> } | undefined;
  const tools: ToolSpec[] = [];
  for (const t of cfg?.tools ?? []) if (typeof t?.toolSpec?.name === "string") tools.push({ name: t.toolSpec.name, parameters: t.toolSpec.inputSchema?.json });
  const choice = cfg?.toolChoice;
  const forced = choice?.any ? "*" : typeof choice?.tool?.name === "string" ? choice.tool.name : null;
  const max = (body.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens;
  return { promptChars, lastUser, tools, forced, maxTokens: typeof max === "number" ? max : null };
}

/** The ValidationExceptions Converse raises for the rules Portico must respect. */
export function bedrockInvalid(body: Record<string, unknown>): string | null {
  if ("model" in body) return "Malformed input request: extraneous key [model] is not permitted, please reformat your input and try again.";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  if (body.system !== undefined && (!Array.isArray(body.system) || body.system.some((s: { text?: unknown }) => typeof s?.text !== "string"))) {
    return "1 validation error detected: Value at 'system' failed to satisfy constraint: Member must be a list of SystemContentBlock";
  }
  let expect = "user";
  let toolBlocks = false;
  for (const m of body.messages as { role?: unknown; content?: unknown }[]) {
    if (m?.role !== expect) return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
    expect = expect === "user" ? "assistant" : "user";
    if (!Array.isArray(m.content) || m.content.length === 0) return "The content field in the Message object is empty. Add a ContentBlock object to the content field and try again.";
    for (const b of m.content as Record<string, unknown>[]) {
      if ("text" in b && (typeof b.text !== "string" || b.text.trim() === "")) return "The text field in the ContentBlock object is blank. Add text to the text field, and try again.";
      if ("toolUse" in b || "toolResult" in b) toolBlocks = true;
    }
  }
  if (toolBlocks && !body.toolConfig) return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  return null;
}

// ---------- answers ----------

function stopReason(a: Answer): string {
  return a.toolCalls ? "tool_use" : a.truncated ? "max_tokens" : "end_turn";
}

function usage(a: Answer) {
  return { inputTokens: a.promptTokens, outputTokens: a.completionTokens, totalTokens: a.promptTokens + a.completionTokens };
}

export function bedrockConverse(call: BedrockCall): Prepared {
  const a = call.answer;
  const content = a.toolCalls
    ? a.toolCalls.map((c) => ({ toolUse: { toolUseId: `tooluse_${c.seq}`, name: c.name, input: JSON.parse(c.args) as unknown } }))
    : [{ text: a.text() }];
  const body = { output: { message: { role: "assistant", content } }, stopReason: stopReason(a), usage: usage(a), metrics: { latencyMs: 12 } };
  return { status: 200, headers: { ...JSON_HEADERS, "x-amzn-requestid": `fake-${nextSeq()}` }, body: JSON.stringify(body) };
}

/** Binary frames travel as latin1 strings through the shared stream writer (one byte per char). */
const bin = (b: Buffer) => b.toString("latin1");

export function bedrockStream(call: BedrockCall): StreamPlan {
  const a = call.answer;
  const head = bin(eventFrame("messageStart", { role: "assistant", p: "abcdefgh" }));
  let count: number;
  let frame: (i: number) => string;
  let close: string;
  if (a.toolCalls) {
    // One frame per argument piece, each call opened by contentBlockStart and closed by contentBlockStop.
    const frames: string[] = [];
    a.toolCalls.forEach((c, n) => {
      c.pieces.forEach((piece, i) => {
        let f = "";
        if (i === 0) f += bin(eventFrame("contentBlockStart", { contentBlockIndex: n, start: { toolUse: { toolUseId: `tooluse_${c.seq}`, name: c.name } } }));
        f += bin(eventFrame("contentBlockDelta", { contentBlockIndex: n, delta: { toolUse: { input: piece } } }));
        if (i === c.pieces.length - 1) f += bin(eventFrame("contentBlockStop", { contentBlockIndex: n }));
        frames.push(f);
      });
    });
    count = frames.length;
    frame = (i) => frames[i]!;
    close = "";
  } else {
    count = a.count;
    frame = (i) => bin(eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: a.piece(i) } }));
    close = bin(eventFrame("contentBlockStop", { contentBlockIndex: 0 }));
  }
  const tail = close + bin(eventFrame("messageStop", { stopReason: stopReason(a) })) + bin(eventFrame("metadata", { usage: usage(a), metrics: { latencyMs: 12 } }));
  return {
    headers: { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": `fake-${nextSeq()}` },
    head,
    count,
    frame,
    tail,
    error: bin(exceptionFrame("modelStreamErrorException", "The model encountered an error while streaming. Try your request again.")),
    encoding: "latin1",
  };
}

export function bedrockEmbeddings(model: string, body: Record<string, unknown>): Prepared | string {
  const id = model.replace(/^[a-z]{2,6}\.(?=(amazon|cohere)\.)/, "");
  if (id.startsWith("amazon.titan-embed")) {
    if (typeof body.inputText !== "string") return "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.";
    const dims = typeof body.dimensions === "number" ? body.dimensions : 1024;
    return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ embedding: embed(body.inputText, Math.min(dims, 64)), inputTextTokenCount: Math.max(1, Math.ceil(body.inputText.length / 4)) }) };
  }
  if (id.startsWith("cohere.embed")) {
    if (!Array.isArray(body.texts) || typeof body.input_type !== "string") return "Malformed input request: #: required key [input_type] not found, please reformat your input and try again.";
    const vectors = (body.texts as unknown[]).map((t) => embed(String(t), 64));
    const byType = Array.isArray(body.embedding_types);
    return {
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({ id: `fake-${nextSeq()}`, texts: body.texts, embeddings: byType ? { float: vectors } : vectors, response_type: byType ? "embeddings_by_type" : "embeddings_floats" }),
    };
  }
  return "The provided model identifier is invalid.";
}

// ---------- errors ----------

const TYPES: Record<number, [string, string]> = {
  400: ["ValidationException", "The fake upstream rejects this request."],
  403: ["AccessDeniedException", "You don't have access to the model with the specified model ID."],
  404: ["ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier."],
  408: ["ModelTimeoutException", "Model has timed out in processing the request. Try your request again."],
  424: ["ModelErrorException", "The model produced an invalid response."],
  429: ["ThrottlingException", "Too many requests, please wait before trying again."],
  500: ["InternalServerException", "The server encountered an error processing your request."],
  503: ["ServiceUnavailableException", "Bedrock is unable to process your request."],
};

export function bedrockError(status: number, message?: string, type?: string): Prepared {
  const [name, text] = TYPES[status] ?? (status >= 500 ? ["InternalServerException", "The server encountered an error processing your request."] : ["ValidationException", `Request failed with status ${status}.`]);
  const t = type ?? name;
  return {
    status,
    // No Retry-After, even on throttling: Bedrock leaves the backoff to the client.
    headers: { ...JSON_HEADERS, "x-amzn-errortype": `${t}:http://internal.amazon.com/coral/com.amazon.bedrock/`, "x-amzn-requestid": `fake-${nextSeq()}` },
    body: JSON.stringify({ message: message ?? text }),
  };
}
