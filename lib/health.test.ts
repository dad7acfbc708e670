import { afterAll, describe, expect, it } from "vitest";
import net from "node:net";

import { runtime } from "@/lib/runtime";

const probe = runtime().health;
afterAll(() => probe.redisProbe?.close());

describe("/readyz Redis probe", () => {
  it("reports Redis down as degraded when nothing answers, without waiting for a limited call", async () => {
    const { probeRedis } = await import("./health");
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const t0 = Date.now();
    const r = await probeRedis(`redis://127.0.0.1:${port}`);
    expect(r).toMatchObject({ ok: true, degraded: true });
    expect(r!.message).toMatch(/Redis unreachable/);
    expect(Date.now() - t0).toBeLessThan(2_000);
    probe.redisProbe?.close();
    probe.redisProbe = null;
  });

  it("reports a live Redis as ok, and nothing when REDIS_URL is unset", async () => {
    const { probeRedis } = await import("./health");
    const r = await probeRedis("redis://127.0.0.1:6379");
    expect(r).toMatchObject({ ok: true });
    expect(r!.degraded).toBeUndefined();
    expect(await probeRedis(undefined)).toBeNull();
  });
});

describe("/readyz as a whole", () => {
  it("a Redis-backed check that has not noticed the outage yet is marked degraded too", async () => {
    const health = await import("./health");
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    probe.redisProbe?.close();
    probe.redisProbe = null;
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
    health.registerReadinessCheck("rateLimitStore", () => ({ ok: true, message: "redis" }));
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    process.env.DATABASE_URL = "file:" + path.join(fs.mkdtempSync(path.join(os.tmpdir(), "portico-ready-")), "p.db");
    try {
      const r = await health.readinessProbed();
      expect(r.checks.redis).toMatchObject({ ok: true, degraded: true });
      expect(r.checks.rateLimitStore).toMatchObject({ ok: true, degraded: true });
    } finally {
      delete process.env.REDIS_URL;
    }
  });
});
