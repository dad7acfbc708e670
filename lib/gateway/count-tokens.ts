import { anthropicMessagesSchema, anthropicToChatRequest, type AnthropicMessagesRequest } from "./inbound/anthropic-messages";
import { badRequest, notFoundModel } from "./errors";
import { getSnapshot } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { authorizeAlias, deprecationHeaders } from "./stages/authorize";
import { checkBody, parseJsonBody, validate } from "./stages/parse";
import { boundedPromptTokens } from "./token-estimate";
import { newRecord, requestIdFor, sendError, toGatewayError } from "./context";
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
export function handleCountTokens(req: GatewayRequest, sink: GatewaySink): void {
  const rec = newRecord(requestIdFor(req), "messages.count_tokens", "anthropic");
  try {
    checkBody(req);
    const snap = getSnapshot();
    const key = authenticate(req.headers, snap);
    const body = validate(countTokensSchema, parseJsonBody(req));
    const authz = authorizeAlias(snap.access, key, body.model);
    if (!authz.ok) throw authz.error;
    const route = snap.routes.get(body.model);
    if (!route) throw notFoundModel(body.model);
    if (route.kind !== "chat") throw badRequest(`'${body.model}' is an embedding model; it counts no chat tokens.`, "model", "model_not_supported");
    const chat = anthropicToChatRequest({ ...body, max_tokens: 1 } as AnthropicMessagesRequest);
    const inputTokens = boundedPromptTokens(chat);
    sink.head(200, { "content-type": "application/json", "x-request-id": rec.id, ...deprecationHeaders(authz.api, authz.deprecated) });
    sink.end(JSON.stringify({ input_tokens: inputTokens }));
  } catch (e) {
    sendError(sink, "anthropic", rec, toGatewayError(e));
  }
}
