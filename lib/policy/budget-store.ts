import { randomBytes } from "node:crypto";
import type { Budget } from "@/lib/db/schema/policy";
import { periodEnd, periodStart } from "./period";
import type { BucketSpec, TakeResult } from "./bucket";
import type { RedisClient, RespValue } from "./redis-client";

/**
 * Budgets shared by every instance (REDIS_URL set). Per budget scope, id, period and period
 * start, a Redis hash `{spent, reserved}` — `spent` is the spend of all instances (flushed to the
 * ledger or not), `reserved` the estimates of calls in flight anywhere — and a sorted set of the
 * reservations (member `<id>:<est>`, score = when it lapses), so a reservation of an instance
 * that died (SIGKILL) stops holding the budget after `PORTICO_BUDGET_RESERVATION_TTL_MS`.
 *
 * One Lua script, one round trip per admission, together with the call's rate-limit buckets (the
 * same refill arithmetic as lib/policy/store.ts BUCKET_LUA, on Redis's clock): check the buckets;
 * seed missing budget counters from the ledger value the caller passes (the database stays the
 * durable truth), drop lapsed reservations, refuse naming the first budget with
 * `spent + reserved >= limit`; only when everything admits, take from every bucket and reserve
 * the estimate in every budget (a refused call costs neither).
 * `commit` moves a call's reservation to its actual cost; `sync` raises `spent` to the ledger when
 * the ledger is ahead (spend committed while Redis was unreachable, or before a budget existed).
 * Keys expire a day after their period ends.
 */
