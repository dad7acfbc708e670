/**
 * How many output tokens a call without `max_tokens` reserves against token
 * limits and budgets (docs/traffic-policy.md). Reserving the cap (4,096) for
 * every such call made a $0.10 budget refuse the 3rd concurrent $0.0001 call
 * and a 10,000-TPM limit admit ~2 concurrent calls. Instead: the p95 of the
 * route's recent answers (the last WINDOW successful calls in this process),
 * capped; a small default until something was observed. Reconciliation still
 * charges what a call really used, so an underestimate is corrected when the
 * call ends.
 *
 * Cost on the hot path: `estimate` is a Map lookup; `observe` writes a ring
 * slot and re-sorts WINDOW numbers every RECOMPUTE_EVERY observations.
 */
const WINDOW = 128;
const RECOMPUTE_EVERY = 16;

export const DEFAULT_OUTPUT_RESERVE = Number(process.env.PORTICO_TOKEN_RESERVE_DEFAULT || 256);

interface Ring {
  values: Int32Array;
  n: number;
  next: number;
  sinceRecompute: number;
  p95: number;
}

export class OutputEstimator {
  private readonly rings = new Map<string, Ring>();
  constructor(private readonly fallback = DEFAULT_OUTPUT_RESERVE) {}

  /** A finished call's output tokens on this route. */
  observe(route: string, tokensOut: number): void {
    if (!(tokensOut >= 0)) return;
    let r = this.rings.get(route);
    if (!r) this.rings.set(route, (r = { values: new Int32Array(WINDOW), n: 0, next: 0, sinceRecompute: 0, p95: 0 }));
    r.values[r.next] = Math.min(tokensOut, 2 ** 31 - 1);
    r.next = (r.next + 1) % WINDOW;
    if (r.n < WINDOW) r.n++;
    // Recompute at once while the window fills (the first answers matter most), then every few calls.
    if (r.n <= RECOMPUTE_EVERY || ++r.sinceRecompute >= RECOMPUTE_EVERY) {
      r.sinceRecompute = 0;
      r.p95 = p95(r.values.subarray(0, r.n));
    }
  }

  /** Output tokens to reserve for a call without max_tokens: recent p95, else the default; never above `cap`. */
  estimate(route: string, cap: number): number {
    const r = this.rings.get(route);
    const v = r && r.n ? Math.max(1, r.p95) : this.fallback;
    return Math.min(v, cap);
  }
}

/** Nearest-rank 95th percentile. */
export function p95(values: ArrayLike<number>): number {
  if (!values.length) return 0;
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}
