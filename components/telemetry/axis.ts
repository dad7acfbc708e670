/**
 * Pure chart logic (unit-tested): nice axis ticks with one formatter per axis, a stable colour
 * per entity, and when a series is too sparse to draw as a connected area or line.
 */
export type AxisUnit = "usd" | "tokens" | "count" | "pct" | "ms";

/** The smallest 1, 2, 2.5 or 5 × 10^k step giving at most `count` intervals up to `max`. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const f = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return f * mag;
}

/** Ticks 0, step, 2·step … up to the first tick ≥ max (never the same value twice). */
export function niceTicks(max: number, count = 4): number[] {
  const step = niceStep(max, count);
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Decimals needed to write `step` exactly (0.005 → 3, 0.25 → 2, 20 → 0). */
export function decimalsFor(step: number): number {
  for (let d = 0; d <= 12; d++) {
    const x = step * 10 ** d;
    if (Math.abs(x - Math.round(x)) < 1e-6 * Math.max(1, x)) return d;
  }
  return 12;
}

/**
 * One formatter for every label of an axis, chosen from its tick step: all labels share the same
 * number of decimals, so two ticks never read the same ($0.005 / $0.010, not $0.01 / $0.01).
 */
export function axisFormatter(step: number, unit: AxisUnit, top = step): (v: number) => string {
  if (unit === "pct") {
    const d = decimalsFor(step * 100);
    return (v) => `${(v * 100).toFixed(d)}%`;
  }
  if (unit === "ms") {
    if (top >= 1000 && step >= 100) {
      const d = decimalsFor(step / 1000);
      return (v) => `${(v / 1000).toFixed(d)} s`;
    }
    const d = decimalsFor(step);
    return (v) => `${v.toFixed(d)} ms`;
  }
  if (unit === "usd") {
    const d = Math.max(decimalsFor(step), step >= 1 ? 0 : 2);
    return (v) => `$${v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d })}`;
  }
  // counts and tokens: one scale (k, M, B) for the whole axis, from its top tick
  const scales = [
    { f: 1e9, s: "B" },
    { f: 1e6, s: "M" },
    { f: 1e3, s: "k" },
  ];
  const sc = scales.find((x) => top >= x.f && step >= x.f / 100);
  if (!sc) {
    const d = decimalsFor(step);
    return (v) => v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  const d = decimalsFor(step / sc.f);
  return (v) => `${(v / sc.f).toFixed(d)}${sc.s}`;
}

/** Ticks and their formatter for a y axis whose largest (stacked) value is `max`. */
export function yAxis(max: number, unit: AxisUnit, count = 4): { ticks: number[]; format: (v: number) => string } {
  const top = unit === "pct" ? Math.min(max, 1) || 0.01 : max;
  const ticks = niceTicks(top > 0 ? top : 1, count);
  return { ticks, format: axisFormatter(ticks[1]! - ticks[0]!, unit, ticks[ticks.length - 1]!) };
}

/** Largest value a chart must show: the per-bucket sum when stacked, else the single largest point. */
export function chartMax(series: { values: number[] }[], stacked: boolean): number {
  let max = 0;
  const n = Math.max(0, ...series.map((s) => s.values.length));
  for (let i = 0; i < n; i++) {
    if (stacked) max = Math.max(max, series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
    else for (const s of series) max = Math.max(max, s.values[i] ?? 0);
  }
  return max;
}

/**
 * A series is sparse when few buckets hold data: drawn as a connected area or line it would show
 * ramps from zero that never happened, so it is drawn as bars instead.
 */
export function isSparse(series: { values: number[] }[], buckets: number): boolean {
  if (buckets <= 1) return true;
  let withData = 0;
  for (let i = 0; i < buckets; i++) if (series.some((s) => (s.values[i] ?? 0) > 0)) withData++;
  return withData < Math.min(3, buckets) || withData * 3 < buckets;
}

export const PALETTE = ["#4f46e5", "#0284c7", "#13795b", "#b45309", "#c0262d", "#7c3aed", "#0f766e", "#be185d", "#4d7c0f", "#6b6b80"];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/**
 * A colour per entity key (team id, model name) that does not depend on its rank, so a team keeps its
 * colour on every page and range. When two keys of one chart hash to the same colour, the later one
 * (in key order, not rank order) takes the next free colour.
 */
export function colorsFor(keys: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<number>();
  for (const k of [...new Set(keys)].sort()) {
    let i = hash(k) % PALETTE.length;
    for (let n = 0; n < PALETTE.length && used.has(i); n++) i = (i + 1) % PALETTE.length;
    used.add(i);
    out.set(k, PALETTE[i]!);
  }
  return out;
}
