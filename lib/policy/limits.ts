import type { Budget, RateLimit } from "@/lib/db/schema/policy";
import { GatewayError } from "@/lib/gateway/errors";
import type { GuardInput } from "@/lib/gateway/stages/guard";
import { addResponseHeaders, onRecord } from "@/lib/gateway/context";
import { logWriter } from "@/lib/gateway/log-writer";
import { reservePromptTokens } from "@/lib/gateway/tokens";
import type { CallRecord } from "@/lib/gateway/types";
import { registerReadinessCheck } from "@/lib/health";
import { formatReset, msUntilFull, type BucketSpec, type TakeResult } from "./bucket";
import { BudgetMeter, type Reservation } from "./budget-meter";
import { OutputEstimator } from "./output-estimate";
import { addToLedger, readLedgers, type LedgerKey } from "./ledger";
import { periodStart } from "./period";
import { checkThresholds } from "./notify";
import { policySnapshot, scopeKey, type PolicySnapshot } from "./policy-snapshot";
import { MemoryStore, RedisStore, type LimitStore } from "./store";
import { RedisBudgetStore, type SharedReservation } from "./budget-store";
import { runtime } from "@/lib/runtime";

/**
 * Rate limits and budgets in the guard stage (docs/traffic-policy.md).
 * Admission: reserve 1 request + the token estimate in every bucket that
 * applies (key, app, team, route), and the estimated cost in every budget;
 * the record hook reconciles with the actual usage and cost when the call ends.
 */

/** Output tokens reserved at most per call (the request's max_tokens, else the route's recent p95: lib/policy/output-estimate.ts). */
export const TOKEN_RESERVE_CAP = Number(process.env.PORTICO_TOKEN_RESERVE_CAP || 4096);

export interface LimitsState {
  installed: boolean;
  store: LimitStore | null;
  meter: BudgetMeter;
  refreshedAt: number;
  outputs: OutputEstimator;
  refreshTimer: ReturnType<typeof setInterval> | null;
  /** budgets shared through Redis (REDIS_URL set), on the rate-limit store's connection */
  shared: RedisBudgetStore | null;
  /** the spend ledger's rows this process's counters start from, read ahead so admission never waits on the database */
  ledger: Map<string, number>;
}

interface InFlight {
  tokenSpecs: BucketSpec[];
  budget: Reservation | null;
  /** the reservation in the shared (Redis) budgets, when admission used them */
  shared: SharedReservation | null;
}

// A call's reservation, and after reconciliation its committed budget share until the row is
// flushed, hang off its record under global symbols (both bundles reach the same calls): cheaper
// than WeakMaps, which cost the GC ephemeron bookkeeping for every call.
const INFLIGHT = Symbol.for("portico.limits.inflight");
const COMMITTED = Symbol.for("portico.limits.committed");
type Carrier = { [INFLIGHT]?: InFlight; [COMMITTED]?: Reservation };
const setInflight = (rec: CallRecord, f: InFlight) => void ((rec as Carrier)[INFLIGHT] = f);

const ledgerKey = (k: LedgerKey) => `${k.scope}|${k.scopeId}|${k.period}|${k.start}`;

function cachedLedger(scope: LedgerKey["scope"], scopeId: string, period: LedgerKey["period"], start: number): number {
  return state.ledger.get(ledgerKey({ scope, scopeId, period, start })) ?? 0;
}

/** Reads ledger rows into the cache (one query per 200 keys). */
async function loadLedger(keys: LedgerKey[]): Promise<void> {
  if (!keys.length) return;
  const values = await readLedgers(keys);
  keys.forEach((k, i) => state.ledger.set(ledgerKey(k), values[i] ?? 0));
}

/** Budgets of this call whose current period this process has not read from the ledger yet. */
function unloaded(list: { b: Budget }[], now: number): LedgerKey[] {
  const out: LedgerKey[] = [];
  for (const { b } of list) {
    const k: LedgerKey = { scope: b.scope, scopeId: b.scopeId, period: b.period, start: periodStart(b.period, now) };
    if (!state.ledger.has(ledgerKey(k))) out.push(k);
  }
  return out;
}

