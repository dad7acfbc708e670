import type { ChatRequest } from "@/lib/providers/types";
import { anthropicMessagesSchema, anthropicToChatRequest } from "./inbound/anthropic-messages";
import { chatRequestSchema, validate } from "./stages/parse";
import { chatOutput, type ChatOutput } from "./output";
import type { KeyInfo } from "./snapshot";
import type { CallRecord, InboundApi } from "./types";

/**
 * What one inbound API contributes to the chat pipeline (chat.ts): its parse/convert step
 * (the caller's body → the canonical ChatRequest) and its output writer (canonical answer →
 * the caller's JSON or stream). The pipeline's stages are the same for every API; an
 * endpoint is only this. One object per call: an API may keep per-call state (the Responses
 * API keeps what `store` writes when the call ends).
 */
export interface InboundCall {
  /** request_logs.endpoint */
  readonly endpoint: string;
  /** the JSON body (already parsed) → the canonical request; runs after authentication */
  toChat(body: unknown, key: KeyInfo): ChatRequest | Promise<ChatRequest>;
  /** the id the caller's answer carries */
  responseId(rec: CallRecord): string;
  /** the writer of this call's answer (`estimateInput`: the prompt's token estimate, computed only when needed) */
  output(alias: string, responseId: string, estimateInput: () => number): ChatOutput;
  /** OpenAI chat in: whether the final usage-only chunk is sent */
  includeUsage(chat: ChatRequest): boolean;
  /** what routing conditions on `metadata.<key>` read, when it is not the canonical request's `metadata` (which goes upstream) */
  routingMetadata?(): Record<string, unknown> | null | undefined;
  /** the call ended (success or not), before the record stage; must not throw */
  finish?(rec: CallRecord): void;
}

const openaiChat: InboundCall = {
  endpoint: "chat.completions",
  toChat: (body) => validate(chatRequestSchema, body) as ChatRequest,
  responseId: (rec) => `chatcmpl-${rec.id.slice(4)}`,
  output: (alias, id, est) => chatOutput("openai", alias, id, est),
  includeUsage: (chat) => !!chat.stream_options?.include_usage,
};

const anthropicMessages: InboundCall = {
  endpoint: "messages",
  toChat: (body) => anthropicToChatRequest(validate(anthropicMessagesSchema, body)),
  responseId: (rec) => `msg_${rec.id.slice(4)}`,
  output: (alias, id, est) => chatOutput("anthropic", alias, id, est),
  includeUsage: () => false,
};

/** The chat-shaped inbound APIs other than the Responses API (which has state: lib/gateway/responses.ts). */
export function statelessInbound(api: Exclude<InboundApi, "responses">): InboundCall {
  return api === "anthropic" ? anthropicMessages : openaiChat;
}
