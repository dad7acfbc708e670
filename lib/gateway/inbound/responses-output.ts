/**
 * Canonical answers → the Responses API: a ChatResponse becomes a Response object, canonical
 * chunks become the semantic stream events the SDKs accumulate (openai v6
 * lib/responses/ResponseAccumulator):
 *
 *   response.created, response.in_progress,
 *   per output item: response.output_item.added,
 *     message:       response.content_part.added, response.output_text.delta*,
 *                    response.output_text.done, response.content_part.done
 *     function_call: response.function_call_arguments.delta*, response.function_call_arguments.done
 *   response.output_item.done,
 *   response.completed | response.incomplete (max_output_tokens, content_filter) | response.failed
 *
 * Every event is `event: <type>` + `data: {type, sequence_number, ...}`; there is no [DONE].
 * Pure apart from the id generator (random ids by default; tests inject their own).
 */
import { randomBytes } from "node:crypto";
import type { ChatChunk, ChatMessage, ChatResponse, FinishReason, ToolCall, Usage } from "@/lib/providers/types";
import type {
  ResponsesObject,
  ResponsesOutputFunctionCall,
  ResponsesOutputItem,
  ResponsesOutputMessage,
  ResponsesStatus,
  ResponsesUsage,
} from "./responses-types";
import type { ResponsesRequestInput } from "./responses-schema";

export type IdGen = (prefix: string) => string;
export const randomId: IdGen = (prefix) => `${prefix}_${randomBytes(24).toString("hex")}`;

/** Everything of the Response object that does not depend on the answer (echoed request fields). */
export type ResponsesBase = Omit<ResponsesObject, "status" | "output" | "usage" | "error" | "incomplete_details">;