const rt = runtime();
const state = (rt.limits ??= {
  installed: false,
  store: null,
  meter: new BudgetMeter(cachedLedger),
  ledger: new Map(),
  refreshedAt: 0,
  outputs: new OutputEstimator(),
  refreshTimer: null,
  shared: null,
});
const REFRESH_MS = Number(process.env.PORTICO_BUDGET_REFRESH_MS || 1000);

export function limitStore(): LimitStore {
  if (!state.store) {
    const url = process.env.REDIS_URL;
    state.store = url ? new RedisStore(url) : new MemoryStore();
    if (url) console.log(`[portico] rate limits: Redis store at ${new URL(url).host} (shared across instances)`);
  }
  return state.store;
}

/** The shared budget counters when the limit store is Redis, else null (per-process budgets). */
export function sharedBudgets(): RedisBudgetStore | null {
  const s = limitStore();
  if (!(s instanceof RedisStore)) return null;
  return (state.shared ??= new RedisBudgetStore(s.client, s.keyPrefix));
}

export function budgetMeter(): BudgetMeter {
  return state.meter;
}

/**
 * Registers the record hook, the ledger flush listener and the readiness check, once per process.
 * The guard itself (`limitsGuard`) is placed in the ordered list of lib/gateway/guards.ts.
 */
export function installTrafficLimits(): void {
  // An idle instance flushes nothing, so without this timer it would never see other instances' spend.
  if (!state.refreshTimer && REFRESH_MS > 0) {
    state.refreshTimer = setInterval(refreshSpend, REFRESH_MS);
    state.refreshTimer.unref?.();
  }
  if (state.installed) return;
  state.installed = true;
  onRecord(reconcile);
  logWriter().onFlush(onFlush);
  registerReadinessCheck("rateLimitStore", () => limitStore().status());
}

/** Shutdown: stop the refresh timer (the database is about to close). installTrafficLimits() starts it again. */
export function stopBudgetRefresh(): void {
  if (state.refreshTimer) clearInterval(state.refreshTimer);
  state.refreshTimer = null;
}

/** Re-read the ledger (every process's flushed spend) for the live budget counters, then check thresholds. */
async function refreshSpend(): Promise<void> {
  if (!state.meter.counters.size) return;
  try {
    state.refreshedAt = Date.now();
    const keys = [...state.meter.counters.values()].map((c) => ({ scope: c.scope, scopeId: c.scopeId, period: c.period, start: c.start }));
    await loadLedger(keys);
    state.meter.refresh();
    await syncShared(keys);
    (await checkThresholds(state.meter));
  } catch (e) {
    console.error("[portico] budget refresh failed:", e);
  }
}

/**
 * The ledger is the durable truth: where it is ahead of the shared (Redis) spend — calls that
 * ended while Redis was unreachable, spend from before a budget existed — raise the shared spend to it.
 */
async function syncShared(keys: LedgerKey[]): Promise<void> {
  const shared = sharedBudgets();
  const store = state.store;
  if (!shared || !(store instanceof RedisStore) || !store.available()) return;
  try {
    await shared.sync(keys.map((key) => ({ key, ledger: cachedLedger(key.scope, key.scopeId, key.period, key.start) })));
  } catch (e) {
    store.unreachable(e);
  }
}

interface BucketMeta {
  s: Scoped;
  kind: "requests" | "tokens";
  limit: number;
}

interface Scoped {
  scope: RateLimit["scope"];
  id: string;
  name: string;
  /** names the rate-limit bucket when not `id` (a rotated key: the first key of its chain) */
  bucketId?: string;
}

/** The scopes a call falls under, most specific first. */
function scopesOf(g: GuardInput, ps: PolicySnapshot): Scoped[] {
  const snap = ps.snap;
  const app = g.key.appId ? snap.access.apps.get(g.key.appId) : undefined;
  const teamId = app?.teamId ?? g.key.teamId;
  // A rotated key's limit and budgets live on the newest key of its chain; the old one (in grace) shares them.
  const out: Scoped[] = [{ scope: "key", id: ps.keyCurrent.get(g.key.id) ?? g.key.id, bucketId: ps.keyRoot.get(g.key.id), name: `key '${g.key.name}'` }];
  if (app) out.push({ scope: "app", id: app.id, name: `app '${app.name}'` });
  if (teamId) out.push({ scope: "team", id: teamId, name: `team '${ps.teamNames.get(teamId) ?? teamId}'` });
  // An API limit is global to the API: every app calling it shares the bucket.
  const api = g.rec.apiId ? snap.access.apis.get(g.rec.apiId) : undefined;
  if (api) out.push({ scope: "api", id: api.id, name: `API '${api.name}'` });
  out.push({ scope: "route", id: g.route.id, name: `model '${g.route.alias}'` });
  return out;
}

