import { afterAll, describe, it, expect } from "vitest";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { loginBlockedFor, recordLoginFailure, clearLoginFailures, LOGIN_LIMIT, MemoryLoginStore, RedisLoginStore } from "./login-limit";
import { RedisClient } from "@/lib/policy/redis-client";

describe("sign-in throttle", () => {
  it("blocks an account+IP after 10 failures within 15 minutes, per account and IP", async () => {
    const s = new MemoryLoginStore();
    const t0 = 1_000_000;
    for (let i = 0; i < LOGIN_LIMIT.limit - 1; i++) await recordLoginFailure("a@x.test", "1.1.1.1", t0 + i, s);
    expect(await loginBlockedFor("a@x.test", "1.1.1.1", t0 + 10, s)).toBe(0);
    await recordLoginFailure("A@X.test", "1.1.1.1", t0 + 20, s);
    const wait = await loginBlockedFor("a@x.test", "1.1.1.1", t0 + 30, s);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // another IP or another account is not affected
    expect(await loginBlockedFor("a@x.test", "2.2.2.2", t0 + 30, s)).toBe(0);
    expect(await loginBlockedFor("b@x.test", "1.1.1.1", t0 + 30, s)).toBe(0);
    // the window slides
    expect(await loginBlockedFor("a@x.test", "1.1.1.1", t0 + LOGIN_LIMIT.windowMs + 25, s)).toBe(0);
  });

  it("a successful sign-in clears the count", async () => {
    const s = new MemoryLoginStore();
    for (let i = 0; i < 10; i++) await recordLoginFailure("c@x.test", "ip", 5, s);
    expect(await loginBlockedFor("c@x.test", "ip", 6, s)).toBeGreaterThan(0);
    await clearLoginFailures("c@x.test", "ip", s);
    expect(await loginBlockedFor("c@x.test", "ip", 7, s)).toBe(0);
  });
});

describe("sign-in throttle on Redis (REDIS_URL)", () => {
  const clients: RedisClient[] = [];
  afterAll(() => clients.forEach((c) => c.close()));
  const instance = (prefix: string, url = "redis://127.0.0.1:6379") => {
    const c = new RedisClient(url, { timeoutMs: 300, connectTimeoutMs: 300 });
    clients.push(c);
    return new RedisLoginStore(c, prefix);
  };

  it("two instances count the same failures: 5 here + 5 there block both", async () => {
    const prefix = `test:${randomBytes(6).toString("hex")}:login:`;
    const a = instance(prefix);
    const b = instance(prefix);
    const now = Date.now();
    for (let i = 0; i < 5; i++) await recordLoginFailure("shared@x.test", "9.9.9.9", now + i, a);
    for (let i = 0; i < 4; i++) await recordLoginFailure("shared@x.test", "9.9.9.9", now + 10 + i, b);
    expect(await loginBlockedFor("shared@x.test", "9.9.9.9", now + 20, a)).toBe(0);
    await recordLoginFailure("shared@x.test", "9.9.9.9", now + 30, b);
    for (const s of [a, b]) {
      const wait = await loginBlockedFor("shared@x.test", "9.9.9.9", now + 40, s);
      expect(wait).toBeGreaterThan(14 * 60);
      expect(wait).toBeLessThanOrEqual(15 * 60);
    }
    // A success on one instance clears it for both.
    await clearLoginFailures("shared@x.test", "9.9.9.9", a);
    expect(await loginBlockedFor("shared@x.test", "9.9.9.9", now + 50, b)).toBe(0);
  });

  it("fails fast to process memory when Redis does not answer", async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const origError = console.error;
    console.error = () => undefined;
    try {
      const s = instance("x:", `redis://127.0.0.1:${port}`);
      const t0 = Date.now();
      for (let i = 0; i < 10; i++) await recordLoginFailure("down@x.test", "1.2.3.4", t0 + i, s);
      expect(await loginBlockedFor("down@x.test", "1.2.3.4", t0 + 20, s)).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeLessThan(3_000);
    } finally {
      console.error = origError;
    }
  });
});
