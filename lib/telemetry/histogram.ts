/**
 * Fixed log-spaced latency histogram shared by rollups (columns h0..h23, t0..t23)
 * and the quantile estimate. Bucket i counts values v with UPPER[i-1] < v <= UPPER[i];
 * the last bucket is open-ended. Pure module: safe to import from the schema.
 */
export const HISTOGRAM_BUCKETS = 24;

/** Upper bounds in ms of buckets 0..22 (bucket 23 is everything above 60 s). */
export const BUCKET_UPPER_MS = [5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 60000] as const;

export function bucketIndex(ms: number): number {
  // Linear over 23 bounds beats a binary search at this size.
  for (let i = 0; i < BUCKET_UPPER_MS.length; i++) if (ms <= BUCKET_UPPER_MS[i]!) return i;
  return HISTOGRAM_BUCKETS - 1;
}

/**
 * q-quantile (0..1) of a histogram, linearly interpolated inside the bucket that holds
 * the rank. Null when empty. The open last bucket reports its lower bound.
 */
export function histogramQuantile(counts: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : BUCKET_UPPER_MS[i - 1]!;
      if (i >= BUCKET_UPPER_MS.length) return lo;
      const hi = BUCKET_UPPER_MS[i]!;
      const frac = (rank - seen) / c;
      return Math.round(lo + (hi - lo) * frac);
    }
    seen += c;
  }
  return BUCKET_UPPER_MS[BUCKET_UPPER_MS.length - 1]!;
}
