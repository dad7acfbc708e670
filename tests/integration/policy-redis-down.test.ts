/**
 * REDIS_URL set but nothing answers: the gateway keeps enforcing limits with
 * in-process buckets, logs it once, and /readyz stays ready (200) with the
 * rate-limit store marked degraded.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import net from "node:net";
import { chatBody, startGateway, type Gateway } from "../support/gateway";

let gw: Gateway;
const logged: string[] = [];
const origError = console.error;

beforeAll(async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  console.error = (...a: unknown[]) => void logged.push(a.map(String).join(" "));
  gw = await startGateway({ REDIS_URL: `redis://127.0.0.1:${port}` });
  await gw.routeTo("down-chat", [{ type: "mock", upstreamModel: "down-mock" }]);
});
afterAll(async () => {
  console.error = origError;
  await gw?.close();
});

it("falls back to local limits, says so in the log and in /readyz (still 200)", async () => {
  const svc = await import("@/lib/policy/services");
  const k = await gw.newKey();
  (await svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id, requestsPerMinute: 2 } }));
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const r = await gw.post("/v1/chat/completions", chatBody("down-chat"), { key: k.key });
    statuses.push(r.status);
    expect(r.headers.get("x-ratelimit-limit-requests")).toBe("2");
    await r.text();
  }
  expect(statuses).toEqual([200, 200, 429]);
  expect(logged.filter((l) => l.includes("Redis rate-limit store unreachable"))).toHaveLength(1);
  const { readiness } = await import("@/lib/health");
  const r = await readiness();
  expect(r.status).toBe("ok");
  expect(r.checks.rateLimitStore).toMatchObject({ ok: true, degraded: true });
  expect(r.checks.rateLimitStore!.message).toMatch(/Redis unreachable since .*using in-process limits/);
});
