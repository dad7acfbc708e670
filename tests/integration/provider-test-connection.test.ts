/**
 * Admin "Test connection" (POST /api/admin/providers/{id}/test): one tiny chat call straight to the
 * provider with its stored credential, through the real route handler and the fake upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway, type Wire } from "../support/gateway";

let gw: Gateway;
let token: string;
beforeAll(async () => {
  gw = await startGateway({ PORTICO_RETENTION: "off", PORTICO_ALERT_EVAL_MS: "0" });
  const { createAdminToken } = await import("@/lib/services/admin-tokens");
  token = (await createAdminToken({ actor: gw.actor, input: { name: "provider test it" } })).token;
});
afterAll(() => gw?.close());

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function test(id: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const mod = (await import("@/app/api/admin/providers/[id]/test/route")) as unknown as { POST: Handler };
  return mod.POST(new Request(`http://localhost/api/admin/providers/${id}/test`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }), {
    params: Promise.resolve({ id }),
  });
}

describe("provider test connection", () => {
  it("reports a working provider with the model it used and the latency", async () => {
    await gw.modelFor({ type: "openai", upstreamModel: "ptc-ok" });
    const id = (await gw.providerFor("openai")).id;
    const res = await test(id, {});
    expect(res.status).toBe(200);
    const r = (await res.json()) as Wire;
    expect(r).toMatchObject({ ok: true, status: 200, model: "ptc-ok" });
    expect(gw.requestsFor("ptc-ok")).toHaveLength(1);
  });

  it("reports an upstream refusal with the provider's message and a hint", async () => {
    const id = (await gw.providerFor("openai")).id;
    const r = (await (await test(id, { model: "ptc-fault-401" })).json()) as Wire;
    expect(r).toMatchObject({ ok: false, status: 401, model: "ptc-fault-401" });
    expect(r.message).toContain("Check the API key");
  });

  it("reports an unreachable base URL without throwing", async () => {
    const { createProvider } = await import("@/lib/services/providers");
    const p = await createProvider({ actor: gw.actor, input: { name: "ptc-down", type: "openai", baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-x" } });
    const r = (await (await test(p.id, { model: "m" })).json()) as Wire;
    expect(r).toMatchObject({ ok: false, status: 0 });
    expect(r.message).toContain("Could not reach http://127.0.0.1:9");
  });

  it("refuses callers without admin credentials and unknown providers", async () => {
    const id = (await gw.providerFor("openai")).id;
    expect((await test(id, {}, { authorization: "Bearer pat_not_a_real_token" })).status).toBe(401);
    expect((await test("prv_nope", {})).status).toBe(404);
    expect((await test(id, { model: 3 })).status).toBe(422);
    // Hostile bodies are client errors, never a 500 (the wrapper's size and depth limits may answer first).
    const nested = await test(id, `{"model":${"[".repeat(5000)}${"]".repeat(5000)}}`);
    expect(nested.status).toBeGreaterThanOrEqual(400);
    expect(nested.status).toBeLessThan(500);
    const big = await test(id, { model: "x".repeat(2_000_000) });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
  });
});
