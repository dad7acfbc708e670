/**
 * OpenAI Chat Completions / Embeddings / Models wire format, and its Azure OpenAI variant.
 *
 * Shapes follow the OpenAI API reference and openai-node's types (ChatCompletion,
 * ChatCompletionChunk, CreateEmbeddingResponse). Azure differences that matter to a gateway:
 * the stream opens with a `choices: []` chunk carrying `prompt_filter_results`, choices carry
 * `content_filter_results`, and errors use Azure's `{error:{code,message}}` envelope.
 */

import type { OutgoingHttpHeaders } from "node:http";
import { embed, nextSeq, textOf, type Answer, type Conversation, type ToolSpec } from "./conversation";
import type { Prepared, StreamPlan } from "./stream";

export interface OpenAICall {
  model: string;
  answer: Answer;
  azure: boolean;
  includeUsage: boolean;
}

const JSON_TYPE = "application/json";
const SSE_HEADERS: OutgoingHttpHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};
const FINGERPRINT = "fp_fake0001";

function jsonHeaders(): OutgoingHttpHeaders {
  return { "content-type": JSON_TYPE, "x-request-id": `req_${nextSeq()}`, "openai-processing-ms": "1" };
}

// ---------- request ----------

export function openaiConversation(body: Record<string, unknown>): Conversation {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let promptChars = 0;
  let lastUser = "";
  for (const m of messages as Array<{ role?: unknown; content?: unknown }>) {
    const text = textOf(m?.content);
    promptChars += text.length;
    if (m?.role === "user") lastUser = text;
  }
  const tools: ToolSpec[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools as Array<{ function?: { name?: unknown; parameters?: unknown } }>) {
      if (typeof t?.function?.name === "string") tools.push({ name: t.function.name, parameters: t.function.parameters });
    }
  }
  const choice = body.tool_choice as unknown;
  let forced: string | null = null;
  if (choice === "required") forced = "*";
  else if (choice && typeof choice === "object") {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    forced = typeof name === "string" ? name : "*";
  }
  const max = body.max_completion_tokens ?? body.max_tokens;
  return { promptChars, lastUser, tools, forced, maxTokens: typeof max === "number" ? max : null };
}

// ---------- Azure content filter annotations ----------

const SAFE = { filtered: false, severity: "safe" };
const FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER_RESULTS = [
  { prompt_index: 0, content_filter_results: { ...FILTER_RESULTS, jailbreak: { filtered: false, detected: false } } },
];
const AZURE_PROMPT_FILTER_FRAME = `data: ${JSON.stringify({
  choices: [],
  created: 0,
  id: "",
  model: "",
  object: "",
  prompt_filter_results: PROMPT_FILTER_RESULTS,
})}\n\n`;
const FILTER_JSON = JSON.stringify(FILTER_RESULTS);

// ---------- non-stream ----------

