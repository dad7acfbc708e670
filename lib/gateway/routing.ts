import type { RouteInfo, TargetGroup, TargetInfo } from "./snapshot";

/**
 * The first condition that matches picks its group; otherwise the main group. A condition
 * names a request header (`x-portico-tier`) or a request metadata key (`metadata.tier`).
 */
export function selectGroup(route: RouteInfo, headers: Record<string, string | undefined>, metadata?: Record<string, unknown> | null): TargetGroup {
  for (const c of route.conditions) {
    if (!c.group.targets.length) continue;
    const value = c.header.startsWith("metadata.") ? metadata?.[c.header.slice(9)] : headers[c.header];
    if (value === c.equals) return c.group;
  }
  return route.main;
}

/**
 * The order targets are tried in. single: the one target. fallback: as listed.
 * weighted: one target drawn by weight first (the split), then the others by
 * descending weight as fallbacks.
 */
export function orderTargets(group: TargetGroup, rand: () => number = Math.random): TargetInfo[] {
  const ts = group.targets;
  if (group.strategy !== "weighted" || ts.length < 2) return group.strategy === "single" ? ts.slice(0, 1) : ts;
  const total = ts.reduce((s, t) => s + t.weight, 0);
  let r = rand() * total;
  let pick = ts.length - 1;
  for (let i = 0; i < ts.length; i++) {
    r -= ts[i]!.weight;
    if (r < 0) {
      pick = i;
      break;
    }
  }
  const rest = ts.filter((_, i) => i !== pick).sort((a, b) => b.weight - a.weight);
  return [ts[pick]!, ...rest];
}

/** Statuses worth retrying on the same target (then falling over). */
export const RETRYABLE = new Set([408, 429, 500, 502, 503, 504, 529]);
/** A misconfigured target: don't retry it, fall over to the next one. */
export const MISCONFIGURED = new Set([401, 403, 404]);

export type Verdict = "success" | "retry" | "fallover" | "return";

/** What to do with an upstream answer (null status = network error or timeout). */
export function verdictFor(status: number | null): Verdict {
  if (status === null) return "retry";
  if (status >= 200 && status < 300) return "success";
  if (RETRYABLE.has(status)) return "retry";
  if (MISCONFIGURED.has(status)) return "fallover";
  return "return";
}

/** Full jitter: random in [0, min(max, base·2^attempt)). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, rand: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(rand() * cap);
}

/** Retry-After as seconds or an HTTP date → ms (null when absent/unparseable). */
export function parseRetryAfter(v: string | string[] | undefined, now = Date.now()): number | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s.trim())) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}
