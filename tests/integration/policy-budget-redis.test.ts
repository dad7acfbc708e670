/**
 * Budgets with REDIS_URL set (lib/policy/budget-store.ts): admission reads every instance's
 * spend and reservations from Redis, not from this process's view of the ledger, and a call's
 * cost lands in the shared counter when it ends. Redis unreachable: calls go on with the
 * in-process budgets. Skipped without a Redis server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { chatBody, startGateway, type Gateway, type Wire } from "../support/gateway";
import { RedisClient } from "@/lib/policy/redis-client";
import { periodStart } from "@/lib/policy/period";

const REDIS = process.env.PORTICO_TEST_REDIS_URL || "redis://127.0.0.1:6379";
const PREFIX = `portico-test:bgt-it-${randomBytes(4).toString("hex")}:`;

async function redisAnswers(): Promise<boolean> {
  const c = new RedisClient(REDIS, { timeoutMs: 500, connectTimeoutMs: 500 });
  try {
    return (await c.command(["PING"])) === "PONG";
  } catch {
    return false;
  } finally {
    c.close();
  }
}
const hasRedis = await redisAnswers();
if (!hasRedis) console.warn(`\n[policy] SKIPPING shared budget integration tests: no Redis server answers at ${REDIS}\n`);

let gw: Gateway;
let redis: RedisClient;
let svc: typeof import("@/lib/policy/services");

beforeAll(async () => {
  if (!hasRedis) return;
  redis = new RedisClient(REDIS);
  gw = await startGateway({ REDIS_URL: REDIS, PORTICO_REDIS_PREFIX: PREFIX });
  svc = await import("@/lib/policy/services");
  await gw.routeTo("shared-priced", [{ type: "mock", upstreamModel: "shared-priced-up", inputPricePerM: 100, outputPricePerM: 200 }]);
}, 90_000);
afterAll(async () => {
  if (!hasRedis) return;
  const keys = (await redis.command(["KEYS", `${PREFIX}*`])) as string[];
  if (keys.length) await redis.command(["DEL", ...keys]);
  redis.close();
  await gw?.close();
});

const cost = (w: Wire) => (w.usage.prompt_tokens * 100 + w.usage.completion_tokens * 200) / 1e6;

describe.skipIf(!hasRedis)("budgets shared through Redis", () => {
  it("a call's cost lands in the shared counter; another instance's spend there refuses here at once", async () => {
    const k = await gw.newKey({ name: "shared budget key" });
    await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: 0.05 } });
    const h = `${PREFIX}bgt:key:${k.id}:day:${periodStart("day", Date.now())}`;
    const r = await gw.post("/v1/chat/completions", chatBody("shared-priced", { max_tokens: 10 }), { key: k.key });
    expect(r.status).toBe(200);
    const spent = cost((await r.json()) as Wire);
    expect(spent).toBeGreaterThan(0);
    // The commit is sent when the call is recorded (not awaited by the call): wait for it.
    const read = async () => (await redis.command(["HMGET", h, "spent", "reserved"])) as [string | null, string | null];
    for (let i = 0; i < 200 && Number((await read())[0]) !== spent; i++) await new Promise((res) => setTimeout(res, 10));
    const [s, reserved] = await read();
    expect(Number(s)).toBeCloseTo(spent, 12);
    expect(Number(reserved)).toBe(0);

    // Another instance spent the rest (not flushed to the ledger yet): this one refuses the next call.
    await redis.command(["HINCRBYFLOAT", h, "spent", 0.05]);
    const refused = await gw.post("/v1/chat/completions", chatBody("shared-priced", { max_tokens: 10 }), { key: k.key });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("budget_exceeded");
    expect(body.error.message).toMatch(/daily budget of \$0\.05 for key 'shared budget key' is spent/);
  });

  it("Redis unreachable: calls go on under the in-process budgets", async () => {
    const limits = await import("@/lib/policy/limits");
    const k = await gw.newKey({ name: "fallback key" });
    await svc.createBudget({ actor: gw.actor, input: { scope: "key", scopeId: k.id, period: "day", limitUsd: 0.05 } });
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const before = process.env.REDIS_URL;
    const origError = console.error;
    const logged: string[] = [];
    console.error = (...a: unknown[]) => void logged.push(a.map(String).join(" "));
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
    limits.resetLimitsForTests();
    try {
      const r = await gw.post("/v1/chat/completions", chatBody("shared-priced", { max_tokens: 10 }), { key: k.key });
      expect(r.status).toBe(200);
      await r.text();
      expect(logged.some((l) => l.includes("Redis rate-limit store unreachable"))).toBe(true);
      // The in-process meter took over: it holds the call's spend.
      const c = [...limits.budgetMeter().counters.values()].find((x) => x.scopeId === k.id)!;
      expect(c.pending + c.flushed).toBeGreaterThan(0);
    } finally {
      console.error = origError;
      process.env.REDIS_URL = before;
      limits.resetLimitsForTests();
    }
  });
});
