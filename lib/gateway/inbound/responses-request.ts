/**
 * Responses API request → the canonical ChatRequest (OpenAI Chat Completions shape), so
 * a POST /v1/responses can go to ANY provider family. Pure: the conversation a
 * `previous_response_id` points at is looked up by the caller and handed in.
 *
 * Mapping (where the formats do not line up, the choice is written down):
 * - `instructions` → a leading system message. It is NOT part of the stored conversation:
 *   as at OpenAI, the instructions of a previous response are not carried over.
 * - message items (string or input_text / input_image / input_file parts; assistant turns with
 *   output_text / refusal parts) → chat messages; consecutive function_call items (and the
 *   assistant text before them) → one assistant message with tool_calls; function_call_output
 *   → a tool message (its image/file parts follow in a user message, as tool messages carry text).
 * - input_image by URL or data URL, input_file by inline `file_data` → canonical parts.
 *   A `file_id` (OpenAI's file store) or `file_url` has no meaning at another provider: 400.
 * - reasoning items, item references and every hosted-tool item: 400 naming `input.N.type`.
 * - `text.format` → response_format; `max_output_tokens` → max_tokens (as /v1/messages does);
 *   `reasoning.effort` → reasoning_effort; `safety_identifier` / `user` → user.
 * - `metadata` belongs to the stored response (echoed, and read by routing conditions through
 *   the endpoint), not to the upstream call: OpenAI's Chat Completions refuses it without `store`.
 */
import type { ChatMessage, ChatRequest, ContentPart, FunctionTool, ToolCall } from "@/lib/providers/types";
import { badRequest } from "../errors";
import type { ResponsesRequestInput } from "./responses-schema";

type Item = Record<string, unknown>;

const str = (v: unknown): v is string => typeof v === "string";

function fail(path: string, message: string): never {
  throw badRequest(`Invalid request: '${path}': ${message}`, path);
}

function inputPart(p: unknown, path: string): ContentPart {
  if (!p || typeof p !== "object") fail(path, "a content part must be an object");
  const part = p as Item;
  switch (part.type) {
    case "input_text":
    case "output_text":
      if (!str(part.text)) fail(`${path}.text`, "must be a string");
      return { type: "text", text: part.text };
    case "refusal":
      if (!str(part.refusal)) fail(`${path}.refusal`, "must be a string");
      return { type: "text", text: part.refusal };
    case "input_image": {
      if (part.file_id != null) fail(`${path}.file_id`, "images by file_id are not supported by Portico; send 'image_url' (a URL or a data: URL)");
      if (!str(part.image_url) || !part.image_url) fail(`${path}.image_url`, "an input_image needs 'image_url'");
      const detail = part.detail === "low" || part.detail === "high" || part.detail === "auto" ? part.detail : undefined;
      return { type: "image_url", image_url: { url: part.image_url, ...(detail ? { detail } : {}) } };
    }
    case "input_file": {
      if (part.file_id != null) fail(`${path}.file_id`, "files by file_id are not supported by Portico; send the file inline as 'file_data'");
      if (part.file_url != null) fail(`${path}.file_url`, "files by URL are not supported by Portico; send the file inline as 'file_data'");
      if (!str(part.file_data) || !part.file_data) fail(`${path}.file_data`, "an input_file needs 'file_data'");
      return { type: "file", file: { file_data: part.file_data, ...(str(part.filename) ? { filename: part.filename } : {}) } };
    }
    default:
      fail(`${path}.type`, `content part type '${String(part.type)}' is not supported`);
  }
}

function parts(content: unknown, path: string): ContentPart[] {
  if (!Array.isArray(content)) fail(path, "must be a string or an array of content parts");
  return content.map((p, i) => inputPart(p, `${path}.${i}`));
}

/** A single text part stays a plain string: every provider adapter handles that form. */
function simplify(ps: ContentPart[]): string | ContentPart[] {
  return ps.length === 1 && ps[0]?.type === "text" ? ps[0].text : ps;
}

function textOnly(ps: ContentPart[], path: string): string {
  return ps
    .map((p, i) => {
      if (p.type !== "text") fail(`${path}.${i}`, "assistant turns carry text only");
      return p.text;
    })
    .join("");
}

