import { randomBytes } from "node:crypto";
import type { Budget } from "@/lib/db/schema/policy";
import { periodEnd, periodStart } from "./period";
import type { RedisClient, RespValue } from "./redis-client";

/**
 * Budgets shared by every instance (REDIS_URL set). Per budget scope, id, period and period
 * start, a Redis hash `{spent, reserved}` — `spent` is the spend of all instances (flushed to the
 * ledger or not), `reserved` the estimates of calls in flight anywhere — and a sorted set of the
 * reservations (member `<id>:<est>`, score = when it lapses), so a reservation of an instance
 * that died (SIGKILL) stops holding the budget after `PORTICO_BUDGET_RESERVATION_TTL_MS`.
 *
 * One Lua script, one round trip per admission: seed missing counters from the ledger value the
 * caller passes (the database stays the durable truth), drop lapsed reservations, refuse naming
 * the first budget with `spent + reserved >= limit`, else reserve the estimate in every budget.
 * `commit` moves a call's reservation to its actual cost; `sync` raises `spent` to the ledger when
 * the ledger is ahead (spend committed while Redis was unreachable, or before a budget existed).
 * Keys expire a day after their period ends.
 */
export const BUDGET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode = ARGV[1]
local n = #KEYS / 2
if mode == 'reserve' then
  local member = ARGV[2]
  local est = tonumber(ARGV[3])
  local ttl = tonumber(ARGV[4])
  local spent = {}
  local reserved = {}
  for i = 1, n do
    local h = KEYS[2 * i - 1]
    local z = KEYS[2 * i]
    local base = 4 + (i - 1) * 3
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
    spent[i] = tonumber(s[1]) or 0
    reserved[i] = tonumber(s[2]) or 0
    if spent[i] + reserved[i] >= tonumber(ARGV[base + 1]) then
      return {0, i, tostring(spent[i]), tostring(reserved[i]), redis.call('ZCARD', z)}
    end
  end
  for i = 1, n do
    local h = KEYS[2 * i - 1]
    local z = KEYS[2 * i]
    redis.call('HINCRBYFLOAT', h, 'reserved', est)
    redis.call('ZADD', z, now + ttl, member .. ':' .. ARGV[3])
    redis.call('PEXPIREAT', z, ARGV[4 + (i - 1) * 3 + 3])
  end
  return {1}
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
   * Reserve `est` USD in every budget at `at`, or refuse naming the first full one (index into
   * `list`; nothing reserved then). `ledger(k)` seeds a counter Redis does not hold yet.
   */
  async reserve(list: Budget[], est: number, ledger: (k: CounterKey) => number, at = Date.now()): Promise<SharedReserveResult> {
    const ks: CounterKey[] = list.map((b) => ({ scope: b.scope, scopeId: b.scopeId, period: b.period, start: periodStart(b.period, at) }));
    const member = randomBytes(9).toString("base64url");
    const estS = String(est);
    const args: (string | number)[] = ["reserve", member, estS, this.ttlMs];
    list.forEach((b, i) => args.push(b.limitUsd, ledger(ks[i]!), periodEnd(b.period, at) + KEEP_AFTER_PERIOD_MS));
    const keys = this.keysOf(ks);
    const r = await this.client.eval(BUDGET_LUA, keys, args);
    if (!Array.isArray(r) || !r.length) throw new Error(`unexpected Redis reply ${JSON.stringify(r)}`);
    if (Number(r[0]) === 1) return { ok: true, res: { keys, member, est: Number(estS) } };
    const i = Number(r[1]) - 1;
    return { ok: false, index: i, spent: Number(r[2]), reserved: Number(r[3]), inflight: Number(r[4]), resetsAt: periodEnd(list[i]!.period, at) };
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
