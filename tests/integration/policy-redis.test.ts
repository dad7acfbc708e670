/**
 * Two Portico processes share one limit through Redis: this test process
 * (the harness) and a child process (tests/support/policy-child.ts) mounted
 * on another port, both on the same SQLite file and REDIS_URL. 10 rpm in
 * total across both → exactly 10 of 40 calls pass. Skipped, with a visible
 * message, only when no Redis server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { startSecondPortico } from "../support/second-portico";
import { chatBody, startGateway, type Gateway } from "../support/gateway";
import { RedisClient } from "@/lib/policy/redis-client";

const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL || "redis://127.0.0.1:6379";

async function redisAnswers(): Promise<boolean> {
  const c = new RedisClient(REDIS_URL, { timeoutMs: 500, connectTimeoutMs: 500 });
  try {
    return (await c.command(["PING"])) === "PONG";
  } catch {
    return false;
  } finally {
    c.close();
  }
}
const hasRedis = await redisAnswers();
if (!hasRedis) console.warn(`\n[policy] SKIPPING the two-process Redis limit test: no Redis server answers at ${REDIS_URL}\n`);

describe.skipIf(!hasRedis)("two Portico processes + Redis", () => {
  let gw: Gateway;
  let second: Awaited<ReturnType<typeof startSecondPortico>> | undefined;
  let childUrl: string;
  const prefix = `portico-it:${randomBytes(4).toString("hex")}:`;

  beforeAll(async () => {
    gw = await startGateway({ REDIS_URL, PORTICO_REDIS_PREFIX: prefix });
    await gw.routeTo("shared-chat", [{ type: "mock", upstreamModel: "shared-mock" }]);
    second = await startSecondPortico();
    childUrl = second.url;
  });

  afterAll(async () => {
    second?.stop();
    await gw?.close();
  });

  it("share one 10-rpm limit exactly: 40 calls split across both → 10 pass", async () => {
    const svc = await import("@/lib/policy/services");
    const k = await gw.newKey();
    (await svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id, requestsPerMinute: 10 } }));
    // Both processes see the new key and limit (the child polls the config version).
    const warm = await fetch(childUrl + "/v1/models", { headers: { authorization: `Bearer ${k.key}` } });
    expect(warm.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const send = (base: string) =>
      fetch(base + "/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${k.key}` },
        body: JSON.stringify(chatBody("shared-chat")),
      }).then(async (r) => ({ status: r.status, base, remaining: r.headers.get("x-ratelimit-remaining-requests"), body: await r.text() }));
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i % 2 ? childUrl : gw.url)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok, JSON.stringify(results.filter((r) => r.status !== 200 && r.status !== 429))).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(30);
    // Each process got 20 calls: with per-process buckets each would admit 10 (20 in total). The
    // shared bucket admits 10 overall, and whichever process answers a call sees the shared count.
    expect(results.filter((r) => r.base === childUrl)).toHaveLength(20);
    expect(results.filter((r) => r.base === childUrl && r.status === 429).length + results.filter((r) => r.base === gw.url && r.status === 429).length).toBe(30);
    expect(ok.map((r) => Number(r.remaining)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("/readyz check reports the Redis store", async () => {
    const { readiness } = await import("@/lib/health");
    const r = await readiness();
    expect(r.checks.rateLimitStore).toEqual({ ok: true, message: "redis" });
  });
});