function usageOf(a: Answer) {
  return {
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    total_tokens: a.promptTokens + a.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishReason(a: Answer): string {
  return a.toolCalls ? "tool_calls" : a.truncated ? "length" : "stop";
}

export function openaiChat(call: OpenAICall): Prepared {
  const a = call.answer;
  const message = a.toolCalls
    ? {
        role: "assistant",
        content: null,
        tool_calls: a.toolCalls.map((c) => ({
          id: `call_${c.seq}`,
          type: "function",
          function: { name: c.name, arguments: c.args },
        })),
        refusal: null,
        annotations: [],
      }
    : { role: "assistant", content: a.text(), refusal: null, annotations: [] };
  const choice: Record<string, unknown> = { index: 0, message, logprobs: null, finish_reason: finishReason(a) };
  if (call.azure) choice.content_filter_results = FILTER_RESULTS;
  const body: Record<string, unknown> = {
    id: `chatcmpl-${nextSeq()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: call.model,
    choices: [choice],
    usage: usageOf(a),
    system_fingerprint: FINGERPRINT,
  };
  if (call.azure) body.prompt_filter_results = PROMPT_FILTER_RESULTS;
  else body.service_tier = "default";
  return { status: 200, headers: jsonHeaders(), body: JSON.stringify(body) };
}

// ---------- stream ----------

export function openaiStream(call: OpenAICall): StreamPlan {
  const a = call.answer;
  const created = Math.floor(Date.now() / 1000);
  // Every chunk shares this envelope; only the choice differs, so frames are string concats.
  const pre =
    `data: {"id":"chatcmpl-${nextSeq()}","object":"chat.completion.chunk","created":${created},` +
    `"model":${JSON.stringify(call.model)},` +
    (call.azure ? "" : `"service_tier":"default",`) +
    `"system_fingerprint":"${FINGERPRINT}","choices":[`;
  const post = call.includeUsage ? `],"usage":null}\n\n` : `]}\n\n`;
  // Azure annotates content chunks with filter verdicts and the role / finish chunks with `{}`.
  const filter = call.azure ? `,"content_filter_results":${FILTER_JSON}` : "";
  const emptyFilter = call.azure ? `,"content_filter_results":{}` : "";
  const choice = (delta: string, finish: string | null, annotated = true) =>
    `${pre}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish ? `"${finish}"` : "null"}${annotated ? filter : emptyFilter}}${post}`;

  let head: string;
  let count: number;
  let frame: (i: number) => string;
  const calls = a.toolCalls;
  if (calls) {
    const header = (k: number) =>
      `{"index":${k},"id":"call_${calls[k].seq}","type":"function","function":{"name":${JSON.stringify(calls[k].name)},"arguments":""}}`;
    head = choice(`{"role":"assistant","content":null,"tool_calls":[${header(0)}],"refusal":null}`, null, false);
    // Flatten (call, piece) so frame i is O(1); a call's first piece is preceded by its header.
    const flat: Array<[number, number]> = [];
    calls.forEach((c, k) => c.pieces.forEach((_, j) => flat.push([k, j])));
    count = flat.length;
    frame = (i) => {
      const [k, j] = flat[i];
      const arg = choice(`{"tool_calls":[{"index":${k},"function":{"arguments":${JSON.stringify(calls[k].pieces[j])}}}]}`, null);
      return j === 0 && k > 0 ? choice(`{"tool_calls":[${header(k)}]}`, null) + arg : arg;
    };
  } else {
    head = choice(`{"role":"assistant","content":"","refusal":null}`, null, false);
    count = a.count;
    frame = (i) => choice(`{"content":${JSON.stringify(a.piece(i))}}`, null);
  }
  if (call.azure) head = AZURE_PROMPT_FILTER_FRAME + head;
  let tail = choice("{}", finishReason(a), false);
  if (call.includeUsage) {
    tail += `${pre}],"usage":${JSON.stringify(usageOf(a))}}\n\n`;
  }
  tail += "data: [DONE]\n\n";
  const err = errorBody(500, call.azure);
  return { headers: SSE_HEADERS, head, count, frame, tail, error: `data: ${err}\n\n` };
}

// ---------- errors ----------

type OpenAIError = { message: string; type: string; param: string | null; code: string | null };

function openaiErrorOf(status: number, message?: string): OpenAIError {
  const e = (m: string, type: string, param: string | null, code: string | null): OpenAIError => ({
    message: message ?? m,
    type,
    param,
    code,
  });
  switch (status) {
    case 400:
      return e("Invalid value for 'messages': the fake upstream rejects this request.", "invalid_request_error", "messages", "invalid_value");
    case 401:
      return e("Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");
    case 403:
      return e("You are not allowed to sample from this model", "invalid_request_error", null, "model_not_allowed");
    case 404:
      return e("The model does not exist or you do not have access to it.", "invalid_request_error", null, "model_not_found");
    case 429:
      return e("Rate limit reached for requests. Please try again in 1s.", "requests", null, "rate_limit_exceeded");
    case 503:
      return e("The engine is currently overloaded, please try again later", "server_error", null, null);
    default:
      return status < 500
        ? e(`Request failed with status ${status}.`, "invalid_request_error", null, null)
        : e("The server had an error while processing your request. Sorry about that!", "server_error", null, null);
  }
}

/** Azure's own envelope for auth, routing, throttling and 5xx; validation 400s pass OpenAI's through. */
function azureErrorOf(status: number, message?: string): { code: string; message: string } {
  const e = (code: string, m: string) => ({ code, message: message ?? m });
  switch (status) {
    case 401:
      return e("401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
    case 404:
      return e("DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");
    case 429:
      return e("429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.");
    case 503:
      return e("ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later.");
    default:
      return e(status >= 500 ? "InternalServerError" : String(status), status >= 500 ? "The server had an error processing your request." : `Request failed with status ${status}.`);
  }
}

function errorBody(status: number, azure: boolean, message?: string): string {
  if (azure && status !== 400) return JSON.stringify({ error: azureErrorOf(status, message) });
  return JSON.stringify({ error: openaiErrorOf(status, message) });
}

export function openaiError(status: number, azure: boolean, message?: string): Prepared {
  const headers = jsonHeaders();
  if (status === 429) {
    headers["retry-after"] = "1";
    headers["retry-after-ms"] = "1000";
    headers["x-ratelimit-remaining-requests"] = "0";
    headers["x-ratelimit-reset-requests"] = "1s";
  }
  return { status, headers, body: errorBody(status, azure, message) };
}

/** Azure rejects a call without api-version (the brief wants 400; real Azure says 404). */
export function azureMissingVersion(): Prepared {
  return {
    status: 400,
    headers: jsonHeaders(),
    body: JSON.stringify({ error: { code: "BadRequest", message: "Missing required query parameter 'api-version'." } }),
  };
}

export const OPENAI_NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

// ---------- embeddings & models ----------

const DEFAULT_DIMS = 64;

export function openaiEmbeddings(body: Record<string, unknown>, model: string): Prepared | null {
  const input = body.input;
  let inputs: string[];
  if (typeof input === "string") inputs = [input];
  else if (Array.isArray(input) && input.length > 0) {
    // string[], token ids (number[]) or number[][]: token arrays are embedded by their text form.
    inputs = typeof input[0] === "number" ? [JSON.stringify(input)] : input.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
  } else return null;
  const dims = typeof body.dimensions === "number" && body.dimensions > 0 ? Math.min(body.dimensions, 8192) : DEFAULT_DIMS;
  const base64 = body.encoding_format === "base64";
  let chars = 0;
  const data = inputs.map((text, index) => {
    chars += text.length;
    const v = embed(text, dims);
    // openai-node asks for base64 by default and decodes little-endian float32 itself.
    const embedding = base64 ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
    return { object: "embedding", index, embedding };
  });
  const tokens = Math.max(1, Math.ceil(chars / 4));
  return {
    status: 200,
    headers: jsonHeaders(),
    body: JSON.stringify({ object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }),
  };
}

const MODELS_BODY = JSON.stringify({
  object: "list",
  data: ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "text-embedding-3-small"].map((id) => ({
    id,
    object: "model",
    created: 1715367049,
    owned_by: "system",
  })),
});

export function openaiModels(): Prepared {
  return { status: 200, headers: jsonHeaders(), body: MODELS_BODY };
}