interface Estimate {
  prompt: number;
  maxOut: number;
}

function estimate(g: GuardInput): Estimate {
  const model = g.route.main.targets[0]?.model;
  if (g.chat) {
    const asked = g.chat.max_completion_tokens ?? g.chat.max_tokens;
    // Without max_tokens: what this route's answers recently needed (p95), not the cap (docs/traffic-policy.md).
    const maxOut = asked != null ? Math.min(asked, TOKEN_RESERVE_CAP) : state.outputs.estimate(g.route.alias, Math.min(TOKEN_RESERVE_CAP, model?.maxOutputTokens ?? TOKEN_RESERVE_CAP));
    // From the prompt's size, not the tokenizer (lib/gateway/tokens.ts); reconcile() charges the real usage.
    return { prompt: reservePromptTokens(g.chat), maxOut };
  }
  // Embeddings: ~4 bytes a token of the body is close enough for a reservation; reconciled on record.
  return { prompt: Math.ceil((g.req.body?.length ?? 0) / 4), maxOut: 0 };
}

/** Retry-After of a refusal by in-flight reservations: they end with their calls, typically within seconds. */
const IN_FLIGHT_RETRY_S = 2;

const fmtUsd = (n: number) => `$${n < 1 ? n.toFixed(4).replace(/0{1,2}$/, "") : n.toFixed(2)}`;

/** Synchronous unless the store is Redis: a call with no policy, or the in-process store, costs no await. */
export function limitsGuard(g: GuardInput): void | Promise<void> {
  if (!g.rec.keyId) return; // the admin "test route" call has no key: not subject to tenant limits
  const ps = policySnapshot();
  // Loaded once per config snapshot: a promise only on the first call after a change.
  return ps instanceof Promise ? ps.then((v) => limitsWith(g, v)) : limitsWith(g, ps);
}

/**
 * What applies to a (key, route, API) under one policy snapshot: the rate-limit buckets (all but
 * the per-call token cost) and the budgets, with the scope names a refusal quotes. The same for
 * every call of that key to that route until the config changes, so it is built once instead of
 * per call (scopes, names, bucket keys: several strings and arrays a call).
 */
interface Plan {
  meta: BucketMeta[];
  /** per bucket, in meta's order: everything but the cost */
  buckets: { key: string; capacity: number; perMs: number; tokens: boolean }[];
  budgets: { s: Scoped; b: Budget }[];
  /** budgets' rows (what the meters take) */
  budgetRows: Budget[];
  needTokens: boolean;
}

const plans = new WeakMap<PolicySnapshot, Map<string, Plan | null>>();
const MAX_PLANS = 10_000;

function planFor(g: GuardInput, ps: PolicySnapshot): Plan | null {
  let m = plans.get(ps);
  if (!m) plans.set(ps, (m = new Map()));
  const id = `${g.key.id}|${g.route.id}|${g.rec.apiId ?? ""}`;
  let plan = m.get(id);
  if (plan === undefined) {
    if (m.size >= MAX_PLANS) m.clear();
    m.set(id, (plan = buildPlan(g, ps)));
  }
  return plan;
}

