import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { geminiAdapter } from "./index";

const raw = (name: string): string => readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const JSON_CT = "application/json; charset=UTF-8";

describe("gemini error mapping", () => {
  it("maps a recorded invalid API key (400 INVALID_ARGUMENT) to an authentication error", () => {
    expect(geminiAdapter.error(400, raw("error-api-key-invalid.json"), JSON_CT)).toEqual({
      status: 401,
      type: "authentication_error",
      message: "API key not valid. Please pass a valid API key.",
      code: "API_KEY_INVALID",
      param: null,
    });
  });

  it("maps a recorded PERMISSION_DENIED", () => {
    const e = geminiAdapter.error(403, raw("error-permission-denied.json"), JSON_CT);
    expect(e.status).toBe(403);
    expect(e.type).toBe("permission_error");
    expect(e.code).toBe("SERVICE_DISABLED");
    expect(e.message).toMatch(/^Generative Language API has not been used/);
  });

  it("maps a recorded RESOURCE_EXHAUSTED with its RetryInfo delay", () => {
    expect(geminiAdapter.error(429, raw("error-rate-limit.json"), JSON_CT)).toEqual({
      status: 429,
      type: "rate_limit_error",
      message: "You exceeded your current quota, please check your plan.",
      code: "RESOURCE_EXHAUSTED",
      param: null,
      retryAfterMs: 34_400,
    });
  });

  it("maps recorded INVALID_ARGUMENT answers", () => {
    const e = geminiAdapter.error(400, raw("error-invalid-argument.json"), JSON_CT);
    expect(e).toMatchObject({ status: 400, type: "invalid_request_error", code: "INVALID_ARGUMENT" });
    expect(e.message).toBe("Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.");
    const batch = geminiAdapter.error(400, raw("batch-embed-error.json"), JSON_CT);
    expect(batch.message).toBe("* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch");
  });

  it("maps the remaining canonical codes", () => {
    const status = (code: number, name: string) =>
      geminiAdapter.error(code, JSON.stringify({ error: { code, message: "m", status: name } }), JSON_CT);
    expect(status(404, "NOT_FOUND")).toMatchObject({ status: 404, type: "not_found_error" });
    expect(status(401, "UNAUTHENTICATED")).toMatchObject({ status: 401, type: "authentication_error" });
    expect(status(500, "INTERNAL")).toMatchObject({ status: 500, type: "server_error", code: "INTERNAL" });
    expect(status(503, "UNAVAILABLE")).toMatchObject({ status: 503, type: "server_error", code: "UNAVAILABLE" });
    expect(status(504, "DEADLINE_EXCEEDED")).toMatchObject({ status: 504, type: "server_error" });
  });

  it("reads an error wrapped in an array (streamGenerateContent without alt=sse)", () => {
    const e = geminiAdapter.error(429, `[${raw("error-rate-limit.json")}]`, JSON_CT);
    expect(e.type).toBe("rate_limit_error");
  });

  it("never echoes HTML and keeps short plain-text clues", () => {
    const html = "<!DOCTYPE html>\n<html><head><title>Error 502 (Server Error)!!1</title></head><body><p>That’s an error.</p></body></html>";
    const e = geminiAdapter.error(502, html, "text/html; charset=UTF-8");
    expect(e).toEqual({ status: 502, type: "server_error", message: "Gemini returned 502 with a non-JSON body (text/html)", code: null, param: null });
    expect(geminiAdapter.error(503, "upstream connect error", "text/plain").message).toBe(
      "Gemini returned 503 with a non-JSON body (text/plain): upstream connect error",
    );
    expect(geminiAdapter.error(500, "", undefined).message).toBe("Gemini returned 500 with an empty body");
    expect(geminiAdapter.error(400, '{"weird":true}', JSON_CT)).toMatchObject({ status: 400, type: "invalid_request_error" });
    expect(geminiAdapter.error(200, "{}", JSON_CT).status).toBe(502);
  });
});
