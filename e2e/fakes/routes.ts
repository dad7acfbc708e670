/**
 * Path → provider dialect → a Job (what to answer, in which wire format) or an immediate reply
 * (auth, validation and routing errors in that provider's own error shape).
 *
 * Checks run in the order the real APIs run them: route, auth, JSON, required fields. Faults
 * chosen by the model name come later (server.ts), so a misconfigured key or a missing
 * max_tokens is reported even for a `fault-*` model, as a real provider would.
 */

import type { IncomingHttpHeaders } from "node:http";
import {
  anthropicConversation,
  anthropicError,
  anthropicInvalid,
  anthropicMessage,
  anthropicStream,
} from "./anthropic";
import type { Behavior } from "./behavior";
import { planAnswer, type Conversation } from "./conversation";
import { geminiBatchEmbed, geminiConversation, geminiEmbed, geminiError, geminiGenerate, geminiStream } from "./gemini";
import {
  OPENAI_NO_KEY,
  azureMissingVersion,
  openaiChat,
  openaiConversation,
  openaiEmbeddings,
  openaiError,
  openaiModels,
  openaiStream,
} from "./openai";
import type { Prepared, StreamPlan } from "./stream";
import type { Dialect } from "./types";
import { bedrockConverse, bedrockConversation, bedrockEmbeddings, bedrockError, bedrockInvalid, bedrockStream, checkSigV4 } from "./bedrock";
import { VERTEX_ANTHROPIC_VERSION, vertexPredict, type VertexAuth } from "./vertex";

export interface Job {
  dialect: Dialect;
  model: string;
  error(status: number, message?: string): Prepared;
  /** The non-stream OK answer (also what fault-cut / fault-truncated-json cut short). */
  body(b: Behavior): Prepared;
  /** Set when the client asked for a stream. */
  plan?: (b: Behavior) => StreamPlan;
}

export interface Routed {
  dialect?: Dialect;
  model?: string;
  /** Parsed JSON body, raw text when not JSON, undefined when empty (recorded as-is). */
  body: unknown;
  job?: Job;
  reply?: Prepared;
}

type Json = Record<string, unknown>;

function parseBody(raw: Buffer | null): { ok: boolean; value: unknown } {
  if (!raw || raw.length === 0) return { ok: false, value: undefined };
  const text = raw.toString("utf8");
  try {
    const value: unknown = JSON.parse(text);
    return { ok: value !== null && typeof value === "object" && !Array.isArray(value), value };
  } catch {
    return { ok: false, value: text };
  }
}

function bearer(h: IncomingHttpHeaders): string {
  const a = h.authorization;
  return typeof a === "string" && a.startsWith("Bearer ") ? a.slice(7).trim() : "";
}

function header(h: IncomingHttpHeaders, name: string): string {
  const v = h[name];
  return typeof v === "string" ? v.trim() : "";
}

const OPENAI_BAD_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

function notFound(method: string, path: string): Prepared {
  return openaiError(404, false, `Invalid URL (${method} ${path})`);
}

export function route(method: string, path: string, query: string, headers: IncomingHttpHeaders, raw: Buffer | null, vertex?: VertexAuth): Routed {
  if (path.startsWith("/model/")) return routeBedrock(method, path, query, headers, raw);
  if (vertex && path === "/token" && method === "POST") {
    return { dialect: "vertex", body: raw?.toString("utf8"), reply: vertex.token(raw, `http://${String(headers.host)}/token`) };
  }
  if (vertex && path.startsWith("/v1/projects/")) return routeVertex(method, path, query, headers, raw, vertex);
  if (path === "/v1/chat/completions" || path === "/v1/embeddings" || path === "/v1/models") {
    return routeOpenAI(method, path, headers, raw, null, query);
  }
  if (path === "/v1/messages") return routeAnthropic(method, headers, raw);
  if (path.startsWith("/openai/deployments/")) {
    const rest = path.slice("/openai/deployments/".length);
    const slash = rest.indexOf("/");
    if (slash > 0) return routeOpenAI(method, `/v1/${rest.slice(slash + 1)}`, headers, raw, decodeURIComponent(rest.slice(0, slash)), query);
  }
  const gemini = path.startsWith("/v1beta/models/") ? 15 : path.startsWith("/v1/models/") ? 11 : -1;
  if (gemini > 0) return routeGemini(method, path.slice(gemini), query, headers, raw);
  return { body: parseBody(raw).value, reply: notFound(method, path) };
}

