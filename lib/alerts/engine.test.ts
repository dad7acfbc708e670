/**
 * The alert evaluator on a real (temporary) database: thresholds, windows,
 * minimum traffic, firing → resolved with history, circuit breakers, budget
 * signals, disabled rules and restarts.
 */
import { scratchDatabase, migrateTestDatabase } from "@/tests/support/scratch-db";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CallRecord } from "@/lib/gateway/types";
import type { AlertRule } from "@/lib/db/schema";
import { eq } from "drizzle-orm";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-alerts-"));
const scratch = await scratchDatabase(dir, "alerts.db");
process.env.DATABASE_URL = scratch.url;
process.env.PORTICO_SECRET = "test-secret-".padEnd(40, "x");
process.env.PORTICO_BREAKER_THRESHOLD = "2";

const { getDb, closeDb } = await import("@/lib/db/client");
const { alertEvents, alertRules } = await import("@/lib/db/schema");
const { AlertEngine } = await import("./engine");
const { breakers } = await import("@/lib/gateway/breaker");

beforeAll(() => migrateTestDatabase());
afterAll(async () => {
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
  await scratch.drop();
});
beforeEach(async () => {
  (await getDb().delete(alertEvents));
  (await getDb().delete(alertRules));
});

let seq = 0;
async function rule(over: Partial<AlertRule>): Promise<AlertRule> {
  const now = Date.now();
  const r: AlertRule = {
    id: `arl_${++seq}`,
    name: `rule ${seq}`,
    kind: "error_rate",
    enabled: true,
    threshold: 50,
    windowMinutes: 1,
    minRequests: 4,
    dimension: "provider",
    dimensionValue: null,
    webhookUrl: null,
    webhookFormat: "portico",
    encryptedSecret: null,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
  (await getDb().insert(alertRules).values(r));
  return r;
}

function call(at: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: `r${++seq}`,
    at,
    endpoint: "chat.completions",
    inbound: "openai",
    keyId: null,
    teamId: null,
    appId: null,
    apiId: null,
    routeAlias: "gpt",
    providerId: "prv_1",
    providerType: "openai",
    modelId: "m",
    upstreamModel: "m",
    stream: false,
    status: 200,
    outcome: "ok",
    attempts: [],
    latencyMs: 0,
    ttftMs: null,
    tokensIn: 0,
    tokensOut: 0,
    tokensCached: 0,
    usageEstimated: false,
    costUsd: 0,
    errorCode: null,
    errorMessage: null,
    ...over,
  };
}
const fail = (at: number, over: Partial<CallRecord> = {}) => call(at, { status: 502, outcome: "error", ...over });
const events = async () => (await getDb().select().from(alertEvents));

