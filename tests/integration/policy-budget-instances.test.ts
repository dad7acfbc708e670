/**
 * Two Portico processes on one SQLite file (tests/support/second-portico.ts):
 * an idle instance sees the other instance's spend within
 * PORTICO_BUDGET_REFRESH_MS, without serving or flushing anything itself,
 * so its first call after the other spent the budget is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, sleep, startGateway, type Gateway, type Wire } from "../support/gateway";
import { startSecondPortico } from "../support/second-portico";

let gw: Gateway;
let second: Awaited<ReturnType<typeof startSecondPortico>> | undefined;
let svc: typeof import("@/lib/policy/services");
let limits: typeof import("@/lib/policy/limits");

beforeAll(async () => {
  gw = await startGateway({ PORTICO_BUDGET_REFRESH_MS: "500" });
  svc = await import("@/lib/policy/services");
  limits = await import("@/lib/policy/limits");
  await gw.routeTo("inst-priced", [{ type: "mock", upstreamModel: "inst-priced-up", inputPricePerM: 100, outputPricePerM: 200 }]);
  second = await startSecondPortico();
}, 90_000);
afterAll(() => {
  second?.stop();
  return gw?.close();
});

describe("budget spend across instances", () => {
  it("the idle instance's counter catches up with the other's spend on its own timer", async () => {
    const k = await gw.newKey({ name: "shared key" });
    const b = (await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: 0.05 } }));
    // This instance admits one call (its counter now exists), then goes idle.
    const rid = `req_inst_${Date.now()}`;
    const first = await gw.post("/v1/chat/completions", chatBody("inst-priced", { max_tokens: 10 }), { key: k.key, headers: { "x-request-id": rid } });
    expect(first.status).toBe(200);
    await first.text();
    // The call is recorded after its response ends (on PostgreSQL a few round trips later): wait for its
    // row, then for the flush's listeners (the spend moves from pending to flushed once they ran).
    await gw.logRow(rid);
    (await gw.m.logWriter.logWriter().flush());
    const counter = () => [...limits.budgetMeter().counters.values()].find((c) => c.scope === "key" && c.scopeId === k.id)!;
    const mine = counter().flushed;
    expect(mine).toBeGreaterThan(0);

    // The other instance spends past the budget (it learns the new key and budget from the shared config version).
    let spentThere = 0;
    let refusedThere = false;
    const t0 = Date.now();
    while (!refusedThere && Date.now() - t0 < 20_000) {
      const r = await fetch(`${second!.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${k.key}` },
        body: JSON.stringify(chatBody("inst-priced", { max_tokens: 10 })),
      });
      const body = (await r.json()) as Wire;
      if (r.status === 429) {
        refusedThere = true;
        break;
      }
      expect(r.status, JSON.stringify(body)).toBe(200);
      spentThere += (body.usage.prompt_tokens * 100 + body.usage.completion_tokens * 200) / 1e6;
    }
    expect(refusedThere).toBe(true);
    const total = mine + spentThere;
    expect(total).toBeGreaterThanOrEqual(0.05 - 1e-9);

    // No call and no flush here: the timer alone brings the ledger in (≤ PORTICO_BUDGET_REFRESH_MS after the other's flush).
    const t1 = Date.now();
    while (counter().flushed < total - 1e-9 && Date.now() - t1 < 5_000) await sleep(50);
    expect(counter().flushed).toBeCloseTo(total, 9);
    expect(Date.now() - t1).toBeLessThan(2_500);

    const refused = await gw.post("/v1/chat/completions", chatBody("inst-priced", { max_tokens: 10 }), { key: k.key });
    const rb = (await refused.json()) as Wire;
    expect(refused.status).toBe(429);
    expect(rb.error.code).toBe("budget_exceeded");
    void b;
  }, 60_000);
});
