/**
 * Gemini API wire format: POST /v1beta/models/{model}:generateContent,
 * :streamGenerateContent (?alt=sse → SSE, else the JSON-array stream), :embedContent,
 * :batchEmbedContents.
 *
 * Shapes follow the Gemini API reference and googleapis/js-genai (GenerateContentResponse,
 * UsageMetadata): every SSE `data:` line is a full GenerateContentResponse, events end with
 * CRLF CRLF as Google's servers send them, and the last one carries finishReason and the full
 * usageMetadata. There is no [DONE]. Function calls arrive whole (Gemini has no argument deltas).
 */

import type { OutgoingHttpHeaders } from "node:http";
import { embed, nextSeq, textOf, type Answer, type Conversation, type ToolSpec } from "./conversation";
import type { Prepared, StreamPlan } from "./stream";

export interface GeminiCall {
  model: string;
  answer: Answer;
  /** alt=sse: SSE events; otherwise the streamed JSON array. */
  sse: boolean;
}

const JSON_HEADERS: OutgoingHttpHeaders = { "content-type": "application/json; charset=UTF-8" };
const SSE_HEADERS: OutgoingHttpHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

// ---------- request ----------

type Parts = { parts?: unknown; role?: unknown };

/** The REST API accepts both lowerCamel and snake_case field names. */
function field(body: Record<string, unknown>, camel: string, snake: string): unknown {
  return body[camel] ?? body[snake];
}

export function geminiConversation(body: Record<string, unknown>): Conversation {
  const system = field(body, "systemInstruction", "system_instruction") as Parts | undefined;
  let promptChars = textOf(system?.parts).length;
  let lastUser = "";
  const contents = Array.isArray(body.contents) ? (body.contents as Parts[]) : [];
  for (const c of contents) {
    const text = textOf(c?.parts);
    promptChars += text.length;
    if (c?.role === undefined || c.role === "user") lastUser = text;
  }
  const tools: ToolSpec[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools as Record<string, unknown>[]) {
      const decls = t ? field(t, "functionDeclarations", "function_declarations") : null;
      if (!Array.isArray(decls)) continue;
      for (const d of decls as Record<string, unknown>[]) {
        if (typeof d?.name === "string") {
          tools.push({ name: d.name, parameters: d.parameters ?? field(d, "parametersJsonSchema", "parameters_json_schema") });
        }
      }
    }
  }
  const toolConfig = field(body, "toolConfig", "tool_config") as Record<string, unknown> | undefined;
  const fcc = toolConfig ? (field(toolConfig, "functionCallingConfig", "function_calling_config") as Record<string, unknown> | undefined) : undefined;
  let forced: string | null = null;
  if (fcc?.mode === "ANY") {
    const allowed = field(fcc, "allowedFunctionNames", "allowed_function_names");
    forced = Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string" ? allowed[0] : "*";
  }
  const gen = field(body, "generationConfig", "generation_config") as Record<string, unknown> | undefined;
  const max = gen ? field(gen, "maxOutputTokens", "max_output_tokens") : undefined;
  return { promptChars, lastUser, tools, forced, maxTokens: typeof max === "number" ? max : null };
}

// ---------- answers ----------

function usageFull(a: Answer) {
  return {
    promptTokenCount: a.promptTokens,
    candidatesTokenCount: a.completionTokens,
    totalTokenCount: a.promptTokens + a.completionTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: a.promptTokens }],
  };
}

function finishReason(a: Answer): string {
  return a.truncated ? "MAX_TOKENS" : "STOP";
}

function functionParts(a: Answer) {
  return (a.toolCalls ?? []).map((c) => ({ functionCall: { name: c.name, args: JSON.parse(c.args) } }));
}

