import type { InboundApi } from "./types";

/**
 * A refusal or failure on the data plane, rendered in the caller's API shape:
 * OpenAI `{error:{message,type,param,code}}` or Anthropic `{type:"error",error:{type,message}}`.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  /**
   * What happened, for the log only (request_logs.error_message, attempts): names of providers,
   * targets and upstream models, the upstream's own words. The caller sees `message`.
   */
  detail?: string;
  /** A limit or budget refusal: the scope that refused (key, app, team, api, route), for portico_refusals_total. */
  refusalScope?: string;
}

/** An error about the upstream: a generic message for the caller, the details for the log. */
export function upstreamError(status: number, type: string, code: string, message: string, detail: string, headers: Record<string, string> = {}): GatewayError {
  const e = new GatewayError(status, type, code, message, null, headers);
  e.detail = detail;
  return e;
}

export const badRequest = (message: string, param: string | null = null, code = "invalid_request") =>
  new GatewayError(400, "invalid_request_error", code, message, param);
export const unauthorized = (message: string, code = "invalid_api_key") => new GatewayError(401, "authentication_error", code, message);
export const notFoundModel = (model: string) =>
  new GatewayError(404, "invalid_request_error", "model_not_found", `The model '${model}' does not exist or you do not have access to it.`, "model");

/** OpenAI error type → Anthropic error type. */
function anthropicType(status: number, type: string): string {
  if (type === "overloaded_error" || status === 529) return "overloaded_error";
  if (status === 400 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 504) return "timeout_error";
  return "api_error";
}

export function errorBody(api: InboundApi, e: GatewayError, requestId: string): string {
  if (api === "anthropic") {
    return JSON.stringify({ type: "error", error: { type: anthropicType(e.status, e.type), message: e.message }, request_id: requestId });
  }
  return JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.code, request_id: requestId } });
}

/** An in-stream error event for a stream that already started (never replayed). */
export function streamErrorEvent(api: InboundApi, e: GatewayError): string {
  if (api === "anthropic") {
    return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: anthropicType(e.status, e.type), message: e.message } })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message: e.message, type: e.type, param: null, code: e.code } })}\n\n`;
}