function buildPlan(g: GuardInput, ps: PolicySnapshot): Plan | null {
  const scopes = scopesOf(g, ps);
  const policies: { s: Scoped; p: RateLimit }[] = [];
  const budgetList: { s: Scoped; b: Budget }[] = [];
  for (const s of scopes) {
    const p = ps.limits.get(scopeKey(s.scope, s.id));
    if (p && (p.requestsPerMinute || p.tokensPerMinute)) policies.push({ s, p });
    if (s.scope !== "route" && s.scope !== "api") for (const b of ps.budgets.get(scopeKey(s.scope, s.id)) ?? []) budgetList.push({ s, b });
  }
  if (!policies.length && !budgetList.length) return null;
  const buckets: Plan["buckets"] = [];
  const meta: BucketMeta[] = [];
  for (const { s, p } of policies) {
    if (p.requestsPerMinute) {
      buckets.push({ key: `rl:${s.scope}:${s.bucketId ?? s.id}:r`, capacity: Math.max(1, p.burst ?? p.requestsPerMinute), perMs: p.requestsPerMinute / 60_000, tokens: false });
      meta.push({ s, kind: "requests", limit: p.requestsPerMinute });
    }
    if (p.tokensPerMinute) {
      buckets.push({ key: `rl:${s.scope}:${s.bucketId ?? s.id}:t`, capacity: p.tokensPerMinute, perMs: p.tokensPerMinute / 60_000, tokens: true });
      meta.push({ s, kind: "tokens", limit: p.tokensPerMinute });
    }
  }
  return { meta, buckets, budgets: budgetList, budgetRows: budgetList.map((x) => x.b), needTokens: budgetList.length > 0 || policies.some((x) => x.p.tokensPerMinute) };
}

const NO_ESTIMATE: Estimate = { prompt: 0, maxOut: 0 };

function limitsWith(g: GuardInput, ps: PolicySnapshot): void | Promise<void> {
  if (!ps.limits.size && !ps.budgets.size) return; // nothing configured: no work per call
  const plan = planFor(g, ps);
  if (!plan) return;
  const est = plan.needTokens ? estimate(g) : NO_ESTIMATE;
  const estTokens = est.prompt + est.maxOut;
  // fresh specs per call: the cost is this call's, and reconciliation keeps the token ones
  const specs: BucketSpec[] = plan.buckets.map((b) => ({ key: b.key, capacity: b.capacity, perMs: b.perMs, cost: b.tokens ? Math.min(estTokens, b.capacity) : 1 }));
  const call: Admission = { g, specs, meta: plan.meta, budgets: plan.budgets, budgetRows: plan.budgetRows, est };
  // First call of a budget period in this process: read its ledger row once, then never again per call.
  const missing = plan.budgets.length ? unloaded(plan.budgets, Date.now()) : [];
  if (missing.length) return loadLedger(missing).then(() => take(call));
  return take(call);
}

function take(call: Admission): void | Promise<void> {
  if (call.budgets.length) {
    const store = limitStore();
    const shared = sharedBudgets();
    if (shared && store instanceof RedisStore && store.available()) return admitShared(call, store, shared);
  }
  if (!call.specs.length) return admit(call, null);
  const taken = limitStore().take(call.specs);
  if (taken instanceof Promise) return taken.then((r) => admit(call, r));
  return admit(call, taken);
}

interface Admission {
  g: GuardInput;
  specs: BucketSpec[];
  meta: BucketMeta[];
  budgets: { s: Scoped; b: Budget }[];
  budgetRows: Budget[];
  est: Estimate;
}

/** The call's estimated cost at the route's first target's prices (what its budgets reserve). */
function estimatedCost({ g, est }: Admission): number {
  const m = g.route.main.targets[0]?.model;
  return m ? (est.prompt * m.inputPricePerM + est.maxOut * m.outputPricePerM) / 1_000_000 : 0;
}

const tokenSpecsOf = ({ specs, meta }: Admission) => specs.filter((_, i) => meta[i]!.kind === "tokens");

/**
 * Budgets shared through Redis: the buckets and every instance's budget counters in one round trip
 * (lib/policy/budget-store.ts), all or nothing. Redis failing: this call and the next ones (until
 * the store retries) go the in-process way.
 */
function admitShared(call: Admission, store: RedisStore, shared: RedisBudgetStore): Promise<void> {
  const { g, budgets: budgetList } = call;
  const estCost = estimatedCost(call);
  const list = call.budgetRows;
  return shared.admit(call.specs, list, estCost, (k) => cachedLedger(k.scope, k.scopeId, k.period, k.start)).then(
    (r) => {
      store.reachable();
      if (r.rate) checkRate(call, r.rate);
      const b = r.budget!;
      // Nothing was taken from the buckets for a refused call: no refund.
      if (!b.ok) return refuseBudget(g, budgetList, { budget: list[b.index]!, spent: b.spent, reserved: b.reserved, inflight: b.inflight, resetsAt: b.resetsAt }, null);
      // The local meter follows this process's part (pending spend, thresholds) without deciding admission.
      setInflight(g.rec, { tokenSpecs: tokenSpecsOf(call), budget: state.meter.track(list, estCost), shared: b.res });
    },
    (e: unknown) => {
      store.unreachable(e);
      return take(call);
    },
  );
}