export const BUDGET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode = ARGV[1]
local n = #KEYS / 2
if mode == 'admit' then
  -- ARGV: 'admit', nb, nb x (capacity, perMs, cost), member, est, ttl, n x (limit, seed, expireAt)
  -- KEYS: nb bucket keys, then (hash, reservations) per budget
  local nb = tonumber(ARGV[2])
  local levels = {}
  local wait = -1
  for i = 1, nb do
    local cap = tonumber(ARGV[(i - 1) * 3 + 3])
    local rate = tonumber(ARGV[(i - 1) * 3 + 4])
    local cost = tonumber(ARGV[(i - 1) * 3 + 5])
    local s = redis.call('HMGET', KEYS[i], 'v', 't')
    local v = cap
    if s[1] then
      local dt = now - tonumber(s[2])
      if dt < 0 then dt = 0 end
      v = math.min(cap, tonumber(s[1]) + dt * rate)
    end
    levels[i] = v
    if v < cost then
      local w = (cost - v) / rate
      if w > wait then wait = w end
    end
  end
  local out = {0, '0', 0, '0', '0', 0}
  if wait >= 0 then
    -- refused by a rate limit: nothing taken, nothing reserved
    out[2] = tostring(wait)
    for i = 1, nb do out[6 + i] = tostring(levels[i]) end
    return out
  end
  local b0 = 3 + nb * 3
  local member = ARGV[b0]
  local est = tonumber(ARGV[b0 + 1])
  local ttl = tonumber(ARGV[b0 + 2])
  local n = (#KEYS - nb) / 2
  for i = 1, n do
    local h = KEYS[nb + 2 * i - 1]
    local z = KEYS[nb + 2 * i]
    local base = b0 + 2 + (i - 1) * 3
    if redis.call('EXISTS', h) == 0 then
      redis.call('HSET', h, 'spent', ARGV[base + 2], 'reserved', '0')
      redis.call('PEXPIREAT', h, ARGV[base + 3])
    end
    local lapsed = redis.call('ZRANGEBYSCORE', z, '-inf', now)
    if #lapsed > 0 then
      local drop = 0
      for _, m in ipairs(lapsed) do drop = drop + tonumber(string.match(m, ':([^:]+)$')) end
      redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
      redis.call('HINCRBYFLOAT', h, 'reserved', -drop)
    end
    if redis.call('ZCARD', z) == 0 then redis.call('HSET', h, 'reserved', '0') end
    local s = redis.call('HMGET', h, 'spent', 'reserved')
    local spent = tonumber(s[1]) or 0
    local reserved = tonumber(s[2]) or 0
    if spent + reserved >= tonumber(ARGV[base + 1]) then
      -- refused by a budget: the buckets are not charged either
      out[1] = 2
      out[3] = i
      out[4] = tostring(spent)
      out[5] = tostring(reserved)
      out[6] = redis.call('ZCARD', z)
      for j = 1, nb do out[6 + j] = tostring(levels[j]) end
      return out
    end
  end
  out[1] = 1
  for i = 1, nb do
    local cap = tonumber(ARGV[(i - 1) * 3 + 3])
    local rate = tonumber(ARGV[(i - 1) * 3 + 4])
    local v = levels[i] - tonumber(ARGV[(i - 1) * 3 + 5])
    redis.call('HSET', KEYS[i], 'v', tostring(v), 't', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil((cap - v) / rate) + 1000)
    out[6 + i] = tostring(v)
  end
  for i = 1, n do
    local h = KEYS[nb + 2 * i - 1]
    local z = KEYS[nb + 2 * i]
    redis.call('HINCRBYFLOAT', h, 'reserved', est)
    redis.call('ZADD', z, now + ttl, member .. ':' .. ARGV[b0 + 1])
    redis.call('PEXPIREAT', z, ARGV[b0 + 2 + (i - 1) * 3 + 3])
  end
  return out
elseif mode == 'commit' then
  local member = ARGV[2] .. ':' .. ARGV[3]
  local est = tonumber(ARGV[3])
  local cost = tonumber(ARGV[4])
  for i = 1, n do
    local h = KEYS[2 * i - 1]
    local z = KEYS[2 * i]
    if redis.call('ZREM', z, member) == 1 and redis.call('EXISTS', h) == 1 then
      redis.call('HINCRBYFLOAT', h, 'reserved', -est)
    end
    if redis.call('EXISTS', h) == 1 then
      if redis.call('ZCARD', z) == 0 then redis.call('HSET', h, 'reserved', '0') end
      if cost ~= 0 then redis.call('HINCRBYFLOAT', h, 'spent', cost) end
    end
  end
  return {1}
else
  local out = {}
  for i = 1, n do
    local h = KEYS[2 * i - 1]
    local ledger = tonumber(ARGV[1 + i])
    local s = tonumber(redis.call('HGET', h, 'spent') or '')
    if s and s < ledger then redis.call('HSET', h, 'spent', ARGV[1 + i]) end
    out[i] = tostring(s or -1)
  end
  return out
end
`;

/** A day after the period ends: late commits of the old period still land, then the keys go. */
const KEEP_AFTER_PERIOD_MS = 86_400_000;

export interface SharedReservation {
  keys: string[];
  member: string;
  est: number;
}

export type SharedReserveResult =
  | { ok: true; res: SharedReservation }
  | { ok: false; index: number; spent: number; reserved: number; inflight: number; resetsAt: number };

/** A combined admission: the buckets' answer (null without buckets), then the budgets' (null when a bucket refused). */
export interface SharedAdmitResult {
  rate: TakeResult | null;
  budget: SharedReserveResult | null;
}

export interface CounterKey {
  scope: Budget["scope"];
  scopeId: string;
  period: Budget["period"];
  start: number;
}

export class RedisBudgetStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix = process.env.PORTICO_REDIS_PREFIX || "portico:",
    /** how long a reservation holds the budget if its call never ends (its instance died) */
    private readonly ttlMs = Number(process.env.PORTICO_BUDGET_RESERVATION_TTL_MS || 600_000),
  ) {}

  private hashKey(k: CounterKey): string {
    return `${this.prefix}bgt:${k.scope}:${k.scopeId}:${k.period}:${k.start}`;
  }

  private keysOf(ks: CounterKey[]): string[] {
    return ks.flatMap((k) => {
      const h = this.hashKey(k);
      return [h, `${h}:res`];
    });
  }

  /**
   * Take `specs` from the rate-limit buckets (keys under `bucketPrefix`) and reserve `est` USD in
   * every budget at `at`, all or nothing: a bucket refusal reserves nothing, a budget refusal
   * (index into `list`) takes nothing. `ledger(k)` seeds a counter Redis does not hold yet.
   */
  async admit(specs: BucketSpec[], list: Budget[], est: number, ledger: (k: CounterKey) => number, at = Date.now(), bucketPrefix = this.prefix): Promise<SharedAdmitResult> {
    const ks: CounterKey[] = list.map((b) => ({ scope: b.scope, scopeId: b.scopeId, period: b.period, start: periodStart(b.period, at) }));
    const member = randomBytes(9).toString("base64url");
    const estS = String(est);
    const args: (string | number)[] = ["admit", specs.length];
    for (const b of specs) args.push(b.capacity, b.perMs, b.cost);
    args.push(member, estS, this.ttlMs);
    list.forEach((b, i) => args.push(b.limitUsd, ledger(ks[i]!), periodEnd(b.period, at) + KEEP_AFTER_PERIOD_MS));
    const budgetKeys = this.keysOf(ks);
    const r = await this.client.eval(BUDGET_LUA, [...specs.map((b) => bucketPrefix + b.key), ...budgetKeys], args);
    if (!Array.isArray(r) || r.length < 6) throw new Error(`unexpected Redis reply ${JSON.stringify(r)}`);
    const code = Number(r[0]);
    const levels = r.slice(6).map((x) => Number(x));
    const rate: TakeResult | null = specs.length ? { ok: code !== 0, retryAfterMs: code === 0 ? Math.ceil(Number(r[1])) : 0, levels } : null;
    if (code === 0) return { rate, budget: null };
    if (code === 1) return { rate, budget: { ok: true, res: { keys: budgetKeys, member, est: Number(estS) } } };
    const i = Number(r[2]) - 1;
    return { rate, budget: { ok: false, index: i, spent: Number(r[3]), reserved: Number(r[4]), inflight: Number(r[5]), resetsAt: periodEnd(list[i]!.period, at) } };
  }

  /** Reserve `est` USD in every budget (no buckets), or refuse naming the first full one. */
  async reserve(list: Budget[], est: number, ledger: (k: CounterKey) => number, at = Date.now()): Promise<SharedReserveResult> {
    return (await this.admit([], list, est, ledger, at)).budget!;
  }

  /** The call ended: drop its reservation everywhere and add its actual cost to the shared spend. */
  async commit(res: SharedReservation, costUsd: number): Promise<void> {
    await this.client.eval(BUDGET_LUA, res.keys, ["commit", res.member, String(res.est), costUsd]);
  }

  /** Raise each counter's shared spend to its ledger value where the ledger is ahead; the counters' shared spend (-1: not in Redis). */
  async sync(entries: { key: CounterKey; ledger: number }[]): Promise<number[]> {
    if (!entries.length) return [];
    const keys = this.keysOf(entries.map((e) => e.key));
    const r: RespValue = await this.client.eval(BUDGET_LUA, keys, ["sync", ...entries.map((e) => e.ledger)]);
    return Array.isArray(r) ? r.map((x) => Number(x)) : [];
  }
}
