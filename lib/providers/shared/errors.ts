import type { ProviderError } from "../types";
import { isRecord, safeJsonParse, str } from "./json";

/**
 * Thrown by adapters when they cannot do their job: the inbound request uses a
 * feature the provider cannot express (400), or the upstream answered 2xx with
 * a body we cannot read (502). The gateway catches it and answers with
 * `providerError` — a plain Error would surface as an opaque 500.
 */
export class AdapterError extends Error {
  readonly providerError: ProviderError;
  constructor(providerError: ProviderError) {
    super(providerError.message);
    this.name = "AdapterError";
    this.providerError = providerError;
  }
}

export function invalidRequest(message: string, param?: string): AdapterError {
  return new AdapterError({ status: 400, type: "invalid_request_error", message, param: param ?? null, code: null });
}

export function invalidUpstreamBody(what: string): AdapterError {
  return new AdapterError({
    status: 502,
    type: "server_error",
    message: `Upstream returned ${what}`,
    code: "bad_upstream_response",
    param: null,
  });
}

/** OpenAI-style error type for an HTTP status, used when the body names none. */
export function typeForStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
  }
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/** Inverse of typeForStatus, for errors that arrive inside a 200 stream. */
export function statusForType(type: string | undefined): number {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "request_too_large":
      return 413;
    case "rate_limit_error":
      return 429;
    case "overloaded_error":
      return 529;
  }
  return 500;
}

export interface ErrorFields {
  message?: string;
  type?: string;
  code?: unknown;
  param?: unknown;
}

const MAX_MESSAGE = 2000;

/**
 * Keep an upstream error type only when it looks like an OpenAI-style
 * snake_case type (invalid_request_error, insufficient_quota, tokens ...);
 * framework class names such as vLLM's "BadRequestError" are replaced by the
 * type that matches the status.
 */
function normaliseType(type: string | undefined, status: number): string {
  return type && /^[a-z][a-z0-9_]*$/.test(type) ? type : typeForStatus(status);
}

function normaliseCode(code: unknown): string | null {
  if (typeof code === "string" && code !== "") return code;
  if (typeof code === "number" && Number.isFinite(code)) return String(code);
  return null;
}

function mimeOf(contentType: string | undefined): string {
  const mime = contentType?.split(";")[0]?.trim().toLowerCase();
  return mime ? mime : "no content-type";
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text) || /<\/?(html|body|head|title|h1|center)\b/i.test(text);
}

/**
 * The message for a body we could not read. HTML (an nginx/Cloudflare error
 * page) is never echoed; a short plain-text line (Ollama's "404 page not found")
 * is kept because it is the only clue there is.
 */
export function nonJsonMessage(status: number, bodyText: string, contentType: string | undefined): string {
  const text = bodyText.trim();
  if (text === "") return `Upstream returned ${status} with an empty body`;
  const base = `Upstream returned ${status} with a non-JSON body (${mimeOf(contentType)})`;
  const plain = mimeOf(contentType) === "text/plain" || contentType === undefined;
  if (plain && !looksLikeHtml(text) && text.length <= 200 && !text.includes("\n")) return `${base}: ${text}`;
  return base;
}

/**
 * Map a non-2xx upstream answer to a ProviderError. `extract` knows the
 * provider's JSON error shape; everything around it (status fallback, empty and
 * non-JSON bodies, length caps) is the same for every provider.
 */
export function errorFromBody(
  status: number,
  bodyText: string,
  contentType: string | undefined,
  extract: (json: unknown) => ErrorFields | undefined,
): ProviderError {
  // A "failure" with a success status can only mean a broken upstream.
  const reported = status >= 400 && status <= 599 ? status : 502;
  const text = bodyText.trim();
  const json = text.startsWith("{") || text.startsWith("[") ? safeJsonParse(text) : undefined;
  const fields = json === undefined ? undefined : extract(json);
  if (fields?.message) {
    return {
      status: reported,
      type: normaliseType(fields.type, reported),
      message: fields.message.length > MAX_MESSAGE ? `${fields.message.slice(0, MAX_MESSAGE)}…` : fields.message,
      code: normaliseCode(fields.code),
      param: typeof fields.param === "string" ? fields.param : null,
    };
  }
  const message =
    json !== undefined
      ? `Upstream returned ${status} with an unrecognised JSON error body`
      : nonJsonMessage(status, bodyText, contentType);
  return { status: reported, type: normaliseType(fields?.type, reported), message, code: normaliseCode(fields?.code), param: null };
}

/**
 * Error bodies of OpenAI and the servers that imitate it. The canonical shape is
 * `{"error": {"message", "type", "param", "code"}}`; the variants seen in the
 * wild are handled too:
 *   Ollama            {"error": "model 'x' not found"}
 *   vLLM / Mistral    {"object": "error", "message", "type", "code": 400}
 *   Azure gateway 401 {"statusCode": 401, "message": "..."}
 *   FastAPI servers   {"detail": "..."} or {"detail": [{"msg": "..."}]}
 *   some proxies      [ {"error": {...}} ]
 */
export function extractOpenAIError(json: unknown): ErrorFields | undefined {
  const root = Array.isArray(json) ? (json[0] as unknown) : json;
  if (!isRecord(root)) return undefined;
  const err = root.error;
  if (isRecord(err)) {
    return { message: str(err.message), type: str(err.type), code: err.code, param: err.param };
  }
  if (typeof err === "string" && err !== "") return { message: err, type: str(root.type), code: root.code };
  if (typeof root.message === "string" && root.message !== "") {
    return { message: root.message, type: str(root.type), code: root.code, param: root.param };
  }
  if (typeof root.detail === "string") return { message: root.detail };
  if (Array.isArray(root.detail)) {
    const msgs = root.detail
      .map((d: unknown) => (isRecord(d) ? str(d.msg) : undefined))
      .filter((m): m is string => Boolean(m));
    if (msgs.length) return { message: msgs.join("; ") };
  }
  return undefined;
}