/** The buckets' answer: rate headers on the response, and a 429 when they refused. */
function checkRate({ g, specs, meta }: Admission, r: TakeResult): void {
  const headers = rateHeaders(specs, meta, r.levels);
  addResponseHeaders(g.rec, headers);
  if (r.ok) return;
  const i = specs.findIndex((b, j) => r.levels[j]! < b.cost);
  const m = meta[Math.max(0, i)]!;
  const secs = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  throw new GatewayError(
    429,
    m.kind,
    "rate_limit_exceeded",
    `Rate limit reached for ${m.kind} on ${m.s.name}: limit ${m.limit} ${m.kind} per minute. Please try again in ${formatReset(r.retryAfterMs)}.`,
    null,
    { ...headers, "retry-after": String(secs) },
  );
}

/** In-process budgets (no Redis, or Redis unreachable), after the buckets answered (r null: no rate limit applies). */
function admit(call: Admission, r: TakeResult | null): void {
  const { g, specs, meta, budgets: budgetList } = call;
  if (r) checkRate(call, r);
  const tokenSpecs = tokenSpecsOf(call);
  if (!budgetList.length) {
    setInflight(g.rec, { tokenSpecs, budget: null, shared: null });
    return;
  }
  const b = state.meter.reserve(call.budgetRows, estimatedCost(call));
  if (!b.ok) refuseBudget(g, budgetList, b, r ? { specs, meta, levels: r.levels } : null);
  setInflight(g.rec, { tokenSpecs, budget: b.res, shared: null });
}

interface BudgetRefusal {
  budget: Budget;
  spent: number;
  reserved: number;
  inflight: number;
  resetsAt: number;
}

/** Refuse a call for a budget (spent, or held by calls in flight), giving back what the buckets took. */
function refuseBudget(g: GuardInput, budgetList: { s: Scoped; b: Budget }[], b: BudgetRefusal, taken: { specs: BucketSpec[]; meta: BucketMeta[]; levels: number[] } | null): never {
  if (taken) {
    const { specs, meta, levels } = taken;
    // Give back what the buckets just took: a call refused for its budget costs no rate allowance.
    refund(specs);
    addResponseHeaders(g.rec, rateHeaders(specs, meta, levels.map((v, i) => Math.min(specs[i]!.capacity, v + specs[i]!.cost))));
  }
  const who = budgetList.find((x) => x.b.id === b.budget.id)!.s.name;
  const resets = new Date(b.resetsAt).toISOString().replace(".000Z", "Z");
  const kind = b.budget.period === "day" ? "daily" : "monthly";
  if (b.spent < b.budget.limitUsd) {
    // Not spent: the rest is held by calls in flight, whose reservations resolve within seconds.
    throw new GatewayError(
      429,
      "insufficient_quota",
      "budget_reserved",
      `The ${kind} budget of ${fmtUsd(b.budget.limitUsd)} for ${who} is fully reserved by ${b.inflight} in-flight call${b.inflight === 1 ? "" : "s"} (${fmtUsd(b.spent)} spent, ${fmtUsd(b.reserved)} reserved). Retry in a few seconds, when they finish.`,
      null,
      { "retry-after": String(IN_FLIGHT_RETRY_S) },
    );
  }
  const retry = Math.max(1, Math.ceil((b.resetsAt - Date.now()) / 1000));
  throw new GatewayError(
    429,
    "insufficient_quota",
    "budget_exceeded",
    `The ${kind} budget of ${fmtUsd(b.budget.limitUsd)} for ${who} is spent (${fmtUsd(b.spent)} used). It resets at ${resets} (UTC).`,
    null,
    { "retry-after": String(retry) },
  );
}

function refund(specs: BucketSpec[]): void {
  try {
    const p = limitStore().adjust(specs);
    if (p) p.catch((e: unknown) => console.error("[portico] rate-limit refund failed:", e));
  } catch (e) {
    console.error("[portico] rate-limit refund failed:", e);
  }
}