describe("error rate", () => {
  it("fires above the threshold per provider, stays firing without duplicates, resolves when the rate drops", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    const r = (await rule({}));
    const t = Date.now();
    e.addCalls([fail(t), fail(t), fail(t), call(t), call(t, { providerId: "prv_2" })]);
    const fired = (await e.evaluate(t + 1000));
    expect(fired).toEqual([{ ruleId: r.id, subject: "provider:prv_1", to: "firing", eventId: expect.any(String) }]);
    const [ev] = (await events());
    expect(ev).toMatchObject({ state: "firing", ruleName: r.name, kind: "error_rate", subject: "provider:prv_1", value: 75, threshold: 50, resolvedAt: null });
    expect(ev!.message).toContain("Error rate 75% > 50% over 1 min");
    expect(ev!.message).toContain("3 of 4 calls");

    // still bad: no second event
    e.addCalls([fail(t + 2000)]);
    expect((await e.evaluate(t + 3000))).toEqual([]);
    expect((await events())).toHaveLength(1);
    expect((await events())[0]!.lastValue).toBe(80);

    // recovery: 4 errors out of 20 calls = 20% ≤ 50%
    e.addCalls(Array.from({ length: 15 }, () => call(t + 4000)));
    const resolved = (await e.evaluate(t + 5000));
    expect(resolved).toEqual([{ ruleId: r.id, subject: "provider:prv_1", to: "resolved", eventId: ev!.id }]);
    expect((await events())[0]).toMatchObject({ state: "resolved", resolvedAt: t + 5000, lastValue: 20 });

    // and it can fire again later: a new history row
    e.addCalls(Array.from({ length: 40 }, () => fail(t + 30_000)));
    expect((await e.evaluate(t + 31_000)).map((x) => x.to)).toEqual(["firing"]);
    expect((await events())).toHaveLength(2);
  });

  it("stays quiet below the minimum number of calls and at exactly the threshold", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ minRequests: 10, dimension: "all" }));
    const t = Date.now();
    e.addCalls([fail(t), fail(t), fail(t)]);
    expect((await e.evaluate(t + 1000))).toEqual([]);
    const e2 = new AlertEngine({ autoEvaluate: false });
    (await getDb().delete(alertRules));
    (await rule({ minRequests: 4, dimension: "all", threshold: 50 }));
    e2.addCalls([fail(t), fail(t), call(t), call(t)]);
    expect((await e2.evaluate(t + 1000))).toEqual([]);
    e2.addCalls([fail(t)]);
    expect((await e2.evaluate(t + 1000)).map((x) => x.to)).toEqual(["firing"]);
  });

  it("resolves when the failing calls slide out of the window", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ windowMinutes: 2, dimension: "route", dimensionValue: "gpt" }));
    const t = Date.now();
    e.addCalls(Array.from({ length: 5 }, () => fail(t)));
    expect((await e.evaluate(t + 60_000)).map((x) => [x.subject, x.to])).toEqual([["route:gpt", "firing"]]);
    expect((await e.evaluate(t + 90_000))).toEqual([]);
    expect((await e.evaluate(t + 2 * 60_000 + 20_000)).map((x) => x.to)).toEqual(["resolved"]);
  });

  it("watches only the chosen value when one is given", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ dimension: "provider", dimensionValue: "prv_2" }));
    const t = Date.now();
    e.addCalls(Array.from({ length: 5 }, () => fail(t)));
    expect((await e.evaluate(t + 1000))).toEqual([]);
    e.addCalls(Array.from({ length: 5 }, () => fail(t, { providerId: "prv_2" })));
    expect((await e.evaluate(t + 1000)).map((x) => x.subject)).toEqual(["provider:prv_2"]);
  });
});

describe("latency p95", () => {
  it("fires when p95 goes above X ms and resolves when it comes back", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ kind: "latency_p95", threshold: 1000, dimension: "all", minRequests: 10 }));
    const t = Date.now();
    // calls count at their end (at + latency): these ended at t
    e.addCalls(Array.from({ length: 20 }, () => call(t - 3000, { latencyMs: 3000 })));
    const [f] = (await e.evaluate(t + 1000));
    expect(f).toMatchObject({ subject: "all", to: "firing" });
    expect((await events())[0]!.value).toBeGreaterThan(1000);
    e.addCalls(Array.from({ length: 500 }, () => call(t + 2000, { latencyMs: 30 })));
    expect((await e.evaluate(t + 3000)).map((x) => x.to)).toEqual(["resolved"]);
  });
});

describe("circuit opened", () => {
  it("fires while a target's breaker is open and resolves when it closes", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ kind: "circuit_open", dimension: "all", threshold: 0 }));
    const key = "prv_9:mdl_9";
    breakers().failure(key);
    breakers().failure(key);
    expect(breakers().state(key)).toBe("open");
    const [f] = (await e.evaluate());
    expect(f).toMatchObject({ subject: `target:${key}`, to: "firing" });
    expect((await events())[0]!.message).toContain("is open");
    breakers().success(key);
    expect((await e.evaluate()).map((x) => x.to)).toEqual(["resolved"]);
  });
});

describe("budget", () => {
  it("fires on a budget signal at or above the threshold and resolves on a lower one (new period)", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ kind: "budget", threshold: 80, dimension: "team", dimensionValue: null }));
    e.signal({ kind: "budget", scope: "key", id: "key_1", spentUsd: 99, limitUsd: 100 }); // not a team budget
    e.signal({ kind: "budget", scope: "team", id: "team_1", name: "Search", spentUsd: 70, limitUsd: 100, period: "month" });
    expect((await e.evaluate())).toEqual([]);
    e.signal({ kind: "budget", scope: "team", id: "team_1", name: "Search", spentUsd: 85, limitUsd: 100, period: "month" });
    expect((await e.evaluate()).map((x) => [x.subject, x.to])).toEqual([["team:team_1:month", "firing"]]);
    expect((await events())[0]!.message).toContain("team Search spent $85.00 of its $100.00 budget (month): 85% ≥ 80%");
    e.signal({ kind: "budget", scope: "team", id: "team_1", spentUsd: 0, limitUsd: 100, period: "month" });
    expect((await e.evaluate()).map((x) => x.to)).toEqual(["resolved"]);
  });

  it("resolves when the budget period ends (resetsAt) without a newer signal", async () => {
    const e = new AlertEngine({ autoEvaluate: false });
    (await rule({ kind: "budget", threshold: 100, dimension: "all" }));
    const t = Date.now();
    e.signal({ kind: "budget", scope: "key", id: "key_7", spentUsd: 12, limitUsd: 10, period: "day", resetsAt: t + 60_000 });
    expect((await e.evaluate(t)).map((x) => [x.subject, x.to])).toEqual([["key:key_7:day", "firing"]]);
    expect((await e.evaluate(t + 30_000))).toEqual([]);
    expect((await e.evaluate(t + 60_000)).map((x) => x.to)).toEqual(["resolved"]);
  });
});

