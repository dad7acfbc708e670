/**
 * Key rotation keeps the key's rate limit, budget and spend
 * (docs/traffic-policy.md): the new key answers with the same x-ratelimit-*
 * headers and the same bucket (rotating does not refill it), the old key in its
 * grace period shares them, and the budget counts the spend made before rotating.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let svc: typeof import("@/lib/policy/services");

beforeAll(async () => {
  gw = await startGateway();
  svc = await import("@/lib/policy/services");
  await gw.routeTo("rot-priced", [{ type: "mock", upstreamModel: "rot-priced-up", inputPricePerM: 100, outputPricePerM: 200 }]);
});
afterAll(() => gw?.close());

let calls = 0;
async function call(key: string) {
  const id = `req_rot_${Date.now()}_${++calls}`;
  const res = await gw.post("/v1/chat/completions", chatBody("rot-priced", { max_tokens: 10 }), { key, headers: { "x-request-id": id } });
  const body = (await res.json()) as Wire;
  return { res, status: res.status, body, id };
}

describe("key rotation", () => {
  it("the rate limit, budget and spend follow the key; the old key in grace shares them", async () => {
    const old = await gw.newKey({ name: "rotating" });
    (await svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: old.id, requestsPerMinute: 3 } }));
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: old.id, period: "day", limitUsd: 1 } }));
    const first = await call(old.key);
    expect(first.status).toBe(200);
    expect(first.res.headers.get("x-ratelimit-remaining-requests")).toBe("2");
    // Recorded after the response ends (on PostgreSQL a few round trips later): wait for its row, then its flush's listeners.
    await gw.logRow(first.id);
    (await gw.m.logWriter.logWriter().flush());
    const spentBefore = (await svc.listBudgets({ actor: gw.actor, scope: "key", scopeId: old.id })).items[0]!.spentUsd;
    expect(spentBefore).toBeGreaterThan(0);

    const rotated = (await gw.m.keys.rotateKey({ actor: gw.actor, appId: gw.harness.appId, keyId: old.id, input: { graceHours: 1 } }));
    const next = { id: rotated.key.id, key: rotated.key.key };

    // The new key: same limit (headers present), same bucket (not refilled by rotating).
    const a = await call(next.key);
    expect(a.status).toBe(200);
    expect(a.res.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(a.res.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    // The old key, still valid during its grace period, draws from the same bucket.
    const b = await call(old.key);
    expect(b.status).toBe(200);
    expect(b.res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    const c = await call(next.key);
    expect(c.status).toBe(429);
    expect(c.body.error.code).toBe("rate_limit_exceeded");

    // Policies now show on the new key, with the spend of both keys.
    expect((await svc.listLimits({ actor: gw.actor, scope: "key", scopeId: next.id })).items).toHaveLength(1);
    expect((await svc.listLimits({ actor: gw.actor, scope: "key", scopeId: old.id })).items).toHaveLength(0);
    (await gw.m.logWriter.logWriter().flush());
    const budget = (await svc.listBudgets({ actor: gw.actor, scope: "key", scopeId: next.id })).items[0]!;
    const cost = (await gw.logRow(a.res.headers.get("x-request-id")!)).costUsd;
    expect(budget.spentUsd).toBeCloseTo(spentBefore + cost * 2, 9);
  });

  it("a budget spent before rotating still refuses the new key", async () => {
    const old = await gw.newKey({ name: "spent" });
    (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: old.id, period: "day", limitUsd: 0.000001 } }));
    expect((await call(old.key)).status).toBe(200); // crosses the tiny budget
    (await gw.m.logWriter.logWriter().flush());
    expect((await call(old.key)).status).toBe(429);
    const rotated = (await gw.m.keys.rotateKey({ actor: gw.actor, appId: gw.harness.appId, keyId: old.id, input: { graceHours: 0 } }));
    const r = await call(rotated.key.key);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("budget_exceeded");
    expect(r.body.error.message).toMatch(/is spent/);
  });
});
