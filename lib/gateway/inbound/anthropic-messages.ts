/**
 * Anthropic Messages API as an inbound format: POST /v1/messages is turned into
 * the canonical ChatRequest (so it can go to ANY provider), and the canonical
 * answer is turned back into an Anthropic Message, stream or error.
 *
 * Choices made where the formats do not line up:
 * - document blocks: base64 PDFs become canonical `file` parts, text/content
 *   documents become text; URL documents have no canonical form and become a
 *   text note naming the URL (the model sees that a document was referenced).
 * - thinking / redacted_thinking and Anthropic server-tool blocks are dropped:
 *   they are only meaningful to Anthropic and other providers reject them.
 * - server tools (web_search_…, bash_… — tools without input_schema) are dropped.
 * - `top_k` and `thinking` have no canonical field and are ignored.
 */
import type { ChatMessage, ChatRequest, ChatResponse, ContentPart, FunctionTool, ToolCall } from "@/lib/providers/types";
import { anthropicMessageId, parseToolInput, toAnthropicErrorType, toAnthropicStopReason, toAnthropicUsage } from "./anthropic-common";
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicErrorBody,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicResponseBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from "./anthropic-types";

export * from "./anthropic-types";
export { anthropicMessageId, parseToolInput, toAnthropicErrorType, toAnthropicStopReason, toAnthropicUsage } from "./anthropic-common";
export { anthropicMessagesSchema } from "./anthropic-schema";
export { createAnthropicStreamEncoder } from "./anthropic-stream";
export type { AnthropicStreamEncoder } from "./anthropic-stream";

// ---------- request ----------

function imagePart(block: AnthropicImageBlock): ContentPart {
  const s = block.source;
  if (s.type === "base64") return { type: "image_url", image_url: { url: `data:${s.media_type};base64,${s.data}` } };
  if (s.type === "url") return { type: "image_url", image_url: { url: s.url } };
  return { type: "file", file: { file_id: s.file_id } };
}

function documentParts(block: AnthropicDocumentBlock): ContentPart[] {
  const s = block.source;
  const title = block.title ? `${block.title}\n\n` : "";
  switch (s.type) {
    case "base64":
      return [{ type: "file", file: { file_data: `data:${s.media_type};base64,${s.data}`, filename: block.title ?? "document.pdf" } }];
    case "text":
      return [{ type: "text", text: `${title}${s.data}` }];
    case "file":
      return [{ type: "file", file: { file_id: s.file_id, ...(block.title ? { filename: block.title } : {}) } }];
    case "url":
      return [{ type: "text", text: `[Document${block.title ? ` "${block.title}"` : ""}: ${s.url}]` }];
    case "content": {
      const inner = typeof s.content === "string" ? [{ type: "text" as const, text: s.content }] : s.content;
      return inner.map((b) => (b.type === "text" ? { type: "text", text: b.text } : imagePart(b)));
    }
  }
}

/** User-side blocks that become content parts (tool results are handled apart). */
function userParts(block: AnthropicContentBlock): ContentPart[] {
  switch (block.type) {
    case "text":
      return [{ type: "text", text: block.text }];
    case "image":
      return [imagePart(block)];
    case "document":
      return documentParts(block);
    case "search_result":
      return [{ type: "text", text: `${block.title} (${block.source})\n${block.content.map((c) => c.text).join("\n")}` }];
    default:
      return [];
  }
}

/** A single text part stays a plain string: every provider adapter handles that form. */
function simplify(parts: ContentPart[]): string | ContentPart[] {
  return parts.length === 1 && parts[0]?.type === "text" ? parts[0].text : parts;
}

function toolResultMessages(block: AnthropicToolResultBlock): { tool: ChatMessage; extra: ContentPart[] } {
  let text = "";
  const extra: ContentPart[] = [];
  if (typeof block.content === "string") text = block.content;
  else {
    const texts: string[] = [];
    for (const c of block.content ?? []) {
      // OpenAI-style tool messages carry text only; images follow in a user turn.
      if (c.type === "text") texts.push(c.text);
      else extra.push(...userParts(c));
    }
    text = texts.join("\n");
  }
  if (block.is_error) text = `Error: ${text}`;
  return { tool: { role: "tool", tool_call_id: block.tool_use_id, content: text }, extra };
}

