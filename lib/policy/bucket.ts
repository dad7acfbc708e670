/**
 * Token-bucket math shared by the in-process store and (mirrored in Lua) the
 * Redis store. A bucket holds at most `capacity` units and refills at
 * `perMs` units per millisecond; a call takes `cost` units from EVERY bucket
 * that applies to it, or from none (all-or-nothing), so a refusal by the team
 * bucket does not eat the key's allowance.
 */
export interface BucketSpec {
  /** store key, e.g. rl:key:<id>:r */
  key: string;
  capacity: number;
  /** refill rate, units per millisecond */
  perMs: number;
  /** units to take (take) or to give back — negative charges more (adjust) */
  cost: number;
}

export interface BucketState {
  v: number;
  t: number;
}

export interface TakeResult {
  ok: boolean;
  /** when refused: ms until every refusing bucket holds its cost */
  retryAfterMs: number;
  /** level of each bucket after the call (same order as the specs) */
  levels: number[];
}

/** The bucket's level at `now` (a new bucket starts full). */
export function refill(s: BucketState | undefined, b: Pick<BucketSpec, "capacity" | "perMs">, now: number): number {
  if (!s) return b.capacity;
  return Math.min(b.capacity, s.v + Math.max(0, now - s.t) * b.perMs);
}

/** All-or-nothing take over a map of states (mutated only when every bucket has room). */
export function takeAll(states: Map<string, BucketState>, specs: BucketSpec[], now: number): TakeResult {
  // Plain loops and states updated in place: this runs on every limited call.
  const levels = new Array<number>(specs.length);
  let wait = -1;
  for (let i = 0; i < specs.length; i++) {
    const b = specs[i]!;
    const level = refill(states.get(b.key), b, now);
    levels[i] = level;
    if (level < b.cost) wait = Math.max(wait, (b.cost - level) / b.perMs);
  }
  if (wait >= 0) return { ok: false, retryAfterMs: Math.ceil(wait), levels };
  for (let i = 0; i < specs.length; i++) {
    const b = specs[i]!;
    levels[i] = levels[i]! - b.cost;
    put(states, b.key, levels[i]!, now);
  }
  return { ok: true, retryAfterMs: 0, levels };
}

/** Reconciliation: give back (cost > 0) or charge (cost < 0) units; a bucket may go below zero (debt). */
export function adjustAll(states: Map<string, BucketState>, specs: BucketSpec[], now: number): number[] {
  const out = new Array<number>(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const b = specs[i]!;
    const v = Math.min(b.capacity, refill(states.get(b.key), b, now) + b.cost);
    put(states, b.key, v, now);
    out[i] = v;
  }
  return out;
}

function put(states: Map<string, BucketState>, key: string, v: number, t: number): void {
  const s = states.get(key);
  if (s) {
    s.v = v;
    s.t = t;
  } else states.set(key, { v, t });
}

/** ms until the bucket is full again (OpenAI's x-ratelimit-reset-*). */
export function msUntilFull(level: number, b: Pick<BucketSpec, "capacity" | "perMs">): number {
  return level >= b.capacity ? 0 : Math.ceil((b.capacity - level) / b.perMs);
}

/** Go-style duration like OpenAI's reset headers: "17ms", "1s", "1.5s", "6m0s", "1h2m3s". */
export function formatReset(ms: number): string {
  if (ms <= 0) return "0s";
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalS = ms / 1000;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS - h * 3600 - m * 60;
  const sText = `${Number.isInteger(Math.round(s * 1000) / 1000) ? Math.round(s) : (Math.round(s * 1000) / 1000).toString()}s`;
  if (h) return `${h}h${m}m${sText}`;
  if (m) return `${m}m${sText}`;
  return sText;
}