describe("budget rules read the shared spend ledger", () => {
  it("fires on spend another process wrote (no signal here), names the scope, and resolves when the budget is removed", async () => {
    const { budgets, spendLedger, teams } = await import("@/lib/db/schema");
    const { bumpConfigVersion } = await import("@/lib/config-version");
    const { addToLedger } = await import("@/lib/policy/ledger");
    const t = Date.now();
    (await getDb().insert(teams).values({ id: "team_led", name: "Ledger team", slug: "ledger", createdAt: t, updatedAt: t }));
    (await getDb().insert(budgets).values({ id: "bud_led", scope: "team", scopeId: "team_led", period: "month", limitUsd: 10, thresholds: [50], createdAt: t, updatedAt: t }));
    (await bumpConfigVersion());
    try {
      const e = new AlertEngine({ autoEvaluate: false });
      (await rule({ kind: "budget", threshold: 90, dimension: "team", dimensionValue: null }));
      // what any worker or replica's log writer adds: this engine saw none of these calls
      (await addToLedger([fail(t, { teamId: "team_led", appId: null, keyId: null, costUsd: 8 })]));
      expect((await e.evaluate(t + 1000))).toEqual([]);
      (await addToLedger([fail(t, { teamId: "team_led", appId: null, keyId: null, costUsd: 1.5 })]));
      expect((await e.evaluate(t + 2000)).map((x) => [x.subject, x.to])).toEqual([["team:team_led:month", "firing"]]);
      expect((await events())[0]!.message).toContain("team Ledger team spent $9.50 of its $10.00 budget (month): 95% ≥ 90%");
      (await getDb().delete(budgets).where(eq(budgets.id, "bud_led")));
      (await bumpConfigVersion());
      expect((await e.evaluate(t + 3000)).map((x) => x.to)).toEqual(["resolved"]);
    } finally {
      (await getDb().delete(budgets).where(eq(budgets.id, "bud_led")));
      (await getDb().delete(spendLedger));
      (await getDb().delete(teams).where(eq(teams.id, "team_led")));
      (await bumpConfigVersion());
    }
  });
});

