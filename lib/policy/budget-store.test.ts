import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { RedisClient } from "./redis-client";
import { RedisBudgetStore } from "./budget-store";
import type { Budget } from "@/lib/db/schema/policy";

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
if (!hasRedis) console.warn(`\n[policy] SKIPPING shared budget tests: no Redis server answers at ${URL_}\n`);

const budget = (over: Partial<Budget>): Budget =>
  ({ id: `bgt_${randomBytes(4).toString("hex")}`, scope: "key", scopeId: "k1", period: "day", limitUsd: 1, thresholds: [50, 80, 100], ...over }) as Budget;

describe.skipIf(!hasRedis)("shared budgets (Redis, real server)", () => {
  const prefix = `portico-test:bgt-${randomBytes(4).toString("hex")}:`;
  let ca: RedisClient;
  let cb: RedisClient;
  let a: RedisBudgetStore;
  let b: RedisBudgetStore;
  beforeAll(() => {
    ca = new RedisClient(URL_);
    cb = new RedisClient(URL_);
    a = new RedisBudgetStore(ca, prefix);
    b = new RedisBudgetStore(cb, prefix);
  });
  afterAll(async () => {
    const keys = (await ca.command(["KEYS", `${prefix}*`])) as string[];
    if (keys.length) await ca.command(["DEL", ...keys]);
    ca.close();
    cb.close();
  });

  it("two instances admit exactly while spent + reserved < limit, under concurrency", async () => {
    const bg = budget({ scopeId: "conc", limitUsd: 1 });
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve([bg], 0.3, () => 0)));
    // 0, 0.3, 0.6, 0.9 < 1: four reservations, whichever instance asked.
    expect(rs.filter((r) => r.ok)).toHaveLength(4);
    const refused = rs.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, index: 0, spent: 0, inflight: 4 });
    expect(refused && !refused.ok && refused.reserved).toBeCloseTo(1.2, 9);
    // The calls end (on either instance): reservations become spend.
    for (const r of rs) if (r.ok) await b.commit(r.res, 0.2);
    const next = await a.reserve([bg], 0.3, () => 0);
    expect(next.ok).toBe(true); // 0.8 spent, nothing reserved
    const full = await b.reserve([bg], 0.3, () => 0);
    expect(full).toMatchObject({ ok: false, inflight: 1 });
    expect(full.ok === false && full.spent).toBeCloseTo(0.8, 9);
  });

  it("reserves in every budget or none, and names the full one", async () => {
    const roomy = budget({ scope: "team", scopeId: "t-all", limitUsd: 10 });
    const tight = budget({ scope: "app", scopeId: "a-all", limitUsd: 0.5 });
    expect((await a.reserve([roomy, tight], 0.4, () => 0)).ok).toBe(true);
    expect((await a.reserve([roomy, tight], 0.4, () => 0)).ok).toBe(true); // 0.4 reserved < 0.5
    const r = await b.reserve([roomy, tight], 0.4, () => 0); // 0.8 ≥ 0.5
    expect(r).toMatchObject({ ok: false, index: 1, inflight: 2 });
    // The refused call reserved nothing in the roomy budget: only the two admitted calls' 0.8 is there.
    expect((await b.reserve([roomy], 9.5, () => 0)).ok).toBe(true);
    const after = await b.reserve([roomy], 0.01, () => 0);
    expect(after).toMatchObject({ ok: false, index: 0, inflight: 3 });
    expect(after.ok === false && after.reserved).toBeCloseTo(10.3, 9);
  });

  it("admits buckets and budgets in one script, all or nothing", async () => {
    const bucket = { key: `rl:app:combo:r`, capacity: 10, perMs: 10 / 60_000, cost: 1 };
    const bg = budget({ scope: "app", scopeId: "combo", limitUsd: 1 });
    const one = await a.admit([bucket], [bg], 0.6, () => 0);
    expect(one.rate?.ok).toBe(true);
    expect(one.budget?.ok).toBe(true);
    expect(Math.floor(one.rate!.levels[0]!)).toBe(9);
    expect((await b.admit([bucket], [bg], 0.6, () => 0)).budget?.ok).toBe(true); // 0.6 < 1
    // The budget refuses (1.2 reserved): the bucket is not charged for it.
    const refused = await a.admit([bucket], [bg], 0.6, () => 0);
    expect(refused.rate?.ok).toBe(true);
    expect(refused.budget).toMatchObject({ ok: false, index: 0, inflight: 2 });
    expect(Math.floor(refused.rate!.levels[0]!)).toBe(8);
    // A bucket refusal reserves nothing in the budgets.
    const tiny = { key: `rl:app:combo-tiny:r`, capacity: 1, perMs: 1 / 60_000, cost: 1 };
    const roomy = budget({ scope: "team", scopeId: "combo-team", limitUsd: 1 });
    expect((await a.admit([tiny], [roomy], 0.5, () => 0)).budget?.ok).toBe(true);
    const limited = await b.admit([tiny], [roomy], 0.5, () => 0);
    expect(limited.rate?.ok).toBe(false);
    expect(limited.rate!.retryAfterMs).toBeGreaterThan(50_000);
    expect(limited.budget).toBeNull();
    expect((await b.admit([], [roomy], 0.4, () => 0)).budget?.ok).toBe(true); // only 0.5 was reserved: 0.5 < 1
  });

  it("seeds a missing counter from the ledger value and then ignores it", async () => {
    const bg = budget({ scopeId: "seeded", limitUsd: 1 });
    expect((await a.reserve([bg], 0.1, () => 0.95)).ok).toBe(true); // 0.95 < 1
    const r = await b.reserve([bg], 0.1, () => 0); // the counter exists now: the seed is not used
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.spent).toBeCloseTo(0.95, 9);
  });

  it("a reservation whose call never ends (its instance died) lapses after the TTL", async () => {
    const dying = new RedisBudgetStore(ca, prefix, 0);
    const bg = budget({ scopeId: "lapse", limitUsd: 1 });
    expect((await dying.reserve([bg], 1, () => 0)).ok).toBe(true);
    // TTL 0: lapsed at the next admission, which drops its hold.
    const r = await b.reserve([bg], 0.5, () => 0);
    expect(r.ok).toBe(true);
    if (r.ok) await b.commit(r.res, 0.5);
    // A live reservation is not dropped by another's commit.
    const hold = await a.reserve([bg], 0.5, () => 0);
    expect(hold.ok).toBe(true);
    const over = await b.reserve([bg], 0.05, () => 0);
    expect(over).toMatchObject({ ok: false, inflight: 1 });
  });

  it("a late commit of a lapsed reservation still counts its cost but frees nothing twice", async () => {
    const dying = new RedisBudgetStore(ca, prefix, 0);
    const bg = budget({ scopeId: "late", limitUsd: 1 });
    const r1 = await dying.reserve([bg], 0.6, () => 0);
    expect(r1.ok).toBe(true);
    const r2 = await b.reserve([bg], 0.3, () => 0); // drops r1's lapsed 0.6
    expect(r2.ok).toBe(true);
    if (r1.ok) await dying.commit(r1.res, 0.5); // r1 was already dropped: only its cost is added
    const r3 = await a.reserve([bg], 0.1, () => 0); // 0.5 spent + 0.3 reserved < 1
    expect(r3.ok).toBe(true);
    const r4 = await a.reserve([bg], 0.1, () => 0); // 0.5 + 0.4 < 1
    expect(r4.ok).toBe(true);
    const r5 = await a.reserve([bg], 0.1, () => 0); // 0.5 + 0.5 ≥ 1
    expect(r5).toMatchObject({ ok: false, inflight: 3 });
    expect(r5.ok === false && r5.spent).toBeCloseTo(0.5, 9);
    expect(r5.ok === false && r5.reserved).toBeCloseTo(0.5, 9);
  });

  it("sync raises the shared spend to the ledger when the ledger is ahead, never lowers it", async () => {
    const bg = budget({ scopeId: "sync", limitUsd: 1 });
    const at = Date.now();
    expect((await a.reserve([bg], 0, () => 0.2, at)).ok).toBe(true);
    const { periodStart } = await import("./period");
    const key = { scope: bg.scope, scopeId: bg.scopeId, period: bg.period, start: periodStart(bg.period, at) };
    expect(await a.sync([{ key, ledger: 0.1 }])).toEqual([0.2]);
    expect(await a.sync([{ key, ledger: 0.99 }])).toEqual([0.2]);
    const r = await b.reserve([bg], 0, () => 0);
    expect(r.ok).toBe(true); // 0.99 + 0 (zero-estimate reservation of the first call) < 1
    expect(await a.sync([{ key: { ...key, scopeId: "absent" }, ledger: 1 }])).toEqual([-1]);
  });
});
