import { describe, expect, it } from "vitest";
import { fromProviderError, networkError, scrubNames } from "./attempt";
import type { TargetInfo } from "./snapshot";

const t = { label: "Acme EU/gpt-secret-2", provider: { name: "Acme EU" }, model: { upstreamModel: "gpt-secret-2" } } as unknown as TargetInfo;
const err = (code: string) => Object.assign(new Error(`boom ${code}`), { code });

describe("upstream errors as the caller sees them", () => {
  it("network failures and timeouts count against the target; messages name nothing, the detail does", () => {
    for (const code of ["ECONNREFUSED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT"]) {
      const r = networkError(err(code), t);
      expect(r.local).toBeUndefined();
      expect(r.verdict).toBe("retry");
      expect(r.err.message).not.toMatch(/Acme|secret/);
      expect(r.err.detail).toContain("Acme EU/gpt-secret-2");
    }
  });

  it("a request never sent because of Portico (closed pool, invalid argument, no code) is local: not the target's failure", () => {
    const closed = networkError(err("UND_ERR_CLOSED"), t);
    expect(closed).toMatchObject({ local: true, verdict: "return" });
    expect(closed.err.status).toBe(503);
    expect(closed.err.headers["x-portico-refusal"]).toBe("shutting_down");
    expect(networkError(err("UND_ERR_INVALID_ARG"), t)).toMatchObject({ local: true });
    expect(networkError(new RangeError("Maximum call stack size exceeded"), t)).toMatchObject({ local: true });
  });

  it("the upstream's 429 has its own code; 5xx are generic; other 4xx keep the explanation without names", () => {
    const rl = fromProviderError({ status: 429, type: "requests", message: "Rate limit for gpt-secret-2 in org-1" }, t, "chat");
    expect(rl.code).toBe("upstream_rate_limited");
    expect(rl.message).not.toMatch(/secret|org-1/);
    expect(fromProviderError({ status: 503, type: "server_error", message: "Acme EU overloaded" }, t, "chat").message).not.toContain("Acme");
    const bad = fromProviderError({ status: 400, type: "invalid_request_error", message: "gpt-secret-2 at Acme EU has no logprobs", param: "logprobs" }, t, "chat");
    expect(bad.message).toBe("chat at the provider has no logprobs");
    expect(bad.param).toBe("logprobs");
    expect(bad.detail).toContain("gpt-secret-2 at Acme EU");
    expect(scrubNames("nothing to hide", t, "chat")).toBe("nothing to hide");
  });
});
