/**
 * Google API errors → ProviderError. Google answers `{error:{code, message,
 * status, details}}` (google.rpc.Status); `status` is the canonical code name
 * and decides the type, the HTTP status is kept as reported.
 */
import type { ProviderError } from "../types";
import type { GeminiErrorBody } from "./wire";
import { isRecord } from "./wire";

const BY_STATUS: Record<string, { status: number; type: string }> = {
  INVALID_ARGUMENT: { status: 400, type: "invalid_request_error" },
  FAILED_PRECONDITION: { status: 400, type: "invalid_request_error" },
  OUT_OF_RANGE: { status: 400, type: "invalid_request_error" },
  UNAUTHENTICATED: { status: 401, type: "authentication_error" },
  PERMISSION_DENIED: { status: 403, type: "permission_error" },
  NOT_FOUND: { status: 404, type: "not_found_error" },
  RESOURCE_EXHAUSTED: { status: 429, type: "rate_limit_error" },
  CANCELLED: { status: 499, type: "server_error" },
  INTERNAL: { status: 500, type: "server_error" },
  UNKNOWN: { status: 500, type: "server_error" },
  UNAVAILABLE: { status: 503, type: "server_error" },
  DEADLINE_EXCEEDED: { status: 504, type: "server_error" },
};

function typeForHttp(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

const MAX_MESSAGE = 2000;

/** "34.4s" → 34400 */
function parseDelay(d: string | undefined): number | undefined {
  const m = d ? /^(\d+(?:\.\d+)?)s$/.exec(d) : null;
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/** The google.rpc.Status inside a body; streamGenerateContent without alt=sse wraps it in an array. */
function statusObject(json: unknown): GeminiErrorBody["error"] | undefined {
  const root = Array.isArray(json) ? (json[0] as unknown) : json;
  if (!isRecord(root) || !isRecord(root.error)) return undefined;
  return root.error as GeminiErrorBody["error"];
}

/** Build a ProviderError from an already-parsed body (also used for `data: {"error":…}` in streams). */
export function errorFromJson(httpStatus: number, json: unknown): ProviderError | undefined {
  const e = statusObject(json);
  if (!e) return undefined;
  const byName = e.status ? BY_STATUS[e.status] : undefined;
  const status = httpStatus >= 400 && httpStatus <= 599 ? httpStatus : (byName?.status ?? (typeof e.code === "number" ? e.code : 502));
  const details = Array.isArray(e.details) ? e.details.filter((d) => isRecord(d)) : [];
  const reason = details.find((d) => typeof d.reason === "string")?.reason;
  const raw = typeof e.message === "string" && e.message.trim() !== "" ? e.message.trim() : `Gemini returned ${e.status ?? status}`;
  const err: ProviderError = {
    status,
    type: byName?.type ?? typeForHttp(status),
    message: raw.length > MAX_MESSAGE ? `${raw.slice(0, MAX_MESSAGE)}…` : raw,
    code: reason ?? e.status ?? null,
    param: null,
  };
  if (reason === "API_KEY_INVALID") {
    // Google reports a bad key as 400 INVALID_ARGUMENT; it is an auth failure
    // (not the client's request), so it must not be answered as a 400.
    err.status = 401;
    err.type = "authentication_error";
  }
  const delay = parseDelay(details.find((d) => typeof d.retryDelay === "string")?.retryDelay);
  if (delay !== undefined) err.retryAfterMs = delay;
  return err;
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text) || /<\/?(html|body|head|title)\b/i.test(text);
}

export function mapError(status: number, bodyText: string, contentType: string | undefined): ProviderError {
  const reported = status >= 400 && status <= 599 ? status : 502;
  const text = bodyText.trim();
  let json: unknown;
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
  }
  const fromJson = json === undefined ? undefined : errorFromJson(reported, json);
  if (fromJson) return fromJson;
  let message: string;
  if (json !== undefined) message = `Gemini returned ${reported} with an unrecognised JSON error body`;
  else if (text === "") message = `Gemini returned ${reported} with an empty body`;
  else {
    const mime = contentType?.split(";")[0]?.trim().toLowerCase() || "no content-type";
    message = `Gemini returned ${reported} with a non-JSON body (${mime})`;
    // A short plain-text line is the only clue there is; HTML error pages are never echoed.
    if (!looksLikeHtml(text) && text.length <= 200 && !text.includes("\n") && mime !== "text/html") {
      message += `: ${text}`;
    }
  }
  return { status: reported, type: typeForHttp(reported), message, code: null, param: null };
}