describe("shared windows: several processes, several evaluators", () => {
  it("judges every process's calls from the stored slots, and two evaluators open and close one alert between them", async () => {
    const { writeBatch } = await import("@/lib/db/bulk");
    const { slotsOp } = await import("./window");
    const { alertSlots } = await import("@/lib/db/schema");
    const t = Date.now();
    (await rule({ dimension: "all", minRequests: 4 }));
    const a = new AlertEngine({ autoEvaluate: false, shared: true });
    const b = new AlertEngine({ autoEvaluate: false, shared: true });
    try {
      // each process's log writer adds its own calls: 2 failures here, 2 there (below 4 calls each)
      (await writeBatch([slotsOp([fail(t), fail(t)])]));
      expect((await a.evaluate(t + 1000))).toEqual([]);
      (await writeBatch([slotsOp([fail(t), fail(t), call(t)])]));
      a.addCalls([call(t), call(t), call(t), call(t), call(t)]); // a shared engine ignores in-process calls
      expect((await a.evaluate(t + 1000)).map((x) => [x.subject, x.to])).toEqual([["all", "firing"]]);
      expect((await events())[0]!.message).toContain("(4 of 5 calls)");
      // the other replica's evaluator sees the same open alert: no second event, no second notification
      expect((await b.evaluate(t + 1000))).toEqual([]);
      expect((await events())).toHaveLength(1);
      // the rate drops: whichever evaluator runs first closes it, the other one finds it closed
      (await writeBatch([slotsOp(Array.from({ length: 20 }, () => call(t)))]));
      expect((await b.evaluate(t + 2000)).map((x) => x.to)).toEqual(["resolved"]);
      expect((await a.evaluate(t + 2000))).toEqual([]);
      expect((await events()).map((e) => e.state)).toEqual(["resolved"]);
    } finally {
      (await getDb().delete(alertSlots));
    }
  });

  it("circuit_open judges every instance's breaker openings: open within the cooldown, resolved once none is", async () => {
    const { insertMany } = await import("@/lib/db/bulk");
    const { breakerEvents } = await import("@/lib/db/schema");
    const t = Date.now();
    const cooldown = breakers().opts.cooldownMs;
    (await rule({ kind: "circuit_open", dimension: "all", threshold: 0 }));
    const a = new AlertEngine({ autoEvaluate: false, shared: true });
    const b = new AlertEngine({ autoEvaluate: false, shared: true });
    try {
      // another instance's breaker opened (its log writer's flush wrote the row); none is open here
      (await insertMany("breaker_events", ["at", "target", "provider_id", "model_id", "failures"], [[t - 1000, "prv_far:mdl_far", "prv_far", "mdl_far", 5]]));
      expect(breakers().state("prv_far:mdl_far")).toBe("closed");
      expect((await a.evaluate(t)).map((x) => [x.subject, x.to])).toEqual([["target:prv_far:mdl_far", "firing"]]);
      expect((await b.evaluate(t))).toEqual([]); // the same verdict, the same event
      expect((await b.evaluate(t - 1000 + cooldown - 1))).toEqual([]); // still inside the cooldown
      expect((await b.evaluate(t - 1000 + cooldown + 1)).map((x) => x.to)).toEqual(["resolved"]);
      expect((await a.evaluate(t - 1000 + cooldown + 1))).toEqual([]);
      const evs = await events();
      expect(evs.map((e) => e.state)).toEqual(["resolved"]);
    } finally {
      (await getDb().delete(breakerEvents));
    }
  });

  it("a second insert of the same open alert is refused by the database (one open episode per rule and subject)", async () => {
    const r = (await rule({ dimension: "all" }));
    const ev = { ruleId: r.id, ruleName: r.name, kind: r.kind, subject: "all", subjectLabel: "all traffic", state: "firing" as const, message: "m", startedAt: Date.now() };
    (await getDb().insert(alertEvents).values({ ...ev, id: "alr_one" }));
    (await expect(getDb().insert(alertEvents).values({ ...ev, id: "alr_two" })).rejects.toThrow());
    // resolved episodes of the same rule and subject are history: as many as there were
    (await getDb().update(alertEvents).set({ state: "resolved", resolvedAt: Date.now() }));
    (await getDb().insert(alertEvents).values({ ...ev, id: "alr_three" }));
    expect((await events())).toHaveLength(2);
  });
});

describe("rule lifecycle and restarts", () => {
  it("closes alerts of a disabled rule and does not duplicate after a restart", async () => {
    const t = Date.now();
    const e = new AlertEngine({ autoEvaluate: false });
    const r = (await rule({ dimension: "all" }));
    e.addCalls(Array.from({ length: 5 }, () => fail(t)));
    expect((await e.evaluate(t + 1000))).toHaveLength(1);

    // a new process (same database): it knows the alert is already firing, and an empty
    // window just after the start is no reason to resolve it
    const restarted = new AlertEngine({ autoEvaluate: false, now: t + 500 });
    expect((await restarted.evaluate(t + 1000))).toEqual([]);
    restarted.addCalls(Array.from({ length: 5 }, () => fail(t)));
    expect((await restarted.evaluate(t + 1000))).toEqual([]);
    expect((await events())).toHaveLength(1);
    // once a whole window has passed, too little traffic does resolve it
    const later = new AlertEngine({ autoEvaluate: false, now: t });
    expect((await later.evaluate(t + 61_000)).map((x) => x.to)).toEqual(["resolved"]);
    (await getDb().update(alertEvents).set({ state: "firing", resolvedAt: null }));

    (await getDb().update(alertRules).set({ enabled: false }).where(eq(alertRules.id, r.id)));
    expect((await restarted.evaluate(t + 2000)).map((x) => x.to)).toEqual(["resolved"]);
    expect((await events())[0]!.state).toBe("resolved");
  });
});
