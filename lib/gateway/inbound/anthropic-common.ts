/**
 * Small mappings shared by the Anthropic response converter and the stream
 * encoder (kept apart so neither module imports the other).
 */
import type { Usage } from "@/lib/providers/types";
import type { AnthropicErrorType, AnthropicStopReason, AnthropicUsage } from "./anthropic-types";

export function toAnthropicStopReason(reason: string | null | undefined, hasToolUse: boolean): AnthropicStopReason {
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      // Some providers say "stop" after tool calls; Anthropic clients loop on tool_use.
      return hasToolUse ? "tool_use" : "end_turn";
  }
}

/**
 * Canonical usage → Anthropic usage. OpenAI's prompt_tokens include cached
 * tokens; Anthropic's input_tokens exclude cache reads (total input = input +
 * cache_creation + cache_read), so the cached part moves to its own field.
 */
export function toAnthropicUsage(u: Usage | null | undefined): AnthropicUsage {
  if (!u) return { input_tokens: 0, output_tokens: 0 };
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const usage: AnthropicUsage = { input_tokens: Math.max(0, u.prompt_tokens - cached), output_tokens: u.completion_tokens };
  if (cached > 0) usage.cache_read_input_tokens = cached;
  return usage;
}

/** Tool arguments are a JSON string canonically, an object in Anthropic's blocks. */
export function parseToolInput(args: string): Record<string, unknown> {
  try {
    const v = JSON.parse(args) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `chatcmpl-abc` → `msg_chatcmplabc`: Anthropic ids are msg_ + [A-Za-z0-9]. */
export function anthropicMessageId(id: string): string {
  return id.startsWith("msg_") ? id : `msg_${id.replace(/[^A-Za-z0-9]/g, "") || "portico"}`;
}

// ---------- errors ----------

const ANTHROPIC_TYPES = new Set<string>([
  "invalid_request_error",
  "authentication_error",
  "billing_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "timeout_error",
  "api_error",
  "overloaded_error",
]);

/** OpenAI-style (or already Anthropic) error type + HTTP status → Anthropic error type. */
export function toAnthropicErrorType(type: string, status: number): AnthropicErrorType {
  if (ANTHROPIC_TYPES.has(type)) return type as AnthropicErrorType;
  switch (type) {
    case "permission_denied":
      return "permission_error";
    case "rate_limit_exceeded":
    case "insufficient_quota":
    case "tokens":
    case "requests":
      return "rate_limit_error";
    case "server_error":
      return status === 503 || status === 529 ? "overloaded_error" : status === 504 ? "timeout_error" : "api_error";
  }
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 408:
    case 504:
      return "timeout_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
  }
  return status >= 500 ? "api_error" : "invalid_request_error";
}

