/**
 * Chart bucket selection and filling (pure; unit-tested in buckets.test.ts). The server
 * picks the bucket from the range (unkey's granularity.ts): a chart has ~24–400 points,
 * and each step names the rollup granularity it reads. Day buckets start at midnight in
 * the browser's time zone (read from hour rollups), except beyond 35 days where they are
 * UTC days read from day rollups (cheaper; the difference is a few hours at the edges).
 */
import type { Gran } from "./rollup";

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type BucketName = "1m" | "5m" | "1h" | "1d";
export interface BucketChoice {
  name: BucketName;
  /** rollup granularity to read */
  source: Gran;
  /** fixed step in ms; null = calendar days in the time zone */
  stepMs: number | null;
}

export function chooseBucket(from: number, to: number): BucketChoice {
  const span = Math.max(0, to - from);
  if (span <= 2 * HOUR) return { name: "1m", source: "m", stepMs: MIN };
  if (span <= 6 * HOUR) return { name: "5m", source: "m", stepMs: 5 * MIN };
  if (span <= 3 * DAY) return { name: "1h", source: "h", stepMs: HOUR };
  if (span <= 35 * DAY) return { name: "1d", source: "h", stepMs: null };
  return { name: "1d", source: "d", stepMs: null };
}

/** "Europe/Paris", "UTC", "+05:30", "-0800" → a validated zone; anything else → UTC. */
export function parseTz(tz: string | undefined | null): string {
  if (!tz) return "UTC";
  if (/^[+-]\d{2}:?\d{2}$/.test(tz)) return tz;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
/** Offset of the zone from UTC at instant `ms`, in ms (Paris in summer: +7_200_000). */
export function tzOffsetMs(ms: number, tz: string): number {
  if (tz === "UTC") return 0;
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
  if (fixed) return (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * HOUR + Number(fixed[3]) * MIN);
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    fmtCache.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight of the day containing `ms` in `tz`. */
export function localDayStart(ms: number, tz: string): number {
  const off = tzOffsetMs(ms, tz);
  const localMidnight = Math.floor((ms + off) / DAY) * DAY;
  let utc = localMidnight - off;
  // DST: the offset at midnight may differ from the offset at `ms`.
  const off2 = tzOffsetMs(utc, tz);
  if (off2 !== off) utc = localMidnight - off2;
  return utc;
}

/** Bucket start instants covering [from, to): the first bucket contains `from`. */
export function bucketStarts(from: number, to: number, choice: BucketChoice, tz = "UTC"): number[] {
  const out: number[] = [];
  if (to <= from) return out;
  if (choice.stepMs) {
    for (let b = Math.floor(from / choice.stepMs) * choice.stepMs; b < to && out.length < 5000; b += choice.stepMs) out.push(b);
    return out;
  }
  const zone = choice.source === "d" ? "UTC" : tz;
  for (let b = localDayStart(from, zone); b < to && out.length < 5000; b = localDayStart(b + DAY + 2 * HOUR, zone)) out.push(b);
  return out;
}

/** Index of the bucket holding instant t (the last start ≤ t), or -1 before the first. */
export function bucketIndexOf(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Points (time, value) summed into a zero-filled array over the buckets. */
export function fillBuckets(starts: readonly number[], points: Iterable<{ t: number; v: number }>): number[] {
  const out = new Array<number>(starts.length).fill(0);
  for (const p of points) {
    const i = bucketIndexOf(starts, p.t);
    if (i >= 0) out[i]! += p.v;
  }
  return out;
}

/**
 * Exact cover of [from, to) by rollup ranges for totals: whole UTC days from day rows,
 * the hour edges from hour rows (`from`/`to` already hour-aligned), or minute rows for
 * short ranges. Fewer rows read than hours alone.
 */
export function coverSegments(from: number, to: number): { gran: Gran; start: number; end: number }[] {
  if (to <= from) return [];
  if (to - from <= 6 * HOUR) return [{ gran: "m", start: Math.floor(from / MIN) * MIN, end: to }];
  const hFrom = Math.floor(from / HOUR) * HOUR;
  const dStart = Math.ceil(hFrom / DAY) * DAY;
  const dEnd = Math.floor(to / DAY) * DAY;
  if (dEnd - dStart < DAY) return [{ gran: "h", start: hFrom, end: to }];
  const segs: { gran: Gran; start: number; end: number }[] = [];
  if (hFrom < dStart) segs.push({ gran: "h", start: hFrom, end: dStart });
  segs.push({ gran: "d", start: dStart, end: dEnd });
  if (dEnd < to) segs.push({ gran: "h", start: dEnd, end: to });
  return segs;
}
