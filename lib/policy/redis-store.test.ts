import { describe, it, expect, beforeAll, afterAll } from "vitest";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { RedisClient, RedisReplyError } from "./redis-client";
import { RedisStore, MemoryStore } from "./store";
import type { BucketSpec } from "./bucket";

const URL_ = process.env.PORTICO_TEST_REDIS_URL || "redis://127.0.0.1:6379";

async function redisAnswers(url: string): Promise<boolean> {
  const c = new RedisClient(url, { timeoutMs: 500, connectTimeoutMs: 500 });
  try {
    return (await c.command(["PING"])) === "PONG";
  } catch {
    return false;
  } finally {
    c.close();
  }
}

const hasRedis = await redisAnswers(URL_);
if (!hasRedis) console.warn(`\n[policy] SKIPPING Redis store tests: no Redis server answers at ${URL_}\n`);

describe.skipIf(!hasRedis)("Redis client (ioredis, real server)", () => {
  it("answers commands, maps error replies to RedisReplyError, and loads scripts on NOSCRIPT", async () => {
    const c = new RedisClient(URL_, { timeoutMs: 500 });
    try {
      const key = `portico-test:${randomBytes(4).toString("hex")}`;
      expect(await c.command(["SET", key, "v", "EX", 5])).toBe("OK");
      expect(await c.command(["GET", key])).toBe("v");
      const err = await c.command(["INCR", key]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisReplyError);
      const script = `return ARGV[1] .. "-${randomBytes(4).toString("hex")}"`;
      expect(String(await c.eval(script, [], ["x"]))).toMatch(/^x-/);
      expect(c.connected).toBe(true);
    } finally {
      c.close();
    }
  });
});

describe.skipIf(!hasRedis)("Redis store (real server)", () => {
  const prefix = `portico-test:${randomBytes(4).toString("hex")}:`;
  let a: RedisStore;
  let b: RedisStore;
  beforeAll(() => {
    a = new RedisStore(URL_, new MemoryStore(), prefix);
    b = new RedisStore(URL_, new MemoryStore(), prefix);
  });
  afterAll(() => {
    a.close();
    b.close();
  });

  it("two stores (two instances) share one bucket exactly", async () => {
    const spec: BucketSpec = { key: "rl:key:shared:r", capacity: 10, perMs: 10 / 60_000, cost: 1 };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take([spec])));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.find((r) => !r.ok)!;
    expect(refused.retryAfterMs).toBeGreaterThan(5000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(6000);
  });

  it("takes all buckets or none, and reconciles tokens atomically", async () => {
    const req: BucketSpec = { key: "rl:key:k2:r", capacity: 100, perMs: 100 / 60_000, cost: 1 };
    const tok: BucketSpec = { key: "rl:key:k2:t", capacity: 1000, perMs: 1000 / 60_000, cost: 700 };
    expect((await a.take([req, tok])).ok).toBe(true);
    const r = await b.take([req, tok]);
    expect(r.ok).toBe(false);
    expect(Math.floor(r.levels[0]!)).toBe(99); // the request bucket was not charged
    await a.adjust([{ ...tok, cost: 700 - 50 }]); // used 50 of the 700 reserved
    const r2 = await b.take([req, tok]);
    expect(r2.ok).toBe(true);
    expect(Math.round(r2.levels[1]!)).toBe(250);
  });

  it("EVALSHA falls back to EVAL after SCRIPT FLUSH", async () => {
    const c = new RedisClient(URL_);
    await c.command(["SCRIPT", "FLUSH"]);
    c.close();
    const r = await a.take([{ key: "rl:key:k3:r", capacity: 1, perMs: 1 / 60_000, cost: 1 }]);
    expect(r.ok).toBe(true);
  });
});

describe("Redis store fallback", () => {
  it("falls back to in-process buckets when Redis is unreachable and reports degraded (still ready)", async () => {
    // A port nobody listens on: bind, read the port, close.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      const s = new RedisStore(`redis://127.0.0.1:${port}`);
      const spec: BucketSpec = { key: "x", capacity: 2, perMs: 2 / 60_000, cost: 1 };
      const rs = [await s.take([spec]), await s.take([spec]), await s.take([spec])];
      expect(rs.map((r) => r.ok)).toEqual([true, true, false]);
      const st = s.status();
      expect(st.ok).toBe(true);
      expect(st.degraded).toBe(true);
      expect(st.message).toMatch(/in-process/);
      expect(errors).toHaveLength(1); // said once, not per request
      s.close();
    } finally {
      console.error = orig;
    }
  });
});
