/**
 * Sign-in throttle: at most LIMIT failed attempts per (account, client address) in WINDOW.
 * The address comes through trusted proxies only (lib/server/client-address.ts).
 *
 * With REDIS_URL set the failures live in Redis (a sorted set per account+address), so every
 * instance counts the same attempts; without it, or while Redis does not answer (fail fast:
 * the client's short command timeout, then RETRY_REDIS_MS in memory), in process memory.
 */
import { createHash, randomBytes } from "node:crypto";
import { RedisClient } from "@/lib/policy/redis-client";
import { runtime } from "@/lib/runtime";

const WINDOW_MS = 15 * 60 * 1000;
const LIMIT = 10;
const RETRY_REDIS_MS = 5_000;

export interface LoginThrottleStore {
  /** Milliseconds until another attempt is allowed (0: allowed now). */
  blockedForMs(key: string, now: number): Promise<number>;
  recordFailure(key: string, now: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export class MemoryLoginStore implements LoginThrottleStore {
  private readonly failures = new Map<string, number[]>();

  private recent(k: string, now: number): number[] {
    const list = (this.failures.get(k) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length) this.failures.set(k, list);
    else this.failures.delete(k);
    return list;
  }

  async blockedForMs(k: string, now: number): Promise<number> {
    const list = this.recent(k, now);
    return list.length < LIMIT ? 0 : list[0]! + WINDOW_MS - now;
  }

  async recordFailure(k: string, now: number): Promise<void> {
    // Many distinct keys (one per guessed address) must not grow memory without bound.
    if (this.failures.size > 50_000) for (const key of [...this.failures.keys()]) this.recent(key, now);
    const list = this.recent(k, now);
    list.push(now);
    this.failures.set(k, list);
  }

  async clear(k: string): Promise<void> {
    this.failures.delete(k);
  }
}

/** One sorted set per key: members are attempts, scores their times; expired ones trimmed on each call. */
const THROTTLE_LUA = `
local k = KEYS[1]
local now = tonumber(ARGV[2])
local win = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', k, '-inf', now - win)
if ARGV[1] == 'fail' then
  redis.call('ZADD', k, now, ARGV[5])
  redis.call('PEXPIRE', k, win)
  return 0
end
if redis.call('ZCARD', k) < tonumber(ARGV[4]) then return 0 end
local first = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
return math.max(0, tonumber(first[2]) + win - now)
`;

export class RedisLoginStore implements LoginThrottleStore {
  private downUntil = 0;

  constructor(
    readonly client: Pick<RedisClient, "eval" | "command" | "close">,
    private readonly prefix = (process.env.PORTICO_REDIS_PREFIX || "portico:") + "login:",
    private readonly fallback = new MemoryLoginStore(),
  ) {}

  private k(key: string): string {
    return this.prefix + createHash("sha256").update(key).digest("hex").slice(0, 32);
  }

  private async run<T>(redis: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (Date.now() < this.downUntil) return local();
    try {
      return await redis();
    } catch (e) {
      if (!this.downUntil) console.error(`[portico] sign-in throttle: Redis unreachable (${(e as Error).message}); counting in process memory`);
      this.downUntil = Date.now() + RETRY_REDIS_MS;
      return local();
    }
  }

  blockedForMs(key: string, now: number): Promise<number> {
    return this.run(
      async () => Number(await this.client.eval(THROTTLE_LUA, [this.k(key)], ["check", now, WINDOW_MS, LIMIT])),
      () => this.fallback.blockedForMs(key, now),
    );
  }

  recordFailure(key: string, now: number): Promise<void> {
    // Also counted locally, so a Redis outage right after does not reset the count to zero here.
    void this.fallback.recordFailure(key, now);
    return this.run(
      async () => void (await this.client.eval(THROTTLE_LUA, [this.k(key)], ["fail", now, WINDOW_MS, LIMIT, `${now}-${randomBytes(6).toString("hex")}`])),
      async () => undefined,
    );
  }

  clear(key: string): Promise<void> {
    void this.fallback.clear(key);
    return this.run(async () => void (await this.client.command(["DEL", this.k(key)])), async () => undefined);
  }
}

function store(): LoginThrottleStore {
  const rt = runtime();
  if (!rt.loginStore) {
    const url = process.env.REDIS_URL;
    rt.loginStore = url
      ? new RedisLoginStore(new RedisClient(url, { timeoutMs: Number(process.env.PORTICO_REDIS_TIMEOUT_MS || 500) }))
      : new MemoryLoginStore();
  }
  return rt.loginStore;
}

/** Tests: a fresh store (e.g. after changing REDIS_URL). */
export function resetLoginStore(s?: LoginThrottleStore): void {
  runtime().loginStore = s ?? null;
}

function key(email: string, ip: string): string {
  return `${email.trim().toLowerCase()}|${ip}`;
}

/** Seconds until another attempt is allowed, or 0 when allowed now. */
export async function loginBlockedFor(email: string, ip: string, now = Date.now(), s = store()): Promise<number> {
  return Math.ceil((await s.blockedForMs(key(email, ip), now)) / 1000);
}

export function recordLoginFailure(email: string, ip: string, now = Date.now(), s = store()): Promise<void> {
  return s.recordFailure(key(email, ip), now);
}

export function clearLoginFailures(email: string, ip: string, s = store()): Promise<void> {
  return s.clear(key(email, ip));
}

export const LOGIN_LIMIT = { windowMs: WINDOW_MS, limit: LIMIT };
