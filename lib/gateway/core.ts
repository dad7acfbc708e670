import { handleChat } from "./chat";
import { handleEmbeddings } from "./embeddings";
import { handleModels } from "./models";
import { handleOpenApi, handlePromptApi, PROMPT_API_PATH } from "./prompt-api";
import { GatewayError, errorBody } from "./errors";
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
  if (p === "/v1/embeddings" && m === "POST") return handleEmbeddings(req, sink);
  if (p === "/v1/models" && m === "GET") return handleModels(req, sink);
  if (p.startsWith("/v1/models/") && m === "GET") return handleModels(req, sink, decodeURIComponent(p.slice("/v1/models/".length)));
  if (m === "POST" && PROMPT_API_PATH.test(p)) return handlePromptApi(req, sink, p.slice("/v1/apis/".length));
  if (p === "/v1/openapi.json" && m === "GET") return handleOpenApi(req, sink);
  const known = ["/v1/chat/completions", "/v1/messages", "/v1/embeddings", "/v1/models", "/v1/openapi.json"];
  const api = p === "/v1/messages" ? "anthropic" : "openai";
  const e = known.includes(p) || p.startsWith("/v1/models/") || PROMPT_API_PATH.test(p)
    ? new GatewayError(405, "invalid_request_error", "method_not_allowed", `${m} is not allowed on ${p}.`)
    : new GatewayError(404, "invalid_request_error", "unknown_url", `Unknown endpoint ${m} ${p}. Portico serves /v1/chat/completions, /v1/messages, /v1/embeddings and /v1/models.`);
  // Every data-plane answer carries a request id, refusals of unknown paths included.
  const id = requestIdFor(req);
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": id };
  if (e.status === 405) headers.allow = p === "/v1/models" || p.startsWith("/v1/models/") || p === "/v1/openapi.json" ? "GET" : "POST";
  sink.head(e.status, headers);
  sink.end(errorBody(api, e, id));
}
