import type { ChatMessage, ChatRequest, ContentPart, FunctionTool, ProviderTarget, ToolChoice } from "../types";
import { invalidRequest } from "../shared/errors";
import { isRecord, safeJsonParse, type JsonObject } from "../shared/json";

/**
 * Canonical (OpenAI Chat Completions) request → Anthropic Messages request.
 *
 * The structural differences this has to bridge:
 *  - system/developer messages are a top-level `system`, not turns;
 *  - turns must alternate user/assistant, so adjacent same-role turns merge;
 *  - tool results are `tool_result` blocks inside a user turn;
 *  - `max_tokens` is required;
 *  - there is no response_format: json_schema is emulated with a forced tool
 *    (undone again in response.ts / stream.ts), json_object with a system hint.
 */

type Block = JsonObject;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

export const DEFAULT_MAX_TOKENS = 4096;
export const JSON_OBJECT_HINT = "Respond only with a single valid JSON object, without any text before or after it.";

/** The forced tool standing in for response_format json_schema, if any. */
export function jsonSchemaToolName(req: ChatRequest | undefined): string | undefined {
  const rf = req?.response_format;
  return rf?.type === "json_schema" ? rf.json_schema.name : undefined;
}

function imageBlock(url: string): Block {
  const data = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(url);
  if (data) {
    if (!data[2]) throw invalidRequest("Image data URLs must be base64-encoded for Anthropic models", "messages");
    return { type: "image", source: { type: "base64", media_type: data[1], data: data[3] } };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw invalidRequest("Image URLs must be http(s) or base64 data URLs", "messages");
}

function fileBlock(file: Extract<ContentPart, { type: "file" }>["file"]): Block {
  const data = file.file_data ? /^data:application\/pdf;base64,(.*)$/s.exec(file.file_data) : null;
  if (!data) throw invalidRequest("Only inline PDF files (base64 data URLs) are supported by Anthropic models", "messages");
  const block: Block = { type: "document", source: { type: "base64", media_type: "application/pdf", data: data[1] } };
  if (file.filename) block.title = file.filename;
  return block;
}

function contentBlocks(content: string | ContentPart[] | null | undefined): Block[] {
  if (content == null) return [];
  // Anthropic rejects empty text blocks, so empty text simply disappears.
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: Block[] = [];
  for (const part of content) {
    switch (part.type) {
      case "text":
        if (part.text !== "") blocks.push({ type: "text", text: part.text });
        break;
      case "image_url":
        blocks.push(imageBlock(part.image_url.url));
        break;
      case "file":
        blocks.push(fileBlock(part.file));
        break;
      case "input_audio":
        throw invalidRequest("Audio input is not supported by Anthropic models", "messages");
    }
  }
  return blocks;
}

function systemText(content: string | ContentPart[]): string[] {
  if (typeof content === "string") return content === "" ? [] : [content];
  return content.flatMap((p) => {
    if (p.type !== "text") throw invalidRequest("System messages may only contain text for Anthropic models", "messages");
    return p.text === "" ? [] : [p.text];
  });
}

/** Tool arguments arrive as a JSON string; Anthropic wants the object. */
function toolInput(args: string): JsonObject {
  const parsed = safeJsonParse(args);
  // A model can emit broken arguments and a client can echo them back; sending
  // {} keeps the conversation valid instead of failing the whole request.
  return isRecord(parsed) ? parsed : {};
}

type SystemMessage = Extract<ChatMessage, { role: "system" | "developer" }>;

function isSystem(m: ChatMessage): m is SystemMessage {
  return m.role === "system" || m.role === "developer";
}

function toTurn(msg: Exclude<ChatMessage, SystemMessage>): Turn {
  switch (msg.role) {
    case "user":
      return { role: "user", content: contentBlocks(msg.content) };
    case "assistant": {
      const blocks = contentBlocks(msg.content).filter((b) => b.type === "text");
      for (const call of msg.tool_calls ?? []) {
        blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
      }
      return { role: "assistant", content: blocks };
    }
    case "tool": {
      const result: Block = { type: "tool_result", tool_use_id: msg.tool_call_id };
      if (typeof msg.content === "string") {
        if (msg.content !== "") result.content = msg.content;
      } else {
        const inner = contentBlocks(msg.content);
        if (inner.length) result.content = inner;
      }
      return { role: "user", content: [result] };
    }
  }
}

/** Merge adjacent same-role turns; tool results first, as Anthropic requires. */
function alternate(turns: Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const t of turns) {
    if (t.content.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === t.role) last.content.push(...t.content);
    else out.push({ role: t.role, content: [...t.content] });
  }
  for (const t of out) {
    if (t.role === "user") {
      const results = t.content.filter((b) => b.type === "tool_result");
      if (results.length) t.content = [...results, ...t.content.filter((b) => b.type !== "tool_result")];
    }
  }
  return out;
}