export function geminiGenerate(call: GeminiCall): Prepared {
  const a = call.answer;
  const parts = a.toolCalls ? functionParts(a) : [{ text: a.text() }];
  const body = {
    candidates: [{ content: { parts, role: "model" }, finishReason: finishReason(a), index: 0 }],
    usageMetadata: usageFull(a),
    modelVersion: call.model,
    responseId: `fake${nextSeq()}`,
  };
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

export function geminiStream(call: GeminiCall): StreamPlan {
  const a = call.answer;
  const responseId = `fake${nextSeq()}`;
  // Chunks before the last carry prompt usage only, as the real API does; the last has it all.
  const envelopeTail =
    `"usageMetadata":{"promptTokenCount":${a.promptTokens},"totalTokenCount":${a.promptTokens}},` +
    `"modelVersion":${JSON.stringify(call.model)},"responseId":"${responseId}"}`;
  const chunk = (partsJson: string) =>
    `{"candidates":[{"content":{"parts":${partsJson},"role":"model"},"index":0}],${envelopeTail}`;
  const last = JSON.stringify({
    candidates: [{ content: { parts: [{ text: "" }], role: "model" }, finishReason: finishReason(a), index: 0 }],
    usageMetadata: usageFull(a),
    modelVersion: call.model,
    responseId,
  });
  let count: number;
  let json: (i: number) => string;
  if (a.toolCalls) {
    const parts = functionParts(a);
    count = parts.length;
    json = (i) => chunk(JSON.stringify([parts[i]]));
  } else {
    count = a.count;
    json = (i) => chunk(`[{"text":${JSON.stringify(a.piece(i))}}]`);
  }
  const err = errorBody(500);
  if (call.sse) {
    const sse = (s: string) => `data: ${s}\r\n\r\n`;
    return { headers: SSE_HEADERS, head: "", count, frame: (i) => sse(json(i)), tail: sse(last), error: sse(err) };
  }
  // Without alt=sse the API streams one JSON array, elements separated by ",\r\n".
  return {
    headers: JSON_HEADERS,
    head: "[",
    count,
    frame: (i) => (i === 0 ? "" : ",\r\n") + json(i),
    tail: (count > 0 ? ",\r\n" : "") + last + "]",
    error: (count > 0 ? ",\r\n" : "") + err + "]",
  };
}

// ---------- embeddings ----------

const DEFAULT_DIMS = 64;

function dimsOf(r: Record<string, unknown>): number {
  const d = field(r, "outputDimensionality", "output_dimensionality");
  return typeof d === "number" && d > 0 ? Math.min(d, 8192) : DEFAULT_DIMS;
}

export function geminiEmbed(body: Record<string, unknown>): Prepared | null {
  const content = body.content as Parts | undefined;
  if (!content) return null;
  const values = embed(textOf(content.parts), dimsOf(body));
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ embedding: { values } }) };
}

export function geminiBatchEmbed(body: Record<string, unknown>): Prepared | null {
  if (!Array.isArray(body.requests)) return null;
  const embeddings = (body.requests as Record<string, unknown>[]).map((r) => ({
    values: embed(textOf((r?.content as Parts | undefined)?.parts), r ? dimsOf(r) : DEFAULT_DIMS),
  }));
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ embeddings }) };
}

// ---------- errors ----------

function statusOf(code: number): [string, string] {
  switch (code) {
    case 400: return ["INVALID_ARGUMENT", "* GenerateContentRequest.contents: the fake upstream rejects this request\n"];
    case 401: return ["UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."];
    case 403: return ["PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."];
    case 404: return ["NOT_FOUND", "models/fake is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods."];
    case 429: return ["RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details."];
    case 503: return ["UNAVAILABLE", "The model is overloaded. Please try again later."];
    case 504: return ["DEADLINE_EXCEEDED", "Deadline expired before operation could complete."];
    default:
      return code >= 500
        ? ["INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"]
        : ["FAILED_PRECONDITION", `Request failed with status ${code}.`];
  }
}

function errorBody(code: number, message?: string): string {
  const [status, m] = statusOf(code);
  const error: Record<string, unknown> = { code, message: message ?? m, status };
  if (code === 429) error.details = [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }];
  return JSON.stringify({ error });
}

export function geminiError(code: number, message?: string): Prepared {
  const headers: OutgoingHttpHeaders = { ...JSON_HEADERS };
  if (code === 429) headers["retry-after"] = "1";
  return { status: code, headers, body: errorBody(code, message) };
}
