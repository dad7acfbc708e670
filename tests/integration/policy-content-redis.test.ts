/**
 * Response cache and idempotency shared through Redis by two Portico processes:
 * this test process (the harness) and a child (tests/support/policy-child.ts) on
 * the same SQLite file and REDIS_URL. An answer cached by one is a hit in the
 * other; an idempotency key in flight in one is a 409 in the other, then a
 * replay. Skipped, with a visible message, only when no Redis server answers.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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
if (!hasRedis) console.warn(`\n[policy] SKIPPING the shared cache/idempotency Redis test: no Redis server answers at ${REDIS_URL}\n`);

describe.skipIf(!hasRedis)("cache + idempotency across two processes through Redis", () => {
  let gw: Gateway;
  let second: Awaited<ReturnType<typeof startSecondPortico>> | undefined;
  let childUrl: string;
  const prefix = `portico-cc:${randomBytes(4).toString("hex")}:`;

  beforeAll(async () => {
    gw = await startGateway({ REDIS_URL, PORTICO_REDIS_PREFIX: prefix });
    const svc = await import("@/lib/services/content-policies");
    const r = await gw.routeTo("redis-cache", [{ type: "openai", upstreamModel: "redis-cache-up", inputPricePerM: 1000, outputPricePerM: 1000 }]);
    (await svc.upsertContentPolicy({ actor: gw.actor, input: { scopeType: "route", scopeId: r.id, cacheEnabled: true, cacheTtlSeconds: 60 } }));
    await gw.routeTo("redis-idem", [{ type: "openai", upstreamModel: "redis-idem-delay-400" }]);
    await gw.routeTo("redis-idem-fast", [{ type: "openai", upstreamModel: "redis-idem-fast-up" }]);
    await gw.key(); // the default key exists before the child loads its snapshot
    second = await startSecondPortico();
    childUrl = second.url;
  });

  afterAll(async () => {
    second?.stop();
    const c = new RedisClient(REDIS_URL);
    try {
      const keys = (await c.command(["KEYS", `${prefix}*`])) as string[];
      if (keys.length) await c.command(["DEL", ...keys]);
    } finally {
      c.close();
    }
    await gw?.close();
  });

  const postTo = async (base: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + "/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${(await gw.key())}`, ...headers },
      body: JSON.stringify(body),
    });

  it("an answer cached by one process is a hit in the other", async () => {
    const a = await postTo(gw.url, chatBody("redis-cache"));
    expect(a.status).toBe(200);
    expect(a.headers.get("x-portico-cache")).toBe("miss");
    const text = ((await a.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    await new Promise((r) => setTimeout(r, 50)); // the store write is not awaited by the caller
    const b = await postTo(childUrl, chatBody("redis-cache"));
    expect(b.status).toBe(200);
    expect(b.headers.get("x-portico-cache")).toBe("hit");
    expect(((await b.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe(text);
    expect(gw.requestsFor("redis-cache-up")).toHaveLength(1);
    const c = new RedisClient(REDIS_URL);
    try {
      const keys = (await c.command(["KEYS", `${prefix}cache:*`])) as string[];
      expect(keys.length).toBe(1);
    } finally {
      c.close();
    }
  });

  it("an idempotency key in flight in one process is a 409 in the other, then a replay", async () => {
    const key = `k-${randomBytes(6).toString("hex")}`;
    const h = { "idempotency-key": key };
    const [a, b] = await Promise.all([postTo(gw.url, chatBody("redis-idem"), h), new Promise((r) => setTimeout(r, 100)).then(() => postTo(childUrl, chatBody("redis-idem"), h))]);
    expect([a.status, b.status]).toEqual([200, 409]);
    const first = await a.text();
    await new Promise((r) => setTimeout(r, 50));
    const c = await postTo(childUrl, chatBody("redis-idem"), h);
    expect(c.status).toBe(200);
    expect(c.headers.get("idempotent-replayed")).toBe("true");
    expect(await c.text()).toBe(first);
    const d = await postTo(childUrl, { ...chatBody("redis-idem"), temperature: 1 }, h);
    expect(d.status).toBe(422);
    expect(gw.requestsFor("redis-idem-delay-400")).toHaveLength(1);
  });

  it("the done record is stored before the last byte: a retry on the other process the moment the answer arrived is a replay", async () => {
    // A slow link to Redis (250 ms per SET) makes the old order visible: stored after the answer
    // went out, the record would still be in flight when the client retries at once.
    const { contentStores } = await import("@/lib/policy/cache-store");
    const store = contentStores().idem;
    const realSet = store.set.bind(store);
    const spy = vi.spyOn(store, "set").mockImplementation(async (k, v, ttl) => {
      await new Promise((r) => setTimeout(r, 250));
      return realSet(k, v, ttl);
    });
    try {
      const h = { "idempotency-key": `k-${randomBytes(6).toString("hex")}` };
      const a = await postTo(gw.url, chatBody("redis-idem-fast"), h);
      expect(a.status).toBe(200);
      const first = await a.text();
      // no wait: the client has the whole answer
      const b = await postTo(childUrl, chatBody("redis-idem-fast"), h);
      expect(b.status).toBe(200);
      expect(b.headers.get("idempotent-replayed")).toBe("true");
      expect(await b.text()).toBe(first);
      expect(gw.requestsFor("redis-idem-fast-up")).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});
