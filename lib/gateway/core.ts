import { handleChat } from "./chat";
import { handleEmbeddings } from "./embeddings";
import { handleModels } from "./models";
import { handleOpenApi, handlePromptApi, PROMPT_API_PATH } from "./prompt-api";
import { handleStoredResponse } from "./responses";
import { handleCountTokens, handleResponsesInputTokens } from "./count-tokens";
import { GatewayError, badRequest, errorBody } from "./errors";
import { requestIdFor } from "./context";
import type { GatewayRequest, GatewaySink } from "./types";

/**
 * The gateway core: no Next, no web streams. Both mounts (the production
 * server's fast path and the app/v1 route handlers) call this.
 */
export async function handleGateway(req: GatewayRequest, sink: GatewaySink): Promise<void> {
  const p = req.path.length > 1 && req.path.endsWith("/") ? req.path.slice(0, -1) : req.path;
  const m = req.method;
  if (p === "/v1/chat/completions" && m === "POST") return handleChat(req, sink, "openai");
  if (p === "/v1/messages" && m === "POST") return handleChat(req, sink, "anthropic");
  if (p === "/v1/messages/count_tokens" && m === "POST") return (await handleCountTokens(req, sink));
  if (p === "/v1/responses" && m === "POST") return handleChat(req, sink, "responses");
  if (p === "/v1/responses/input_tokens" && m === "POST") return (await handleResponsesInputTokens(req, sink));
  if (RESPONSE_PATH.test(p) && (m === "GET" || m === "DELETE")) return (await handleStoredResponse(req, sink, p.slice("/v1/responses/".length)));
  if (p === "/v1/embeddings" && m === "POST") return handleEmbeddings(req, sink);
  if (p === "/v1/models" && m === "GET") return (await handleModels(req, sink));
  if (p.startsWith("/v1/models/") && m === "GET") {
    const id = decodePathSegment(p.slice("/v1/models/".length));
    if (id === null) return refuse(req, sink, "openai", badRequest("The model id in the path is not valid percent-encoding.", "model", "invalid_path"));
    return (await handleModels(req, sink, id));
  }
  if (m === "POST" && PROMPT_API_PATH.test(p)) return handlePromptApi(req, sink, p.slice("/v1/apis/".length));
  if (p === "/v1/openapi.json" && m === "GET") return (await handleOpenApi(req, sink));
  const known = ["/v1/chat/completions", "/v1/messages", "/v1/messages/count_tokens", "/v1/responses", "/v1/responses/input_tokens", "/v1/embeddings", "/v1/models", "/v1/openapi.json"];
  // Anthropic's SDKs parse errors of every /v1/messages path (batches, count_tokens, ...) in Anthropic's shape.
  const api = p === "/v1/messages" || p.startsWith("/v1/messages/") ? "anthropic" : "openai";
  const e = known.includes(p) || p.startsWith("/v1/models/") || PROMPT_API_PATH.test(p) || RESPONSE_PATH.test(p)
    ? new GatewayError(405, "invalid_request_error", "method_not_allowed", `${m} is not allowed on ${p}.`)
    : new GatewayError(404, "invalid_request_error", "unknown_url", `Unknown endpoint ${m} ${p}. Portico serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/embeddings and /v1/models.`);
  const extra: Record<string, string> = {};
  if (e.status === 405) {
    extra.allow = p === "/v1/models" || p.startsWith("/v1/models/") || p === "/v1/openapi.json" ? "GET" : RESPONSE_PATH.test(p) && p !== "/v1/responses/input_tokens" ? "GET, DELETE" : "POST";
  }
  refuse(req, sink, api, e, extra);
}

/** GET / DELETE /v1/responses/{id} (one path segment) */
const RESPONSE_PATH = /^\/v1\/responses\/[^/]+$/;

/** `decodeURIComponent` that says null instead of throwing URIError on a malformed escape (`%`, `%zz`). */
function decodePathSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Every data-plane answer carries a request id, refusals of unknown or malformed paths included. */
function refuse(req: GatewayRequest, sink: GatewaySink, api: "openai" | "anthropic", e: GatewayError, extra: Record<string, string> = {}): void {
  const id = requestIdFor(req);
  sink.head(e.status, { "content-type": "application/json", "x-request-id": id, ...extra });
  sink.end(errorBody(api, e, id));
}
