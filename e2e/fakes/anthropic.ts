/**
 * Anthropic Messages wire format (POST /v1/messages).
 *
 * Shapes follow the Messages API reference, its streaming guide (message_start,
 * content_block_start, ping, content_block_delta text_delta / input_json_delta,
 * content_block_stop, message_delta with stop_reason + usage, message_stop; `event: error`
 * mid-stream) and @anthropic-ai/sdk's types (Message, Usage, MessageDeltaUsage).
 */

import type { OutgoingHttpHeaders } from "node:http";
import { nextSeq, textOf, type Answer, type Conversation, type ToolSpec } from "./conversation";
import type { Prepared, StreamPlan } from "./stream";

export interface AnthropicCall {
  model: string;
  answer: Answer;
}

const SSE_HEADERS: OutgoingHttpHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

function jsonHeaders(): OutgoingHttpHeaders {
  return { "content-type": "application/json", "request-id": `req_fake${nextSeq()}` };
}

// ---------- request ----------

export function anthropicConversation(body: Record<string, unknown>): Conversation {
  let promptChars = textOf(body.system).length;
  let lastUser = "";
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const m of messages as Array<{ role?: unknown; content?: unknown }>) {
    const text = textOf(m?.content);
    promptChars += text.length;
    if (m?.role === "user") lastUser = text;
  }
  const tools: ToolSpec[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools as Array<{ name?: unknown; input_schema?: unknown }>) {
      if (typeof t?.name === "string") tools.push({ name: t.name, parameters: t.input_schema });
    }
  }
  const choice = body.tool_choice as { type?: unknown; name?: unknown } | undefined;
  const forced =
    choice?.type === "any" ? "*" : choice?.type === "tool" && typeof choice.name === "string" ? choice.name : null;
  const max = body.max_tokens;
  return { promptChars, lastUser, tools, forced, maxTokens: typeof max === "number" ? max : null };
}

/** Field checks the real API does before anything else (400 invalid_request_error). */
export function anthropicInvalid(body: Record<string, unknown>): string | null {
  if (typeof body.model !== "string") return "model: Field required";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (typeof body.max_tokens !== "number" || body.max_tokens < 1) return "max_tokens: Input should be greater than or equal to 1";
  return null;
}

// ---------- answers ----------

function stopReason(a: Answer): string {
  return a.toolCalls ? "tool_use" : a.truncated ? "max_tokens" : "end_turn";
}

function usage(a: Answer, output: number) {
  return {
    input_tokens: a.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: "standard",
  };
}

export function anthropicMessage(call: AnthropicCall): Prepared {
  const a = call.answer;
  const content = a.toolCalls
    ? a.toolCalls.map((c) => ({ type: "tool_use", id: `toolu_01${c.seq}`, name: c.name, input: JSON.parse(c.args) }))
    : [{ type: "text", text: a.text() }];
  const body = {
    id: `msg_01${nextSeq()}`,
    type: "message",
    role: "assistant",
    model: call.model,
    content,
    stop_reason: stopReason(a),
    stop_sequence: null,
    usage: usage(a, a.completionTokens),
  };
  return { status: 200, headers: jsonHeaders(), body: JSON.stringify(body) };
}

function ev(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

const PING = ev("ping", `{"type": "ping"}`);

export function anthropicStream(call: AnthropicCall): StreamPlan {
  const a = call.answer;
  const message = {
    id: `msg_01${nextSeq()}`,
    type: "message",
    role: "assistant",
    model: call.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usage(a, 1),
  };
  let head = ev("message_start", JSON.stringify({ type: "message_start", message }));
  let count: number;
  let frame: (i: number) => string;
  let tail = "";
  const calls = a.toolCalls;
  if (calls) {
    // Each tool_use block: start (+ the empty first input_json_delta the API sends), deltas, stop.
    const flat: Array<[number, number]> = [];
    calls.forEach((c, k) => c.pieces.forEach((_, j) => flat.push([k, j])));
    count = flat.length;
    frame = (i) => {
      const [k, j] = flat[i];
      const c = calls[k];
      let out = "";
      if (j === 0) {
        const block = { type: "tool_use", id: `toolu_01${c.seq}`, name: c.name, input: {} };
        out += ev("content_block_start", JSON.stringify({ type: "content_block_start", index: k, content_block: block }));
        if (k === 0) out += PING;
        out += ev("content_block_delta", `{"type":"content_block_delta","index":${k},"delta":{"type":"input_json_delta","partial_json":""}}`);
      }
      out += ev(
        "content_block_delta",
        `{"type":"content_block_delta","index":${k},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(c.pieces[j])}}}`,
      );
      if (j === c.pieces.length - 1) out += ev("content_block_stop", `{"type":"content_block_stop","index":${k}}`);
      return out;
    };
  } else {
    head += ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`);
    head += PING;
    count = a.count;
    frame = (i) =>
      ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(a.piece(i))}}}`);
    tail += ev("content_block_stop", `{"type":"content_block_stop","index":0}`);
  }
  const { service_tier: _tier, cache_creation: _cc, ...deltaUsage } = usage(a, a.completionTokens);
  tail += ev(
    "message_delta",
    JSON.stringify({ type: "message_delta", delta: { stop_reason: stopReason(a), stop_sequence: null }, usage: deltaUsage }),
  );
  tail += ev("message_stop", `{"type":"message_stop"}`);
  const error = ev("error", errorBody(529));
  return { headers: SSE_HEADERS, head, count, frame, tail, error };
}

// ---------- errors ----------

function errorType(status: number): [string, string] {
  switch (status) {
    case 400: return ["invalid_request_error", "messages: the fake upstream rejects this request"];
    case 401: return ["authentication_error", "invalid x-api-key"];
    case 403: return ["permission_error", "Your API key does not have permission to use the specified resource."];
    case 404: return ["not_found_error", "model: not found"];
    case 413: return ["request_too_large", "Request exceeds the maximum allowed number of bytes."];
    case 429: return ["rate_limit_error", "This request would exceed your organization's rate limit. Please try again in 1 second."];
    case 529: return ["overloaded_error", "Overloaded"];
    default:
      return status >= 500 ? ["api_error", "Internal server error"] : ["invalid_request_error", `Request failed with status ${status}`];
  }
}

function errorBody(status: number, message?: string): string {
  const [type, m] = errorType(status);
  return JSON.stringify({ type: "error", error: { type, message: message ?? m }, request_id: `req_fake${nextSeq()}` });
}

export function anthropicError(status: number, message?: string): Prepared {
  const headers = jsonHeaders();
  if (status === 429) {
    headers["retry-after"] = "1";
    headers["anthropic-ratelimit-requests-remaining"] = "0";
  }
  if (status === 529 || status >= 500) headers["x-should-retry"] = "true";
  return { status, headers, body: errorBody(status, message) };
}
