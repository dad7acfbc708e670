import { adjustAll, takeAll, type BucketSpec, type BucketState, type TakeResult } from "./bucket";
import { RedisClient, type RespValue } from "./redis-client";

/**
 * Where bucket levels live. In-process by default (embedded mode); Redis when
 * REDIS_URL is set, so every Portico instance draws from the same buckets
 * (one Lua script per call: read, refill, check and take all buckets
 * atomically, on Redis's clock). If Redis does not answer, calls fall back to
 * the in-process buckets and the store reports itself degraded (logs, /readyz)
 * until Redis answers again.
 */
export interface LimitStore {
  readonly kind: "memory" | "redis";
  take(specs: BucketSpec[]): TakeResult | Promise<TakeResult>;
  adjust(specs: BucketSpec[]): void | Promise<void>;
  status(): { ok: boolean; message?: string; degraded?: boolean };
}

export class MemoryStore implements LimitStore {
  readonly kind = "memory" as const;
  private states = new Map<string, BucketState>();
  private sweeps = 0;
  constructor(private readonly now: () => number = Date.now) {}
  take(specs: BucketSpec[]): TakeResult {
    const r = takeAll(this.states, specs, this.now());
    if (++this.sweeps % 10_000 === 0) this.sweep();
    return r;
  }
  adjust(specs: BucketSpec[]): void {
    adjustAll(this.states, specs, this.now());
  }
  status() {
    return { ok: true, message: "in-process buckets" };
  }
  /** Forget full buckets (a missing bucket starts full), so memory follows active callers only. */
  private sweep(): void {
    const now = this.now();
    for (const [k, s] of this.states) if (now - s.t > 3_600_000) this.states.delete(k);
  }
  get size(): number {
    return this.states.size;
  }
}

/** One script for take and adjust: KEYS = buckets, ARGV = mode, then (capacity, perMs, cost) per bucket. */
export const BUCKET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode = ARGV[1]
local n = #KEYS
local levels = {}
local wait = -1
for i = 1, n do
  local cap = tonumber(ARGV[(i - 1) * 3 + 2])
  local rate = tonumber(ARGV[(i - 1) * 3 + 3])
  local cost = tonumber(ARGV[(i - 1) * 3 + 4])
  local s = redis.call('HMGET', KEYS[i], 'v', 't')
  local v = cap
  if s[1] then
    local dt = now - tonumber(s[2])
    if dt < 0 then dt = 0 end
    v = math.min(cap, tonumber(s[1]) + dt * rate)
  end
  levels[i] = v
  if mode == 'take' and v < cost then
    local w = (cost - v) / rate
    if w > wait then wait = w end
  end
end
local out = {}
if mode == 'take' and wait >= 0 then
  out[1] = 0
  out[2] = tostring(wait)
  for i = 1, n do out[i + 2] = tostring(levels[i]) end
  return out
end
out[1] = 1
out[2] = '0'
for i = 1, n do
  local cap = tonumber(ARGV[(i - 1) * 3 + 2])
  local rate = tonumber(ARGV[(i - 1) * 3 + 3])
  local cost = tonumber(ARGV[(i - 1) * 3 + 4])
  local v
  if mode == 'take' then v = levels[i] - cost else v = math.min(cap, levels[i] + cost) end
  redis.call('HSET', KEYS[i], 'v', tostring(v), 't', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil((cap - v) / rate) + 1000)
  out[i + 2] = tostring(v)
end
return out
`;

function argsOf(mode: "take" | "adjust", specs: BucketSpec[]): (string | number)[] {
  const a: (string | number)[] = [mode];
  for (const b of specs) a.push(b.capacity, b.perMs, b.cost);
  return a;
}

export function parseTakeReply(r: RespValue): TakeResult {
  if (!Array.isArray(r) || r.length < 2) throw new Error(`unexpected Redis reply ${JSON.stringify(r)}`);
  const ok = Number(r[0]) === 1;
  return { ok, retryAfterMs: ok ? 0 : Math.ceil(Number(r[1])), levels: r.slice(2).map((x) => Number(x)) };
}

const RETRY_REDIS_MS = 5_000;

export class RedisStore implements LimitStore {
  readonly kind = "redis" as const;
  private down: { since: number; reason: string } | null = null;
  private nextTry = 0;
  readonly client: RedisClient;
  constructor(
    url: string,
    private readonly fallback: MemoryStore = new MemoryStore(),
    prefix = process.env.PORTICO_REDIS_PREFIX || "portico:",
  ) {
    this.client = new RedisClient(url, { timeoutMs: Number(process.env.PORTICO_REDIS_TIMEOUT_MS || 500) });
    this.prefix = prefix;
  }
  private readonly prefix: string;

  /** PORTICO_REDIS_PREFIX (or the prefix given): bucket keys are this + `rl:…`. */
  get keyPrefix(): string {
    return this.prefix;
  }

  private keys(specs: BucketSpec[]): string[] {
    return specs.map((b) => this.prefix + b.key);
  }

  private useFallback(): boolean {
    return !!this.down && Date.now() < this.nextTry;
  }

  private markDown(e: unknown): void {
    const reason = e instanceof Error ? e.message : String(e);
    if (!this.down) {
      console.error(`[portico] Redis rate-limit store unreachable (${reason}); falling back to in-process limits (not shared across instances) until it answers again.`);
      this.down = { since: Date.now(), reason };
    }
    this.nextTry = Date.now() + RETRY_REDIS_MS;
  }

  private markUp(): void {
    if (this.down) console.log("[portico] Redis rate-limit store reachable again; limits are shared across instances.");
    this.down = null;
  }

  async take(specs: BucketSpec[]): Promise<TakeResult> {
    if (this.useFallback()) return this.fallback.take(specs);
    try {
      const r = parseTakeReply(await this.client.eval(BUCKET_LUA, this.keys(specs), argsOf("take", specs)));
      this.markUp();
      return r;
    } catch (e) {
      this.markDown(e);
      return this.fallback.take(specs);
    }
  }

  async adjust(specs: BucketSpec[]): Promise<void> {
    if (this.useFallback()) return this.fallback.adjust(specs);
    try {
      await this.client.eval(BUCKET_LUA, this.keys(specs), argsOf("adjust", specs));
    } catch (e) {
      this.markDown(e);
      this.fallback.adjust(specs);
    }
  }

  /** False while Redis is considered down (callers use their in-process fallback until the next retry). */
  available(): boolean {
    return !this.useFallback();
  }

  /** Another user of this connection (shared budgets) got an answer / an error. */
  reachable(): void {
    this.markUp();
  }
  unreachable(e: unknown): void {
    this.markDown(e);
  }

  status() {
    if (this.down) {
      return { ok: true, degraded: true, message: `Redis unreachable since ${new Date(this.down.since).toISOString()} (${this.down.reason}); using in-process limits` };
    }
    return { ok: true, message: "redis" };
  }

  close(): void {
    this.client.close();
  }
}
