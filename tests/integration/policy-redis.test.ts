/**
 * Two Portico processes share one limit through Redis: this test process
 * (the harness) and a child process (tests/support/policy-child.ts) mounted
 * on another port, both on the same SQLite file and REDIS_URL. 10 rpm in
 * total across both → exactly 10 of 40 calls pass. Skipped, with a visible
 * message, only when no Redis server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { randomBytes } from "node:crypto";
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
  let child: ChildProcess;
  let childUrl: string;
  const prefix = `portico-it:${randomBytes(4).toString("hex")}:`;

  beforeAll(async () => {
    gw = await startGateway({ REDIS_URL, PORTICO_REDIS_PREFIX: prefix });
    gw.routeTo("shared-chat", [{ type: "mock", upstreamModel: "shared-mock" }]);
    const root = path.resolve(__dirname, "../..");
    child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "tests/support/policy-child.ts")], {
      cwd: root,
      env: { ...process.env },
      stdio: ["pipe", "pipe", "inherit"],
    });
    childUrl = await new Promise<string>((resolve, reject) => {
      let out = "";
      const t = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 60_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /LISTENING (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
      child.on("exit", (code) => reject(new Error(`child exited with ${code}: ${out}`)));
    });
  });

  afterAll(async () => {
    child?.stdin?.end();
    child?.kill();
    await gw?.close();
  });

  it("share one 10-rpm limit exactly: 40 calls split across both → 10 pass", async () => {
    const svc = await import("@/lib/policy/services");
    const k = gw.newKey();
    svc.createLimit({ actor: gw.actor, input: { scope: "key", scopeId: k.id, requestsPerMinute: 10 } });
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
    const r = readiness();
    expect(r.checks.rateLimitStore).toEqual({ ok: true, message: "redis" });
  });
});