/** OpenAI, or Azure when `deployment` is set (then the deployment names the model). */
function routeOpenAI(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  raw: Buffer | null,
  deployment: string | null,
  query: string,
): Routed {
  const azure = deployment !== null;
  const dialect: Dialect = azure ? "azure" : "openai";
  const parsed = parseBody(raw);
  const r: Routed = { dialect, body: parsed.value, model: deployment ?? undefined };
  const error = (status: number, message?: string) => openaiError(status, azure, message);
  if (azure) {
    if (!header(headers, "api-key")) return { ...r, reply: error(401) };
    if (!new URLSearchParams(query).get("api-version")) return { ...r, reply: azureMissingVersion() };
  } else if (!bearer(headers)) {
    return { ...r, reply: error(401, headers.authorization ? undefined : OPENAI_NO_KEY) };
  }
  if (path === "/v1/models" && !azure) {
    return method === "GET" ? { ...r, reply: openaiModels() } : { ...r, reply: notFound(method, path) };
  }
  const chat = path === "/v1/chat/completions";
  if (method !== "POST" || (!chat && path !== "/v1/embeddings")) return { ...r, reply: notFound(method, path) };
  if (!parsed.ok) return { ...r, reply: error(400, OPENAI_BAD_JSON) };
  const body = parsed.value as Json;
  const model = deployment ?? (typeof body.model === "string" ? body.model : "");
  r.model = model;
  if (!model) return { ...r, reply: error(400, "you must provide a model parameter") };

  if (!chat) {
    const embeddings = openaiEmbeddings(body, model);
    if (!embeddings) return { ...r, reply: error(400, "'input' is a required property") };
    return { ...r, job: { dialect, model, error, body: () => embeddings } };
  }
  if (!Array.isArray(body.messages)) return { ...r, reply: error(400, "Missing required parameter: 'messages'.") };
  const conv = openaiConversation(body);
  const includeUsage = (body.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
  const call = (b: Behavior) => ({ model, answer: planAnswer(dialect, model, conv, b), azure, includeUsage });
  const job: Job = { dialect, model, error, body: (b) => openaiChat(call(b)) };
  if (body.stream === true) job.plan = (b) => openaiStream(call(b));
  return { ...r, job };
}

function routeAnthropic(method: string, headers: IncomingHttpHeaders, raw: Buffer | null): Routed {
  const parsed = parseBody(raw);
  const r: Routed = { dialect: "anthropic", body: parsed.value };
  // Current @anthropic-ai/sdk sends `Authorization: Bearer`; older clients send x-api-key.
  if (!header(headers, "x-api-key") && !bearer(headers)) {
    return { ...r, reply: anthropicError(401, "x-api-key header is required") };
  }
  if (!header(headers, "anthropic-version")) {
    return { ...r, reply: anthropicError(400, "anthropic-version: header is required") };
  }
  if (method !== "POST") return { ...r, reply: anthropicError(405, `Method Not Allowed`) };
  if (!parsed.ok) return { ...r, reply: anthropicError(400, "There was an issue with the JSON body of your request.") };
  const body = parsed.value as Json;
  if (typeof body.model === "string") r.model = body.model;
  const invalid = anthropicInvalid(body);
  if (invalid) return { ...r, reply: anthropicError(400, invalid) };
  const model = body.model as string;
  const conv: Conversation = anthropicConversation(body);
  const call = (b: Behavior) => ({ model, answer: planAnswer("anthropic", model, conv, b) });
  const job: Job = { dialect: "anthropic", model, error: anthropicError, body: (b) => anthropicMessage(call(b)) };
  if (body.stream === true) job.plan = (b) => anthropicStream(call(b));
  return { ...r, job };
}

function routeGemini(method: string, rest: string, query: string, headers: IncomingHttpHeaders, raw: Buffer | null): Routed {
  const parsed = parseBody(raw);
  const colon = rest.lastIndexOf(":");
  const model = decodeURIComponent(colon > 0 ? rest.slice(0, colon) : rest);
  const action = colon > 0 ? rest.slice(colon + 1) : "";
  const r: Routed = { dialect: "gemini", body: parsed.value, model };
  const params = new URLSearchParams(query);
  if (!header(headers, "x-goog-api-key") && !params.get("key")) return { ...r, reply: geminiError(403) };
  if (method !== "POST") return { ...r, reply: geminiError(404, `Method not found.`) };
  if (!parsed.ok) return { ...r, reply: geminiError(400, "Invalid JSON payload received.") };
  const body = parsed.value as Json;
  const error = geminiError;
  switch (action) {
    case "generateContent":
    case "streamGenerateContent": {
      if (!Array.isArray(body.contents) || body.contents.length === 0) {
        return { ...r, reply: error(400, "* GenerateContentRequest.contents: contents is not specified\n") };
      }
      const conv = geminiConversation(body);
      const sse = params.get("alt") === "sse";
      const call = (b: Behavior) => ({ model, answer: planAnswer("gemini", model, conv, b), sse });
      const job: Job = { dialect: "gemini", model, error, body: (b) => geminiGenerate(call(b)) };
      if (action === "streamGenerateContent") job.plan = (b) => geminiStream(call(b));
      return { ...r, job };
    }
    case "embedContent":
    case "batchEmbedContents": {
      const out = action === "embedContent" ? geminiEmbed(body) : geminiBatchEmbed(body);
      if (!out) return { ...r, reply: error(400, "* EmbedContentRequest.content: content is not specified\n") };
      return { ...r, job: { dialect: "gemini", model, error, body: () => out } };
    }
    case "countTokens": {
      const tokens = Math.max(1, Math.ceil(geminiConversation(body).promptChars / 4));
      const out: Prepared = { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, body: JSON.stringify({ totalTokens: tokens }) };
      return { ...r, job: { dialect: "gemini", model, error, body: () => out } };
    }
    default:
      return { ...r, reply: error(404, `models/${model} is not found for API version v1beta, or is not supported for ${action || "this method"}.`) };
  }
}

function routeBedrock(method: string, path: string, query: string, headers: IncomingHttpHeaders, raw: Buffer | null): Routed {
  const parsed = parseBody(raw);
  const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(path);
  const r: Routed = { dialect: "bedrock", body: parsed.value, model: m ? decodeURIComponent(m[1]!) : undefined };
  if (!m || method !== "POST") return { ...r, reply: bedrockError(404, "Not Found", "UnknownOperationException") };
  const denied = checkSigV4(method, path, query, headers, raw);
  if (denied) return { ...r, reply: denied };
  if (!parsed.ok) return { ...r, reply: bedrockError(400, "Malformed input request, please reformat your input and try again.") };
  const model = r.model!;
  const body = parsed.value as Json;
  const error = (status: number, message?: string) => bedrockError(status, message);
  if (m[2] === "invoke") {
    const out = bedrockEmbeddings(model, body);
    if (typeof out === "string") return { ...r, reply: bedrockError(400, out) };
    return { ...r, job: { dialect: "bedrock", model, error, body: () => out } };
  }
  const invalid = bedrockInvalid(body);
  if (invalid) return { ...r, reply: bedrockError(400, invalid) };
  const conv = bedrockConversation(body);
  const call = (b: Behavior) => ({ model, answer: planAnswer("bedrock", model, conv, b) });
  const job: Job = { dialect: "bedrock", model, error, body: (b) => bedrockConverse(call(b)) };
  if (m[2] === "converse-stream") job.plan = (b) => bedrockStream(call(b));
  return { ...r, job };
}

function routeVertex(method: string, path: string, query: string, headers: IncomingHttpHeaders, raw: Buffer | null, auth: VertexAuth): Routed {
  const parsed = parseBody(raw);
  const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  const r: Routed = { dialect: "vertex", body: parsed.value, model: m ? decodeURIComponent(m[4]!) : undefined };
  if (!m || method !== "POST") return { ...r, reply: geminiError(404, "The requested URL was not found on this server.") };
  const denied = auth.check(headers);
  if (denied) return { ...r, reply: denied };
  if (!parsed.ok) return { ...r, reply: geminiError(400, "Invalid JSON payload received.") };
  const model = r.model!;
  const body = parsed.value as Json;
  const [, , , publisher, , action] = m;
  if (publisher === "google") {
    if (action === "predict") {
      const out = vertexPredict(body);
      if (!out) return { ...r, reply: geminiError(400, "Invalid instances.") };
      return { ...r, job: { dialect: "vertex", model, error: geminiError, body: () => out } };
    }
    // generateContent / streamGenerateContent: the Gemini API's own bodies and answers.
    const routed = routeGemini(method, `${model}:${action}`, query, { ...headers, "x-goog-api-key": "vertex" }, raw);
    return { ...routed, dialect: "vertex" };
  }
  if (action !== "rawPredict" && action !== "streamRawPredict") return { ...r, reply: geminiError(404, `Unsupported method ${action}.`) };
  if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) return { ...r, reply: anthropicError(400, "anthropic_version: Input should be 'vertex-2023-10-16'") };
  if ("model" in body) return { ...r, reply: anthropicError(400, "model: Extra inputs are not permitted") };
  const invalid = anthropicInvalid({ ...body, model });
  if (invalid) return { ...r, reply: anthropicError(400, invalid) };
  const conv = anthropicConversation(body);
  // Quota and auth failures come in Google's shape even for Claude; the model's own in Anthropic's.
  const error = (status: number, message?: string) => (status === 429 || status === 401 || status === 403 ? geminiError(status, message) : anthropicError(status, message));
  const call = (b: Behavior) => ({ model, answer: planAnswer("anthropic", model, conv, b) });
  const job: Job = { dialect: "vertex", model, error, body: (b) => anthropicMessage(call(b)) };
  if (action === "streamRawPredict") {
    if (body.stream !== true) return { ...r, reply: anthropicError(400, "stream: streamRawPredict needs stream: true") };
    job.plan = (b) => anthropicStream(call(b));
  }
  return { ...r, job };
}
