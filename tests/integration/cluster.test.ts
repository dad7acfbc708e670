/**
 * Three built Portico processes (A, B, C: `node dist/server.js`) on one PostgreSQL database and
 * one Redis, with a fake OpenAI upstream (issue #11):
 * - config created through A's admin API (keys, a rate limit, a budget) is enforced on B and C
 *   within 1 s (the propagation delay is measured and printed);
 * - a rate limit and a budget are exact across the three under concurrent load;
 * - a call made on A is searchable from B and C;
 * - an error-rate alert judges the three processes' calls together and fires once;
 * - SIGTERM to B in the middle of a burst: every answered request is in the log;
 * - SIGKILL to C in the middle of a burst: only calls answered inside the last flush window
 *   (PORTICO_LOG_FLUSH_MS) may be missing.
 * Skipped (with the reason) without PostgreSQL, Redis or a production build.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "@/e2e/fakes";
import { clusterUnavailable, deleteRedisKeys, REDIS_URL, scratchDatabase, startNode, type Node } from "../support/cluster";

// Always on PostgreSQL: the default pass runs it; the PostgreSQL pass (PORTICO_TEST_ENGINE=postgres) would only repeat it.
const skipReason = process.env.PORTICO_TEST_ENGINE === "postgres" ? "already run on PostgreSQL by the default pass" : await clusterUnavailable();
if (skipReason) console.warn(`\n[cluster] SKIPPING the cluster test: ${skipReason}\n`);

const FLUSH_MS = 200;
const PREFIX = `portico-cluster-${randomBytes(4).toString("hex")}:`;
const SECRET = "cluster-secret-".padEnd(40, "x");
const ADMIN_EMAIL = "admin@cluster.test";
/** upstream prices ($ per million tokens) of the cluster route */
const IN_PRICE = 1000;
const OUT_PRICE = 2000;
const MAX_TOKENS = 20;

let db: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
let fake: FakeUpstream | null = null;
const nodes: Node[] = [];
let A: Node, B: Node, C: Node;
let pat = "";
let teamId = "";
let apiId = "";
let sql: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
let closeDb: () => void = () => undefined;

interface Answer {
  id: string;
  node: string;
  status: number;
  body: { error?: { code?: string }; usage?: { prompt_tokens: number; completion_tokens: number } };
  at: number;
}

