import { anthropicMessagesSchema, anthropicToChatRequest, type AnthropicMessagesRequest } from "./inbound/anthropic-messages";
import { badRequest, notFoundModel } from "./errors";
import { getSnapshot } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { authorizeAlias, deprecationHeaders } from "./stages/authorize";
import { checkBody, parseJsonBody, validate } from "./stages/parse";
import { boundedPromptTokens } from "./token-estimate";
import { newRecord, requestIdFor, sendError, toGatewayError } from "./context";
import { responsesCall } from "./responses";
import type { KeyInfo, Snapshot } from "./snapshot";
import type { ApiInfo } from "./access-snapshot";
import type { GatewayRequest, GatewaySink } from "./types";

/** A Messages request without what only generation needs (max_tokens, stream). */
const countTokensSchema = anthropicMessagesSchema.omit({ max_tokens: true, stream: true });

/**
 * POST /v1/messages/count_tokens (Anthropic's `messages.countTokens`): `{"input_tokens": N}`
 * for any chat route, whatever its provider. Checked like /v1/messages — body bounds, key,
 * then an approved subscription to an API exposing the alias — but it calls no upstream:
 * N is Portico's o200k estimate of the prompt (system, messages, tool definitions), with its
 * CPU cost bounded (token-estimate.ts: a caller picks the text). Not logged and not billed
 * (like /v1/models).
 */
export async function handleCountTokens(req: GatewayRequest, sink: GatewaySink): Promise<void> {
  const rec = newRecord(requestIdFor(req), "messages.count_tokens", "anthropic");
  try {
    checkBody(req);
    const snap = (await getSnapshot());
    const key = authenticate(req.headers, snap);
    const body = validate(countTokensSchema, parseJsonBody(req));
    const deprecation = authorizeChatAlias(snap, key, body.model);
    const chat = anthropicToChatRequest({ ...body, max_tokens: 1 } as AnthropicMessagesRequest);
    sink.head(200, { "content-type": "application/json", "x-request-id": rec.id, ...deprecation });
    sink.end(JSON.stringify({ input_tokens: boundedPromptTokens(chat) }));
  } catch (e) {
    sendError(sink, "anthropic", rec, toGatewayError(e));
  }
}

/**
 * POST /v1/responses/input_tokens (the openai SDK's `responses.inputTokens.count`): a Responses
 * request (previous_response_id included, scoped to the key's app) → `{"object":
 * "response.input_tokens", "input_tokens": N}`, the same bounded estimate, same checks, no log row.
 */
export async function handleResponsesInputTokens(req: GatewayRequest, sink: GatewaySink): Promise<void> {
  const rec = newRecord(requestIdFor(req), "responses.input_tokens", "responses");
  try {
    checkBody(req);
    const snap = (await getSnapshot());
    const key = authenticate(req.headers, snap);
    const chat = (await responsesCall().toChat(parseJsonBody(req), key));
    const deprecation = authorizeChatAlias(snap, key, chat.model);
    sink.head(200, { "content-type": "application/json", "x-request-id": rec.id, ...deprecation });
    sink.end(JSON.stringify({ object: "response.input_tokens", input_tokens: boundedPromptTokens(chat) }));
  } catch (e) {
    sendError(sink, "responses", rec, toGatewayError(e));
  }
}

/** An approved subscription to an API exposing `alias`, and a chat route behind it; the Deprecation headers to send. */
function authorizeChatAlias(snap: Snapshot, key: KeyInfo, alias: string): Record<string, string> {
  const authz = authorizeAlias(snap.access, key, alias);
  if (!authz.ok) throw authz.error;
  const route = snap.routes.get(alias);
  if (!route) throw notFoundModel(alias);
  if (route.kind !== "chat") throw badRequest(`'${alias}' is an embedding model; it counts no chat tokens.`, "model", "model_not_supported");
  return deprecationHeaders(authz.api as ApiInfo, authz.deprecated);
}
