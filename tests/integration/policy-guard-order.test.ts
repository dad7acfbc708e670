/**
 * The guard stage's order (lib/gateway/guards.ts): the content guard runs before rate limits and
 * budgets, so a call refused for its content does not use up a rate-limit slot. `next dev` used to
 * install the limits guard first (bootstrap before the gateway modules were imported); the limits
 * module is loaded and installed here before the gateway, as it was there, so the order cannot
 * depend on import order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, expectOpenAIError, startGateway, type Gateway } from "../support/gateway";

let gw: Gateway;

beforeAll(async () => {
  const limits = await import("@/lib/policy/limits");
  limits.installTrafficLimits();
  gw = await startGateway();
});
afterAll(() => gw?.close());

describe("guard order", () => {
  it("a call blocked for PII does not consume a rate-limit slot: a 2-rpm key still makes two calls", async () => {
    const r = await gw.routeTo("order-chat", [{ type: "mock", upstreamModel: "order-mock" }]);
    const content = await import("@/lib/services/content-policies");
    (await content.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: r.id, promptMode: "block" } }));
    const svc = await import("@/lib/policy/services");
    const k = await gw.newKey();
    (await svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id, requestsPerMinute: 2 } }));

    const pii = { model: "order-chat", messages: [{ role: "user", content: "my mail is jane.doe@example.com" }] };
    const blocked = await gw.post("/v1/chat/completions", pii, { key: k.key });
    expect(blocked.status).toBe(400);
    expect(expectOpenAIError(await blocked.json()).code).toBe("content_blocked");

    const a = await gw.post("/v1/chat/completions", chatBody("order-chat"), { key: k.key });
    expect(a.status).toBe(200);
    const b = await gw.post("/v1/chat/completions", chatBody("order-chat"), { key: k.key });
    expect(b.status).toBe(200);
    expect(b.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    // The limit still holds: the third normal call is refused.
    expect((await gw.post("/v1/chat/completions", chatBody("order-chat"), { key: k.key })).status).toBe(429);
  });
});
