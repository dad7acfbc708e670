/**
 * Budgets and token limits under concurrency (docs/traffic-policy.md): a call
 * without max_tokens reserves what the route's answers recently needed, not
 * 4,096 tokens, so concurrent cheap calls are not refused by each other's
 * reservations; and when reservations do fill a budget, the refusal says so
 * (in-flight, not spent) with a Retry-After of seconds, not "until midnight".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let svc: typeof import("@/lib/policy/services");

beforeAll(async () => {
  gw = await startGateway();
  svc = await import("@/lib/policy/services");
  await gw.providerFor("mock", "slow-mock", { options: { latencyMs: 400, tokensPerSecond: 0, replyTokens: 12 } });
  // $20 per 1M output tokens: 4,096 reserved tokens were $0.082 a call; a real answer (12 tokens) is $0.00024.
  await gw.routeTo("conc-priced", [{ type: "mock", provider: "slow-mock", upstreamModel: "conc-priced-up", inputPricePerM: 0, outputPricePerM: 20 }]);
  await gw.routeTo("conc-tpm", [{ type: "mock", provider: "slow-mock", upstreamModel: "conc-tpm-up" }]);
  await gw.routeTo("conc-tight", [{ type: "mock", provider: "slow-mock", upstreamModel: "conc-tight-up", inputPricePerM: 0, outputPricePerM: 20 }]);
});
afterAll(() => gw?.close());

async function call(key: string, model: string) {
  const res = await gw.post("/v1/chat/completions", chatBody(model), { key });
  return { res, status: res.status, body: (await res.json()) as Wire };
}

describe("realistic output reservations", () => {
  it("4 concurrent calls without max_tokens under a $0.10 budget all pass (they cost $0.001 together)", async () => {
    const k = await gw.newKey();
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: 0.1 } }));
    const rs = await Promise.all(Array.from({ length: 4 }, () => call(k.key, "conc-priced")));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it("a 10,000 tokens-per-minute limit admits 8 concurrent short calls without max_tokens", async () => {
    const k = await gw.newKey();
    (await svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id, tokensPerMinute: 10_000 } }));
    const rs = await Promise.all(Array.from({ length: 8 }, () => call(k.key, "conc-tpm")));
    expect(rs.map((r) => r.status)).toEqual(Array(8).fill(200));
  });
});

describe("a budget held by in-flight reservations", () => {
  it("says so, with a Retry-After of seconds; once the calls end the retry passes", async () => {
    const k = await gw.newKey({ name: "tight key" });
    // The default reservation (256 tokens, $0.00512) fits twice under $0.006 before anything is spent.
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: 0.006 } }));
    const rs = await Promise.all(Array.from({ length: 4 }, () => call(k.key, "conc-tight")));
    const refused = rs.filter((r) => r.status === 429);
    expect(rs.filter((r) => r.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.body.error.code).toBe("budget_reserved");
      expect(r.body.error.type).toBe("insufficient_quota");
      expect(r.body.error.message).toMatch(/daily budget of \$0\.006 for key 'tight key' is fully reserved by 2 in-flight calls \(\$0\.00 spent/);
      expect(r.body.error.message).not.toMatch(/is spent/);
      const ra = Number(r.res.headers.get("retry-after"));
      expect(ra).toBeGreaterThanOrEqual(1);
      expect(ra).toBeLessThanOrEqual(5);
    }
    // The two admitted calls cost $0.00048; their reservations are gone: a retry now passes.
    const again = await call(k.key, "conc-tight");
    expect(again.status).toBe(200);
  });
});