/** The echoed request fields of a Response object, as OpenAI returns them (defaults filled in). */
export function responsesBase(body: ResponsesRequestInput, o: { id: string; createdAt: number; model: string; store: boolean }): ResponsesBase {
  const format = body.text?.format ?? { type: "text" as const };
  return {
    id: o.id,
    object: "response",
    created_at: o.createdAt,
    background: false,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: o.model,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: o.store,
    temperature: body.temperature ?? null,
    text: { format },
    tool_choice: body.tool_choice ?? "auto",
    tools: (body.tools ?? []).map((t) => ({ type: "function", name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? null })),
    top_p: body.top_p ?? null,
    truncation: "disabled",
    user: body.safety_identifier ?? body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

export function toResponsesUsage(u: Usage): ResponsesUsage {
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens || u.prompt_tokens + u.completion_tokens,
  };
}

function statusOf(finish: FinishReason | null | undefined): { status: ResponsesStatus; incomplete_details: ResponsesObject["incomplete_details"] } {
  if (finish === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** The assistant turn of a finished response, canonically: what a stored conversation continues from. */
export function outputToMessage(output: ResponsesOutputItem[]): ChatMessage {
  let text = "";
  const calls: ToolCall[] = [];
  for (const item of output) {
    if (item.type === "message") for (const p of item.content) text += p.type === "output_text" ? p.text : p.refusal;
    else calls.push({ id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments } });
  }
  const msg: ChatMessage = { role: "assistant", content: text === "" && calls.length ? null : text };
  if (calls.length) msg.tool_calls = calls;
  return msg;
}

export function chatResponseToResponses(res: ChatResponse, base: ResponsesBase, newId: IdGen = randomId): ResponsesObject {
  const choice = res.choices[0];
  const { status, incomplete_details } = statusOf(choice?.finish_reason);
  const output: ResponsesOutputItem[] = [];
  const m = choice?.message;
  const itemStatus = status === "completed" ? "completed" : "incomplete";
  if (m?.content || m?.refusal) {
    const content: ResponsesOutputMessage["content"] = [];
    if (m.content) content.push({ type: "output_text", text: m.content, annotations: [] });
    if (m.refusal) content.push({ type: "refusal", refusal: m.refusal });
    output.push({ id: newId("msg"), type: "message", role: "assistant", status: itemStatus, content });
  }
  for (const tc of m?.tool_calls ?? []) {
    output.push({ id: newId("fc"), type: "function_call", status: "completed", call_id: tc.id, name: tc.function.name, arguments: tc.function.arguments });
  }
  return { ...base, status, error: null, incomplete_details, output, usage: res.usage ? toResponsesUsage(res.usage) : null };
}

export interface ResponsesStreamEncoder {
  chunk(c: ChatChunk): string;
  /** the normal end: closes open items and sends response.completed / response.incomplete */
  end(usage: Usage | null): string;
  /** a stream that broke after it started: response.failed; nothing is sent after it */
  error(code: string, message: string): string;
  prime(usage: Usage | null): void;
  /** the finished Response object (after end(); null while running or after error()) */
  final(): ResponsesObject | null;
}

type OpenPart = { kind: "output_text"; text: string } | { kind: "refusal"; text: string };

/**
 * @param estimateUsage the gateway's own count when the upstream reported none (called only then)
 */
export function createResponsesStreamEncoder(base: ResponsesBase, newId: IdGen = randomId, estimateUsage?: (text: string) => Usage): ResponsesStreamEncoder {
  let seq = 0;
  let started = false;
  let closed = false;
  let finished: ResponsesObject | null = null;
  const output: ResponsesOutputItem[] = [];
  // the item deltas go to now; a message's open content part
  let open: ResponsesOutputItem | null = null;
  let part: OpenPart | null = null;
  const calls = new Map<number, ResponsesOutputFunctionCall>();
  let finish: FinishReason | null = null;
  let usage: Usage | null = null;
  let allText = "";

  const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const snapshot = (status: ResponsesStatus, extra: Partial<ResponsesObject> = {}): ResponsesObject => ({
    ...base,
    status,
    error: null,
    incomplete_details: null,
    output: structuredClone(output),
    usage: null,
    ...extra,
  });
  const indexOf = (item: ResponsesOutputItem) => output.indexOf(item);

  function start(): string {
    if (started) return "";
    started = true;
    const r = snapshot("in_progress");
    return ev("response.created", { response: r }) + ev("response.in_progress", { response: r });
  }

  function closePart(): string {
    if (!part || open?.type !== "message") return "";
    const p = part;
    part = null;
    const at = { item_id: open.id, output_index: indexOf(open), content_index: open.content.length - 1 };
    const done = p.kind === "output_text" ? { type: "output_text" as const, text: p.text, annotations: [] } : { type: "refusal" as const, refusal: p.text };
    open.content[at.content_index] = done;
    const body = p.kind === "output_text" ? ev("response.output_text.done", { ...at, text: p.text, logprobs: [] }) : ev("response.refusal.done", { ...at, refusal: p.text });
    return body + ev("response.content_part.done", { ...at, part: done });
  }

  function closeItem(status: "completed" | "incomplete" = "completed"): string {
    if (!open) return "";
    let out = closePart();
    const item = open;
    open = null;
    item.status = item.type === "function_call" ? "completed" : status;
    if (item.type === "function_call") {
      out += ev("response.function_call_arguments.done", { item_id: item.id, output_index: indexOf(item), name: item.name, arguments: item.arguments });
    }
    return out + ev("response.output_item.done", { output_index: indexOf(item), item: structuredClone(item) });
  }

  function text(kind: OpenPart["kind"], t: string): string {
    let out = "";
    if (open?.type !== "message") {
      out += closeItem();
      const item: ResponsesOutputMessage = { id: newId("msg"), type: "message", role: "assistant", status: "in_progress", content: [] };
      output.push(item);
      open = item;
      out += ev("response.output_item.added", { output_index: indexOf(item), item: structuredClone(item) });
    }
    const msg = open as ResponsesOutputMessage;
    let cur: OpenPart;
    if (part?.kind === kind) cur = part;
    else {
      out += closePart();
      cur = part = { kind, text: "" };
      const empty = kind === "output_text" ? { type: "output_text" as const, text: "", annotations: [] } : { type: "refusal" as const, refusal: "" };
      msg.content.push(empty);
      out += ev("response.content_part.added", { item_id: msg.id, output_index: indexOf(msg), content_index: msg.content.length - 1, part: empty });
    }
    cur.text += t;
    allText += t;
    const at = { item_id: msg.id, output_index: indexOf(msg), content_index: msg.content.length - 1 };
    return out + (kind === "output_text" ? ev("response.output_text.delta", { ...at, delta: t, logprobs: [] }) : ev("response.refusal.delta", { ...at, delta: t }));
  }

  function toolDelta(tc: NonNullable<ChatChunk["choices"][number]["delta"]["tool_calls"]>[number]): string {
    let out = "";
    let item = calls.get(tc.index);
    if (!item) {
      out += closeItem();
      item = { id: newId("fc"), type: "function_call", status: "in_progress", call_id: tc.id ?? newId("call"), name: tc.function?.name ?? "", arguments: "" };
      calls.set(tc.index, item);
      output.push(item);
      open = item;
      out += ev("response.output_item.added", { output_index: indexOf(item), item: structuredClone(item) });
    }
    const args = tc.function?.arguments;
    if (args) {
      // A delta for a call already closed (interleaved parallel calls) still goes to its item:
      // the SDK accumulates by output_index, and response.completed carries the whole arguments.
      item.arguments += args;
      allText += args;
      out += ev("response.function_call_arguments.delta", { item_id: item.id, output_index: indexOf(item), delta: args });
    }
    return out;
  }

  return {
    chunk(c: ChatChunk): string {
      if (closed) return "";
      if (c.usage) usage = c.usage;
      let out = start();
      // One response per call: only the first choice is sent.
      const choice = c.choices.find((ch) => ch.index === 0);
      if (!choice) return out;
      const d = choice.delta;
      if (d.content) out += text("output_text", d.content);
      if (d.refusal) out += text("refusal", d.refusal);
      for (const tc of d.tool_calls ?? []) out += toolDelta(tc);
      if (choice.finish_reason) finish = choice.finish_reason;
      return out;
    },

    end(u: Usage | null): string {
      if (closed) return "";
      let out = start();
      closed = true;
      const { status, incomplete_details } = statusOf(finish);
      out += closeItem(status === "completed" ? "completed" : "incomplete");
      const known = u ?? usage ?? estimateUsage?.(allText) ?? null;
      finished = snapshot(status, { incomplete_details, usage: known ? toResponsesUsage(known) : null });
      return out + ev(status === "completed" ? "response.completed" : "response.incomplete", { response: finished });
    },

    error(code: string, message: string): string {
      if (closed) return "";
      let out = start();
      closed = true;
      out += closePart();
      return out + ev("response.failed", { response: snapshot("failed", { error: { code, message }, usage: usage ? toResponsesUsage(usage) : null }) });
    },

    // The Responses stream reports usage only at its end: an early count (Anthropic's
    // message_start) would be stale by then.
    prime: () => undefined,

    final: () => finished,
  };
}