/** One chat call with our own request id; null when no answer came (connection refused or cut). */
async function chat(n: Node, key: string, id = `clu-${randomBytes(6).toString("hex")}`, alias = "cluster-chat"): Promise<Answer | null> {
  try {
    const r = await fetch(`${n.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "x-request-id": id },
      body: JSON.stringify({ model: alias, max_tokens: MAX_TOKENS, messages: [{ role: "user", content: "hello cluster" }] }),
    });
    const body = (await r.json()) as Answer["body"];
    return { id, node: n.name, status: r.status, body, at: Date.now() };
  } catch {
    return null;
  }
}

const costOf = (a: Answer) => (a.body.usage ? (a.body.usage.prompt_tokens * IN_PRICE + a.body.usage.completion_tokens * OUT_PRICE) / 1e6 : 0);

async function admin<T>(n: Node, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${n.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${pat}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: (await r.json()) as T };
}

/** Resolves when `fn` holds (checked every 10 ms), rejects after `ms`. */
async function until(fn: () => Promise<boolean> | boolean, ms = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An app of the cluster team subscribed to the cluster API. */
let newApp: (name: string) => Promise<string>;

/** A key created through A's admin API, and the time each of B and C first accepted it (ms after A answered). */
async function keyThroughA(appId: string): Promise<{ key: string; id: string; delays: number[] }> {
  const r = await admin<{ key: string; id: string }>(A, "POST", "/api/admin/keys", { name: `k-${randomBytes(3).toString("hex")}`, appId });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const t0 = Date.now();
  const delays = await Promise.all(
    [B, C].map(async (n) => {
      await until(async () => (await fetch(`${n.url}/v1/models`, { headers: { authorization: `Bearer ${r.json.key}` } })).status === 200, 5000, `${n.name} to accept the key`);
      return Date.now() - t0;
    }),
  );
  // A itself wrote the change: it must accept the key too.
  expect((await fetch(`${A.url}/v1/models`, { headers: { authorization: `Bearer ${r.json.key}` } })).status).toBe(200);
  return { key: r.json.key, id: r.json.id, delays };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;

beforeAll(async () => {
  if (skipReason) return;
  db = await scratchDatabase();
  fake = await startFakeUpstream();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    PORTICO_REDIS_PREFIX: PREFIX,
    PORTICO_SECRET: SECRET,
    PORTICO_ADMIN_EMAIL: ADMIN_EMAIL,
    PORTICO_ADMIN_PASSWORD: "cluster-admin-password-1",
    NEXTAUTH_URL: "http://127.0.0.1",
    PORTICO_LOG_FLUSH_MS: String(FLUSH_MS),
    // every process evaluates alert rules (as replicas on several machines do), twice a second
    PORTICO_ALERT_EVAL_MS: "500",
  };
  // A first: it migrates the database and creates the admin; then B and C together.
  A = await startNode("A", env);
  nodes.push(A);
  [B, C] = await Promise.all([startNode("B", env), startNode("C", env)]);
  nodes.push(B, C);

  // Seeding through the services on the same database (the test process is a fourth client).
  Object.assign(process.env, { DATABASE_URL: db.url, PORTICO_SECRET: SECRET, PORTICO_ADMIN_EMAIL: ADMIN_EMAIL });
  const { getDb, closeDb: close } = await import("@/lib/db/client");
  const { rawAll } = await import("@/lib/db/sql");
  closeDb = close;
  sql = (text, params = []) => rawAll<Record<string, unknown>>(text, params);
  const schema = await import("@/lib/db/schema");
  const { eq } = await import("drizzle-orm");
  const { loadActor } = await import("@/lib/auth/actor");
  const adminRow = (await getDb().select().from(schema.users).where(eq(schema.users.email, ADMIN_EMAIL)).limit(1))[0]!;
  const actor = (await loadActor(adminRow.id, "session"))!;
  pat = (await (await import("@/lib/services/admin-tokens")).createAdminToken({ actor, input: { name: "cluster test" } })).token;
  const providers = await import("@/lib/services/providers");
  const models = await import("@/lib/services/models");
  const routes = await import("@/lib/services/routes");
  const teams = await import("@/lib/services/teams");
  const apis = await import("@/lib/services/apis");
  const apps = await import("@/lib/services/apps");
  const subs = await import("@/lib/services/subscriptions");
  const prov = await providers.createProvider({ actor, input: { name: "fake-openai", type: "openai", baseUrl: `${fake.url}/v1`, apiKey: "sk-test" } });
  const model = await models.createModel({
    actor,
    input: { providerId: prov.id, upstreamModel: "gpt-cluster-long-50-delay-150", kind: "chat", inputPricePerM: IN_PRICE, outputPricePerM: OUT_PRICE },
  });
  await routes.createRoute({ actor, input: { alias: "cluster-chat", strategy: "single", targets: [{ modelId: model.id }] } });
  const failing = await models.createModel({ actor, input: { providerId: prov.id, upstreamModel: "gpt-cluster-fault-503", kind: "chat", inputPricePerM: 0, outputPricePerM: 0 } });
  await routes.createRoute({ actor, input: { alias: "cluster-fail", strategy: "single", targets: [{ modelId: failing.id }] } });
  const team = await teams.createTeam({ actor, input: { name: "Cluster", slug: "cluster" } });
  teamId = team.id;
  const api = await apis.createApi({ actor, input: { slug: "cluster", name: "Cluster", teamId, routeAliases: ["cluster-chat", "cluster-fail"], approvalMode: "auto", reasonRequired: false } });
  apiId = api.id;
  await apis.setApiState({ actor, id: apiId, input: { state: "published" } });
  newApp = async (name) => {
    const app = await apps.createApp({ actor, input: { teamId, name } });
    await subs.requestSubscription({ actor, input: { appId: app.id, apiId } });
    return app.id;
  };
}, 240_000);

afterAll(async () => {
  for (const n of nodes) n.kill();
  await Promise.all(nodes.map((n) => n.exited));
  closeDb();
  await fake?.close();
  await db?.drop();
  if (!skipReason) await deleteRedisKeys(PREFIX);
}, 60_000);

describe.skipIf(!!skipReason)("three Portico processes on one PostgreSQL and one Redis", () => {
  let miscApp = "";
  let misc: { key: string; id: string };

  it("config created through A's admin API is enforced on B and C within 1 s", async () => {
    miscApp = await newApp("misc");
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const k = await keyThroughA(miscApp);
      delays.push(...k.delays);
      misc = k;
    }
    console.log(`[cluster] key propagation A → B, C over ${delays.length} observations: p50 ${pct(delays, 0.5)} ms, max ${Math.max(...delays)} ms`);
    expect(Math.max(...delays)).toBeLessThan(1000);

    // A rate limit created on A refuses on B and C within 1 s.
    const lim = await admin<{ id: string }>(A, "POST", "/api/admin/limits", { scope: "key", scopeId: misc.id, requestsPerMinute: 1 });
    expect(lim.status, JSON.stringify(lim.json)).toBe(201);
    const t0 = Date.now();
    const limDelays = await Promise.all(
      [B, C].map(async (n) => {
        await until(async () => (await chat(n, misc.key))?.status === 429, 5000, `${n.name} to enforce the limit`);
        return Date.now() - t0;
      }),
    );
    console.log(`[cluster] rate-limit propagation A → B, C: ${limDelays.join(" ms, ")} ms`);
    expect(Math.max(...limDelays)).toBeLessThan(1000);
    expect((await admin(A, "DELETE", `/api/admin/limits/${lim.json.id}`)).status).toBeLessThan(300);
    await until(async () => (await chat(B, misc.key))?.status === 200 && (await chat(C, misc.key))?.status === 200, 5000, "the limit to be gone");
  });

  it("a call made on A is searchable from B and C", async () => {
    const a = await chat(A, misc.key);
    expect(a?.status).toBe(200);
    for (const n of [B, C]) {
      await until(
        async () => {
          const r = await admin<unknown>(n, "GET", `/api/admin/logs?keyId=${misc.id}&range=1h&limit=200`);
          return r.status === 200 && JSON.stringify(r.json).includes(a!.id);
        },
        10_000,
        `${n.name} to find ${a!.id}`,
      );
    }
  });

  it("a requests-per-minute limit is exact across the three under concurrent load", async () => {
    const appId = await newApp("rate");
    const LIMIT = 30;
    const lim = await admin(A, "POST", "/api/admin/limits", { scope: "app", scopeId: appId, requestsPerMinute: LIMIT });
    expect(lim.status, JSON.stringify(lim.json)).toBe(201);
    // A key created after the limit: once B and C accept it, they have the limit too.
    const k = await keyThroughA(appId);
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 90 }, (_, i) => chat(nodes[i % 3]!, k.key)));
    const elapsed = Date.now() - t0;
    const ok = answers.filter((a) => a?.status === 200).length;
    const limited = answers.filter((a) => a?.status === 429 && a.body.error?.code === "rate_limit_exceeded").length;
    // The bucket refills LIMIT per minute: what the burst's duration may have added.
    const refill = Math.floor((elapsed * LIMIT) / 60_000);
    console.log(`[cluster] rate limit ${LIMIT}/min, 90 concurrent calls over 3 instances in ${elapsed} ms: admitted ${ok}, refused ${limited} (refill allowance ${refill})`);
    expect(ok + limited).toBe(90);
    expect(ok).toBeGreaterThanOrEqual(LIMIT);
    expect(ok).toBeLessThanOrEqual(LIMIT + refill);
  });

  it("a budget is exact across the three: overshoot at most one call's cost", async () => {
    const appId = await newApp("budget");
    const LIMIT_USD = 0.5;
    const bg = await admin(A, "POST", "/api/admin/budgets", { scope: "app", scopeId: appId, period: "day", limitUsd: LIMIT_USD });
    expect(bg.status, JSON.stringify(bg.json)).toBe(201);
    // A roomy rate limit too: buckets and budgets are then admitted in one Redis script.
    expect((await admin(A, "POST", "/api/admin/limits", { scope: "app", scopeId: appId, requestsPerMinute: 10_000 })).status).toBe(201);
    const k = await keyThroughA(appId);
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => chat(nodes[i % 3]!, k.key)));
    const admitted = burst.filter((a): a is Answer => a?.status === 200);
    const codes = new Map<string, number>();
    for (const a of burst) if (a && a.status !== 200) codes.set(a.body.error?.code ?? String(a.status), (codes.get(a.body.error?.code ?? String(a.status)) ?? 0) + 1);
    // Then one call at a time, round the three, until the budget says it is spent.
    let spentOut = false;
    for (let i = 0; i < 60 && !spentOut; i++) {
      const a = await chat(nodes[i % 3]!, k.key);
      if (a?.status === 200) admitted.push(a);
      else if (a?.body.error?.code === "budget_exceeded") spentOut = true;
      else if (a?.body.error?.code !== "budget_reserved") throw new Error(`unexpected answer ${JSON.stringify(a)}`);
    }
    expect(spentOut).toBe(true);
    const total = admitted.reduce((s, a) => s + costOf(a), 0);
    const maxCall = Math.max(...admitted.map(costOf));
    console.log(
      `[cluster] budget $${LIMIT_USD}: burst of 60 over 3 instances admitted ${burst.filter((a) => a?.status === 200).length} (${[...codes].map(([c, n]) => `${c} ${n}`).join(", ")}); ` +
        `${admitted.length} calls in all, spent $${total.toFixed(4)}, overshoot $${(total - LIMIT_USD).toFixed(4)} (one call $${maxCall.toFixed(4)})`,
    );
    expect(total).toBeGreaterThanOrEqual(LIMIT_USD - 1e-9);
    expect(total - LIMIT_USD).toBeLessThanOrEqual(maxCall + 1e-9);
    // The durable ledger agrees once the instances flushed.
    await until(async () => Math.abs(Number((await sql("SELECT COALESCE(SUM(cost_usd), 0) AS v FROM request_logs WHERE app_id = ?", [appId]))[0]!.v) - total) < 1e-9, 10_000, "the log to hold every admitted call");
  });

  /** Calls to `n` in waves of `width` until the target dies; the signal is sent once `fire` calls are in flight upstream. */
  async function burstAndSignal(n: Node, signal: NodeJS.Signals): Promise<{ answered: Answer[]; lost: number; signalledAt: number }> {
    const answered: Answer[] = [];
    let lost = 0;
    let stop = false;
    let signalledAt = 0;
    const upstreamBefore = fake!.requests.length;
    const worker = async () => {
      while (!stop) {
        const a = await chat(n, misc.key);
        if (a) answered.push(a);
        else {
          lost++;
          stop = true;
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await until(() => fake!.requests.length - upstreamBefore >= 40, 20_000, "the burst to be under way");
    signalledAt = Date.now();
    n.child.kill(signal);
    await n.exited;
    stop = true;
    await Promise.all(workers);
    return { answered, lost, signalledAt };
  }

  it("an error-rate alert judges the three processes' calls together and fires once", async () => {
    const rule = await admin<{ id: string }>(A, "POST", "/api/admin/alerts/rules", {
      name: "cluster failing",
      kind: "error_rate",
      threshold: 50,
      windowMinutes: 1,
      minRequests: 6,
      dimension: "route",
      dimensionValue: "cluster-fail",
    });
    expect(rule.status, JSON.stringify(rule.json)).toBe(201);
    const k = await keyThroughA(await newApp("alerts"));
    // two failing calls through each process: alone, none of them reaches the rule's 6 calls
    for (const n of [A, B, C]) for (let i = 0; i < 2; i++) expect((await chat(n, k.key, undefined, "cluster-fail"))?.status).toBeGreaterThanOrEqual(500);
    const events = () => sql("SELECT id, state, message FROM alert_events WHERE rule_id = ?", [rule.json.id]);
    await until(async () => (await events()).length > 0, 10_000, "the alert to fire");
    // each process exports the alerts it sees firing after its evaluation: once all three have judged it, still one event
    const firingOn = async (n: Node) => Number(/^portico_alerts_firing (\d+)/m.exec(await (await fetch(`${n.url}/metrics`)).text())?.[1] ?? 0);
    await until(async () => (await Promise.all([A, B, C].map(firingOn))).every((v) => v === 1), 10_000, "every evaluator to see the alert");
    const evs = await events();
    expect(evs).toHaveLength(1);
    expect(evs[0]!.state).toBe("firing");
    expect(String(evs[0]!.message)).toContain("(6 of 6 calls)");
    expect((await admin(A, "DELETE", `/api/admin/alerts/rules/${rule.json.id}`)).status).toBeLessThan(300);
  });

  it("SIGTERM to B in the middle of a burst: every answered request is in the log", async () => {
    const { answered, lost, signalledAt } = await burstAndSignal(B, "SIGTERM");
    const ids = answered.map((a) => a.id);
    const rows = await sql(`SELECT id FROM request_logs WHERE id IN (${ids.map(() => "?").join(",")})`, ids);
    const logged = new Set(rows.map((r) => String(r.id)));
    const missing = answered.filter((a) => !logged.has(a.id));
    const afterSignal = answered.filter((a) => a.at >= signalledAt).length;
    console.log(`[cluster] SIGTERM: ${answered.length} answered (${afterSignal} after the signal, statuses ${[...new Set(answered.map((a) => a.status))].join("/")}), ${lost} without an answer, ${missing.length} answered but not logged`);
    expect(answered.length).toBeGreaterThan(0);
    expect(missing.map((a) => a.id)).toEqual([]);
  });

  it("SIGKILL to C in the middle of a burst: only calls inside one flush window are missing from the log", async () => {
    const { answered, lost, signalledAt } = await burstAndSignal(C, "SIGKILL");
    const ids = answered.map((a) => a.id);
    const rows = await sql(`SELECT id FROM request_logs WHERE id IN (${ids.map(() => "?").join(",")})`, ids);
    const logged = new Set(rows.map((r) => String(r.id)));
    const missing = answered.filter((a) => !logged.has(a.id));
    const oldest = missing.length ? signalledAt - Math.min(...missing.map((a) => a.at)) : 0;
    console.log(`[cluster] SIGKILL: ${answered.length} answered, ${lost} without an answer, ${missing.length} answered but not logged (oldest answered ${oldest} ms before the kill; flush window ${FLUSH_MS} ms)`);
    expect(answered.length).toBeGreaterThan(0);
    // A row is flushed at most FLUSH_MS after its answer; one flush may be in progress (its own duration) when the kill lands.
    for (const a of missing) expect(signalledAt - a.at, a.id).toBeLessThanOrEqual(2 * FLUSH_MS);
    // A and B... A still serves and its log is intact.
    expect((await chat(A, misc.key))?.status).toBe(200);
  });
});