/** Input items → canonical messages (the instructions are not among them). */
export function responsesInputToMessages(input: string | Item[] | undefined): ChatMessage[] {
  if (input === undefined) return [];
  if (typeof input === "string") return [{ role: "user", content: input }];
  const out: ChatMessage[] = [];
  // The assistant message function_call items attach to (a run of calls is one assistant turn).
  let open: Extract<ChatMessage, { role: "assistant" }> | null = null;
  input.forEach((item, i) => {
    const path = `input.${i}`;
    const type = item.type ?? "message";
    if (type === "message") {
      const role = item.role;
      if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") fail(`${path}.role`, "must be user, assistant, system or developer");
      const content = item.content;
      if (role === "assistant") {
        const text = str(content) ? content : textOnly(parts(content, `${path}.content`), `${path}.content`);
        open = { role: "assistant", content: text };
        out.push(open);
        return;
      }
      open = null;
      const c = str(content) ? content : simplify(parts(content, `${path}.content`));
      out.push(role === "user" ? { role: "user", content: c } : { role, content: c });
      return;
    }
    if (type === "function_call") {
      if (!str(item.call_id) || !item.call_id) fail(`${path}.call_id`, "must be a non-empty string");
      if (!str(item.name) || !item.name) fail(`${path}.name`, "must be a non-empty string");
      if (!str(item.arguments)) fail(`${path}.arguments`, "must be a JSON string");
      const call: ToolCall = { id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments } };
      if (!open) {
        open = { role: "assistant", content: null };
        out.push(open);
      }
      (open.tool_calls ??= []).push(call);
      if (open.content === "") open.content = null;
      return;
    }
    if (type === "function_call_output") {
      open = null;
      if (!str(item.call_id) || !item.call_id) fail(`${path}.call_id`, "must be a non-empty string");
      const output = item.output;
      if (str(output)) {
        out.push({ role: "tool", tool_call_id: item.call_id, content: output });
        return;
      }
      const ps = parts(output, `${path}.output`);
      const text = ps.filter((p) => p.type === "text").map((p) => (p as { text: string }).text).join("\n");
      out.push({ role: "tool", tool_call_id: item.call_id, content: text });
      const extra = ps.filter((p) => p.type !== "text");
      if (extra.length) out.push({ role: "user", content: extra });
      return;
    }
    if (type === "reasoning") fail(`${path}.type`, "reasoning items are not supported by Portico (its upstreams do not share OpenAI's reasoning state); drop them from 'input'");
    if (type === "item_reference") fail(`${path}.type`, "item references are not supported by Portico; send the item itself or use 'previous_response_id'");
    fail(`${path}.type`, `input item type '${String(type)}' is not supported by Portico (only message, function_call and function_call_output)`);
  });
  return out;
}

export interface ConvertedResponsesRequest {
  chat: ChatRequest;
  /** the conversation sent (previous turns + this input), without the instructions: what `store` keeps */
  conversation: ChatMessage[];
}

/**
 * @param body a request that passed responsesRequestSchema (and unsupportedFeature)
 * @param model the alias to call (the request's, else the previous response's)
 * @param previous the stored conversation of `previous_response_id` (its input and output), if any
 */
export function responsesToChatRequest(body: ResponsesRequestInput, model: string, previous: ChatMessage[] = []): ConvertedResponsesRequest {
  const conversation = [...previous, ...responsesInputToMessages(body.input as string | Item[] | undefined)];
  if (conversation.length === 0) throw badRequest("Invalid request: 'input' is required (a string or input items).", "input");
  const messages: ChatMessage[] = body.instructions ? [{ role: "system", content: body.instructions }, ...conversation] : conversation;
  const req: ChatRequest = { model, messages };
  if (body.stream) {
    req.stream = true;
    // Metering needs the upstream's usage at the end of the stream.
    req.stream_options = { include_usage: true };
  }
  if (body.max_output_tokens != null) req.max_tokens = body.max_output_tokens;
  if (body.temperature != null) req.temperature = body.temperature;
  if (body.top_p != null) req.top_p = body.top_p;
  const user = body.safety_identifier ?? body.user;
  if (user) req.user = user;
  if (body.reasoning?.effort) req.reasoning_effort = body.reasoning.effort;
  if (body.text?.verbosity) req.verbosity = body.text.verbosity;
  const tools: FunctionTool[] = (body.tools ?? []).map((t) => ({
    type: "function",
    function: {
      name: t.name,
      ...(t.description != null ? { description: t.description } : {}),
      ...(t.parameters != null ? { parameters: t.parameters } : {}),
      ...(t.strict != null ? { strict: t.strict } : {}),
    },
  }));
  if (tools.length) req.tools = tools;
  const choice = body.tool_choice;
  if (choice !== undefined && tools.length) {
    req.tool_choice = typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
  }
  if (body.parallel_tool_calls != null && tools.length) req.parallel_tool_calls = body.parallel_tool_calls;
  const format = body.text?.format;
  if (format?.type === "json_object") req.response_format = { type: "json_object" };
  else if (format?.type === "json_schema") {
    req.response_format = {
      type: "json_schema",
      json_schema: {
        name: format.name,
        schema: format.schema,
        ...(format.description !== undefined ? { description: format.description } : {}),
        ...(format.strict != null ? { strict: format.strict } : {}),
      },
    };
  }
  return { chat: req, conversation };
}
