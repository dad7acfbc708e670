/**
 * The OpenAI Responses API: POST /v1/responses runs the chat pipeline (chat.ts) with the
 * InboundCall below (convert in, write out, store at the end); GET and DELETE
 * /v1/responses/{id} read and remove what `store` kept (lib/gateway/responses-store.ts).
 *
 * `store` defaults to true, as at OpenAI: a stored answer costs one queued row, and SDK code
 * written for OpenAI relies on `previous_response_id` working without asking for it. Only a
 * complete answer (HTTP 200, outcome ok: `completed` or `incomplete`) is stored; failed, cut
 * and refused calls are not.
 */
import type { ChatMessage, Usage } from "@/lib/providers/types";
import { GatewayError, badRequest } from "./errors";
import type { InboundCall } from "./inbound-call";
import { responsesRequestSchema, unsupportedFeature, type ResponsesRequestInput } from "./inbound/responses-schema";
import { responsesToChatRequest, type ConvertedResponsesRequest } from "./inbound/responses-request";
import {
  chatResponseToResponses,
  createResponsesStreamEncoder,
  outputToMessage,
  randomId,
  responsesBase,
  type ResponsesBase,
  type ResponsesStreamEncoder,
} from "./inbound/responses-output";
import type { ResponsesObject } from "./inbound/responses-types";
import { deleteResponse, getResponse, saveResponse } from "./responses-store";
import { getSnapshot } from "./snapshot";
import { authenticate } from "./stages/authenticate";
import { validate } from "./stages/parse";
import { boundedTokenCount } from "./token-estimate";
import { newRecord, requestIdFor, sendError, toGatewayError } from "./context";
import type { GatewayRequest, GatewaySink } from "./types";

/** A conversation (stored history + this request) larger than this is refused: it could never be sent anyway. */
const MAX_CONVERSATION_BYTES = Number(process.env.PORTICO_RESPONSES_MAX_CONVERSATION_MB || 16) * 1024 * 1024;

const notFound = (id: string, param: string | null = null) =>
  new GatewayError(404, "invalid_request_error", param ? "previous_response_not_found" : "response_not_found", `No response found with id '${id}'.`, param);

/** One POST /v1/responses call: parse/convert, the output writer, and `store` when it ends. */
export function responsesCall(): InboundCall {
  let body: ResponsesRequestInput;
  let conv: ConvertedResponsesRequest;
  let store = true;
  let id = "";
  let base: ResponsesBase | null = null;
  let enc: ResponsesStreamEncoder | null = null;
  let answer: ResponsesObject | null = null;
  return {
    endpoint: "responses",

    async toChat(raw, key) {
      const bad = unsupportedFeature(raw);
      if (bad) throw badRequest(bad.message, bad.param, "unsupported_parameter");
      body = validate(responsesRequestSchema, raw);
      let previous: ChatMessage[] = [];
      let model = body.model;
      const prevId = body.previous_response_id;
      if (prevId) {
        // Scoped to the key's app: another tenant's id is "not found", exactly like an unknown one.
        const prev = key.appId ? (await getResponse(prevId, key.appId)) : null;
        if (!prev) throw notFound(prevId, "previous_response_id");
        if (prev.conversation.length > MAX_CONVERSATION_BYTES) {
          throw badRequest(`The conversation of '${prevId}' is too long to continue; start a new one.`, "previous_response_id", "conversation_too_long");
        }
        previous = JSON.parse(prev.conversation) as ChatMessage[];
        model ??= prev.model;
      }
      if (!model) throw badRequest("Invalid request: 'model' is required.", "model");
      conv = responsesToChatRequest(body, model, previous);
      store = body.store !== false;
      return conv.chat;
    },

    responseId: () => (id = randomId("resp")),

    output(alias, responseId, estimateInput) {
      const b = responsesBase(body, { id: responseId, createdAt: Math.floor(Date.now() / 1000), model: alias, store });
      base = b;
      const estimate = (text: string): Usage => {
        const p = estimateInput();
        const c = boundedTokenCount(text);
        return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
      };
      const e = (enc = createResponsesStreamEncoder(b, randomId, estimate));
      return {
        chunk: (c) => e.chunk(c),
        end: (u) => e.end(u),
        error: (err) => e.error(err.status === 429 ? "rate_limit_exceeded" : "server_error", err.message),
        response: (r) => JSON.stringify((answer = chatResponseToResponses(r, b))),
        prime: (u) => e.prime(u),
      };
    },

    includeUsage: () => false,

    routingMetadata: () => body.metadata,

    finish(rec) {
      if (!store || !base || rec.status !== 200 || rec.outcome !== "ok" || !rec.appId) return;
      const done = answer ?? enc?.final() ?? null;
      if (!done) return;
      // The request as sent (content guards may have rewritten it), without the instructions.
      const sent = body.instructions ? conv.chat.messages.slice(1) : conv.chat.messages;
      saveResponse({
        id,
        at: Date.now(),
        appId: rec.appId,
        teamId: rec.teamId,
        keyId: rec.keyId,
        model: base.model,
        conversation: JSON.stringify([...sent, outputToMessage(done.output)]),
        response: JSON.stringify(done),
      });
    },
  };
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** GET /v1/responses/{id} and DELETE /v1/responses/{id}: the caller's app's stored responses. Not logged (no upstream call). */
export async function handleStoredResponse(req: GatewayRequest, sink: GatewaySink, rawId: string): Promise<void> {
  const rec = newRecord(requestIdFor(req), "responses.get", "responses");
  try {
    const key = authenticate(req.headers, (await getSnapshot()));
    let id = rawId;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      throw notFound(rawId);
    }
    if (!ID.test(id) || !key.appId) throw notFound(id);
    const json = { "content-type": "application/json", "x-request-id": rec.id };
    if (req.method === "DELETE") {
      if (!(await deleteResponse(id, key.appId))) throw notFound(id);
      sink.head(200, json);
      sink.end(JSON.stringify({ id, object: "response", deleted: true }));
      return;
    }
    if (req.query.get("stream") === "true") throw badRequest("Streaming a stored response is not supported by Portico; GET it without 'stream'.", "stream", "unsupported_parameter");
    const e = (await getResponse(id, key.appId));
    if (!e) throw notFound(id);
    sink.head(200, json);
    sink.end(e.response);
  } catch (e) {
    sendError(sink, "responses", rec, toGatewayError(e));
  }
}