/** A lone text block goes on the wire as a plain string, like most clients send it. */
function wireContent(blocks: Block[]): string | Block[] {
  const only = blocks.length === 1 ? blocks[0] : undefined;
  return only && only.type === "text" && Object.keys(only).length === 2 ? (only.text as string) : blocks;
}

function anthropicTool(t: FunctionTool): JsonObject {
  const tool: JsonObject = {
    name: t.function.name,
    input_schema: t.function.parameters ?? { type: "object", properties: {} },
  };
  if (t.function.description) tool.description = t.function.description;
  return tool;
}

function anthropicToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): JsonObject | undefined {
  let out: JsonObject | undefined;
  if (choice === "auto") out = { type: "auto" };
  else if (choice === "required") out = { type: "any" };
  else if (choice === "none") return { type: "none" };
  else if (choice) out = { type: "tool", name: choice.function.name };
  if (parallel === false) out = { ...(out ?? { type: "auto" }), disable_parallel_tool_use: true };
  return out;
}

export function anthropicUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return base.endsWith("/v1") ? `${base}/messages` : `${base}/v1/messages`;
}

export function anthropicBody(req: ChatRequest, target: ProviderTarget): JsonObject {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const m of req.messages) {
    if (isSystem(m)) system.push(...systemText(m.content));
    else turns.push(toTurn(m));
  }
  if (req.response_format?.type === "json_object") system.push(JSON_OBJECT_HINT);

  const body: JsonObject = {
    model: target.upstreamModel,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? target.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
    messages: alternate(turns).map((t) => ({ role: t.role, content: wireContent(t.content) })),
  };
  if (system.length === 1) body.system = system[0];
  else if (system.length > 1) body.system = system.map((text) => ({ type: "text", text }));

  // OpenAI allows temperature up to 2, Anthropic up to 1: clamp rather than 400.
  if (typeof req.temperature === "number") body.temperature = Math.min(1, Math.max(0, req.temperature));
  // Newer Claude models reject temperature and top_p together; top_p 1 is the
  // no-op default many OpenAI clients send anyway, so that one is dropped.
  if (typeof req.top_p === "number" && !(req.top_p === 1 && body.temperature !== undefined)) body.top_p = req.top_p;
  if (typeof req.top_k === "number") body.top_k = req.top_k;
  if (req.stop != null) {
    const stops = (typeof req.stop === "string" ? [req.stop] : req.stop).filter((s) => s !== "");
    if (stops.length) body.stop_sequences = stops;
  }
  if (req.user) body.metadata = { user_id: req.user };

  const tools = (req.tools ?? []).map(anthropicTool);
  let toolChoice = anthropicToolChoice(req.tool_choice, req.parallel_tool_calls);
  const jsonTool = jsonSchemaToolName(req);
  if (jsonTool && req.response_format?.type === "json_schema") {
    const js = req.response_format.json_schema;
    tools.push({
      name: jsonTool,
      description: js.description ?? "Return the answer as JSON matching this schema.",
      input_schema: js.schema ?? { type: "object" },
    });
    toolChoice = { type: "tool", name: jsonTool };
  }
  if (tools.length) {
    body.tools = tools;
    if (toolChoice) body.tool_choice = toolChoice;
  }
  if (req.stream) body.stream = true;
  return body;
}
