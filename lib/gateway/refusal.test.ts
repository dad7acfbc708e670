import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { refusalOf } from "./refusal";

describe("refusalOf", () => {
  it("names Portico's own refusals and their scope; other errors are not refusals", () => {
    const rl = new GatewayError(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests on app 'web': limit 10 requests per minute.");
    expect(refusalOf(rl)).toEqual({ reason: "rate_limit", scope: "app" });
    const budget = new GatewayError(429, "insufficient_quota", "budget_exceeded", "The daily budget of $1 for team 'core' is spent.");
    expect(refusalOf(budget)).toEqual({ reason: "budget", scope: "team" });
    const explicit = new GatewayError(429, "tokens", "rate_limit_exceeded", "whatever");
    explicit.refusalScope = "route";
    expect(refusalOf(explicit)).toEqual({ reason: "rate_limit", scope: "route" });
    expect(refusalOf(new GatewayError(400, "invalid_request_error", "content_blocked", "x"))).toEqual({ reason: "content", scope: "" });
    expect(refusalOf(new GatewayError(503, "api_error", "unavailable", "x", null, { "x-portico-refusal": "shutting_down" }))?.reason).toBe("shutting_down");
    expect(refusalOf(new GatewayError(429, "requests", "upstream_rate_limited", "x"))).toBeNull();
    expect(refusalOf(new GatewayError(401, "authentication_error", "invalid_api_key", "x"))).toBeNull();
  });
});
