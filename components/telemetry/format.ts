/** Number formatting shared by the log and chart views (dollars and counts: components/ui/numbers.ts). */
import { fmtCount, fmtUsd } from "@/components/ui/numbers";
export function fmtCost(usd: number | null | undefined): string {
  return fmtUsd(usd);
}

export function fmtNum(n: number | null | undefined): string {
  return fmtCount(n);
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function fmtPct(x: number | null | undefined): string {
  if (x === null || x === undefined) return "—";
  return `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`;
}

/** "+12%" / "−3%" change vs the previous period; null when there is no base. */
export function delta(cur: number | null, prev: number | null): string | null {
  if (cur === null || prev === null || !prev) return null;
  const d = (cur - prev) / prev;
  return `${d >= 0 ? "+" : "−"}${Math.abs(d * 100).toFixed(0)}%`;
}

/** Bucket label in the browser's zone. */
export function bucketLabel(t: number, bucket: string): string {
  const d = new Date(t);
  if (bucket === "1d") return d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  if (bucket === "1h") return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit" });
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function browserTz(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export const QUICK_RANGES = [
  { value: "15m", label: "15 min" },
  { value: "1h", label: "1 hour" },
  { value: "6h", label: "6 hours" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
] as const;

export const CHART_RANGES = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days" },
] as const;
