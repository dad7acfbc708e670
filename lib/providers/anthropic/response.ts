import type { ChatResponse, FinishReason, ProviderError, ResponseContext, ToolCall, Usage } from "../types";
import { errorFromBody, extractOpenAIError, invalidUpstreamBody, type ErrorFields } from "../shared/errors";
import { isRecord, num, str } from "../shared/json";
import { jsonSchemaToolName } from "./request";

/** Anthropic stop_reason → OpenAI finish_reason. */
export function finishReason(stop: unknown): FinishReason | null {
  switch (stop) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case null:
    case undefined:
      return null;
  }
  return "stop";
}

/** Token counts as Anthropic reports them; the stream updates them piecemeal. */
export interface AnthropicTokens {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheCreation?: number;
  thinking?: number;
}

/** Merge the numeric fields of an Anthropic usage object into `into`. */
export function readTokens(u: unknown, into: AnthropicTokens = {}): AnthropicTokens {
  if (!isRecord(u)) return into;
  into.input = num(u.input_tokens) ?? into.input;
  into.output = num(u.output_tokens) ?? into.output;
  into.cacheRead = num(u.cache_read_input_tokens) ?? into.cacheRead;
  into.cacheCreation = num(u.cache_creation_input_tokens) ?? into.cacheCreation;
  const details = isRecord(u.output_tokens_details) ? u.output_tokens_details : undefined;
  into.thinking = num(details?.thinking_tokens) ?? into.thinking;
  return into;
}

/**
 * Anthropic counts cached input separately from `input_tokens`; OpenAI's
 * prompt_tokens includes it (and reports the cached part in details), so the
 * three input counters add up to prompt_tokens.
 */
export function toUsage(t: AnthropicTokens): Usage | null {
  if (t.input === undefined && t.output === undefined) return null;
  const prompt = (t.input ?? 0) + (t.cacheRead ?? 0) + (t.cacheCreation ?? 0);
  const completion = t.output ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (t.cacheRead !== undefined) usage.prompt_tokens_details = { cached_tokens: t.cacheRead };
  if (t.thinking !== undefined) usage.completion_tokens_details = { reasoning_tokens: t.thinking };
  return usage;
}

export function anthropicUsage(body: unknown): Usage | null {
  return isRecord(body) ? toUsage(readTokens(body.usage)) : null;
}

export function anthropicChatResponse(body: unknown, ctx: ResponseContext): ChatResponse {
  if (!isRecord(body) || !Array.isArray(body.content)) {
    throw invalidUpstreamBody("a message without content");
  }
  const jsonTool = jsonSchemaToolName(ctx.request);
  let text = "";
  let json: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of body.content as unknown[]) {
    if (!isRecord(block)) continue;
    if (block.type === "text") text += str(block.text) ?? "";
    else if (block.type === "tool_use") {
      const name = str(block.name) ?? "";
      const args = JSON.stringify(block.input ?? {});
      if (jsonTool !== undefined && name === jsonTool && json === undefined) json = args;
      else toolCalls.push({ id: str(block.id) ?? "", type: "function", function: { name, arguments: args } });
    }
    // thinking / redacted_thinking / server tool blocks have no OpenAI equivalent.
  }

  let finish = finishReason(body.stop_reason) ?? "stop";
  let content: string | null = text !== "" ? text : toolCalls.length ? null : "";
  if (json !== undefined) {
    // json_schema emulation: the forced tool's input *is* the answer.
    content = json;
    if (finish === "tool_calls" && toolCalls.length === 0) finish = "stop";
  }

  const message: ChatResponse["choices"][number]["message"] = { role: "assistant", content };
  if (toolCalls.length) message.tool_calls = toolCalls;
  const response: ChatResponse = {
    id: str(body.id) || ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
  };
  const usage = anthropicUsage(body);
  if (usage) response.usage = usage;
  return response;
}

/** `{"type":"error","error":{"type","message"},"request_id"}`; proxies may answer OpenAI-style. */
export function extractAnthropicError(json: unknown): ErrorFields | undefined {
  if (isRecord(json) && isRecord(json.error)) {
    const e = json.error;
    const message = str(e.message);
    if (message) return { message, type: str(e.type) };
  }
  return extractOpenAIError(json);
}

export function anthropicError(status: number, bodyText: string, contentType: string | undefined): ProviderError {
  return errorFromBody(status, bodyText, contentType, extractAnthropicError);
}