/** OpenAI's x-ratelimit-* headers for the tightest request bucket and the tightest token bucket. */
export function rateHeaders(specs: BucketSpec[], meta: { kind: "requests" | "tokens"; limit: number }[], levels: number[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (const kind of ["requests", "tokens"] as const) {
    let best = -1;
    for (let i = 0; i < specs.length; i++) {
      if (meta[i]!.kind !== kind) continue;
      if (best < 0 || levels[i]! / specs[i]!.capacity < levels[best]! / specs[best]!.capacity) best = i;
    }
    if (best < 0) continue;
    const level = levels[best]!;
    h[`x-ratelimit-limit-${kind}`] = String(meta[best]!.limit);
    h[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, Math.floor(level)));
    h[`x-ratelimit-reset-${kind}`] = formatReset(msUntilFull(level, specs[best]!));
  }
  return h;
}

/** Record hook: give back unused reserved tokens (or charge the overshoot) and count the actual cost. */
function reconcile(rec: CallRecord): void {
  // Learn how long this route's answers are (a cache hit or replay says nothing about the model).
  if (rec.outcome === "ok" && rec.routeAlias && rec.cache !== "hit" && rec.tokensOut > 0) state.outputs.observe(rec.routeAlias, rec.tokensOut);
  const f = (rec as Carrier)[INFLIGHT];
  if (!f) return;
  (rec as Carrier)[INFLIGHT] = undefined;
  if (f.tokenSpecs.length) {
    const used = rec.tokensIn + rec.tokensOut;
    const adj = f.tokenSpecs.map((b) => ({ ...b, cost: b.cost - used })).filter((b) => b.cost !== 0);
    if (adj.length) {
      try {
        const p = limitStore().adjust(adj);
        if (p) p.catch((e: unknown) => console.error("[portico] token reconciliation failed:", e));
      } catch (e) {
        console.error("[portico] token reconciliation failed:", e);
      }
    }
  }
  if (f.shared) {
    const shared = sharedBudgets();
    if (shared) {
      // A failed commit leaves the reservation to lapse (its TTL) and the spend to the ledger sync.
      shared.commit(f.shared, rec.costUsd).catch((e: unknown) => console.error("[portico] shared budget commit failed:", e));
    }
  }
  if (f.budget) {
    state.meter.commit(f.budget, rec.costUsd);
    (rec as Carrier)[COMMITTED] = f.budget;
  }
}

/** Log-writer flush: spend into the ledger, then re-read it (other processes' spend too) and notify thresholds. */
async function onFlush(rows: CallRecord[]): Promise<void> {
  try {
    // Key spend goes to the newest key of a rotation chain (where its budgets are), whichever key made the call.
    const chains = rows.some((r) => r.keyId) ? (await policySnapshot()).keyCurrent : null;
    (await addToLedger(rows, chains ? (id) => chains.get(id) ?? id : undefined));
  } catch (e) {
    console.error("[portico] spend ledger update failed:", e);
  }
  for (const r of rows) {
    const res = (r as Carrier)[COMMITTED];
    if (!res) continue;
    (r as Carrier)[COMMITTED] = undefined;
    state.meter.unpend(res, r.costUsd);
  }
  if (!state.meter.counters.size) return;
  try {
    // Other processes' spend: re-read the ledger at most once a second (our own flushed spend is already counted).
    const now = Date.now();
    if (now - state.refreshedAt >= REFRESH_MS) {
      state.refreshedAt = now;
      const keys = [...state.meter.counters.values()].map((c) => ({ scope: c.scope, scopeId: c.scopeId, period: c.period, start: c.start }));
      await loadLedger(keys);
      state.meter.refresh();
      await syncShared(keys);
    }
    (await checkThresholds(state.meter));
  } catch (e) {
    console.error("[portico] budget refresh failed:", e);
  }
}

/** Tests: a fresh store and meter (e.g. after changing REDIS_URL). */
export function resetLimitsForTests(): void {
  if (state.store instanceof RedisStore) state.store.close();
  state.store = null;
  state.shared = null;
  state.meter = new BudgetMeter(cachedLedger);
  state.ledger.clear();
}