function convertUser(content: string | AnthropicContentBlock[]): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of content) {
    if (block.type === "tool_result") {
      // Tool messages must directly follow the assistant turn that called them,
      // so they go first; Anthropic puts tool_result blocks first anyway.
      const { tool, extra } = toolResultMessages(block);
      out.push(tool);
      parts.push(...extra);
    } else {
      parts.push(...userParts(block));
    }
  }
  if (parts.length > 0) out.push({ role: "user", content: simplify(parts) });
  return out;
}

function convertAssistant(content: string | AnthropicContentBlock[]): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  let text = "";
  const calls: ToolCall[] = [];
  for (const block of content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use") {
      calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const msg: ChatMessage = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  if (calls.length > 0) msg.tool_calls = calls;
  return msg;
}

function systemText(system: string | AnthropicTextBlock[]): string {
  return typeof system === "string" ? system : system.map((b) => b.text).join("\n\n");
}

export function anthropicToChatRequest(body: AnthropicMessagesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) {
    const text = systemText(body.system);
    if (text !== "") messages.push({ role: "system", content: text });
  }
  for (const m of body.messages) {
    if (m.role === "user") messages.push(...convertUser(m.content));
    else if (m.role === "assistant") messages.push(convertAssistant(m.content));
    else {
      const text = typeof m.content === "string" ? m.content : m.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      messages.push({ role: "system", content: text });
    }
  }
  const req: ChatRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.stream !== undefined) req.stream = body.stream;
  // The Anthropic stream ends with usage in message_delta: ask the provider for it.
  if (body.stream) req.stream_options = { include_usage: true };
  if (body.stop_sequences && body.stop_sequences.length > 0) req.stop = body.stop_sequences;
  if (body.temperature !== undefined) req.temperature = body.temperature;
  if (body.top_p !== undefined) req.top_p = body.top_p;
  if (body.metadata?.user_id) req.user = body.metadata.user_id;
  const tools: FunctionTool[] = [];
  for (const t of body.tools ?? []) {
    if (!t.input_schema) continue; // server tool: only Anthropic can run it
    tools.push({
      type: "function",
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.input_schema,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    });
  }
  if (tools.length > 0) req.tools = tools;
  const choice = body.tool_choice;
  if (choice && tools.length > 0) {
    if (choice.type === "auto") req.tool_choice = "auto";
    else if (choice.type === "any") req.tool_choice = "required";
    else if (choice.type === "none") req.tool_choice = "none";
    else req.tool_choice = { type: "function", function: { name: choice.name } };
    if (choice.type !== "none" && choice.disable_parallel_tool_use) req.parallel_tool_calls = false;
  }
  const format = body.output_config?.format;
  if (format?.type === "json_schema" && format.schema) {
    req.response_format = { type: "json_schema", json_schema: { name: "output", schema: format.schema, strict: true } };
  }
  return req;
}

// ---------- response ----------

export function chatResponseToAnthropic(res: ChatResponse, model: string): AnthropicMessage {
  const choice = res.choices[0];
  const content: AnthropicResponseBlock[] = [];
  const text = (choice?.message.content ?? "") || (choice?.message.refusal ?? "");
  if (text !== "") content.push({ type: "text", text });
  for (const tc of choice?.message.tool_calls ?? []) {
    content.push({ type: "tool_use", id: tc.id, name: tc.function.name, input: parseToolInput(tc.function.arguments) });
  }
  const hasToolUse = content.some((b) => b.type === "tool_use");
  return {
    id: anthropicMessageId(res.id),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: toAnthropicStopReason(choice?.finish_reason, hasToolUse),
    stop_sequence: null,
    usage: toAnthropicUsage(res.usage),
  };
}

export function anthropicError(status: number, type: string, message: string, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = { type: "error", error: { type: toAnthropicErrorType(type, status), message } };
  if (requestId) body.request_id = requestId;
  return body;
}
