import { rawAll, rawGet } from "@/lib/db/sql";
import { z } from "zod";
import { isAdmin, type Actor } from "@/lib/auth/actor";
import { BadRequestError } from "@/lib/errors";
import { bucketStarts, chooseBucket, coverSegments, fillBuckets, parseTz, HOUR, MIN, type BucketChoice } from "./buckets";
import { histogramQuantile, HISTOGRAM_BUCKETS } from "./histogram";
import { histogramFromRow, histogramSumsSql } from "./rollup";
import { assertTeamInScope, scopeSql, teamScope, type TeamScope } from "./scope";
import { toCsv } from "./csv";
import { listBreakerEvents } from "./breaker-events";

/**
 * Cost and usage charts. They read ONLY usage_rollups (never request_logs), with the
 * bucket chosen on the server from the range and empty buckets filled with zeros.
 */
export const CHART_KINDS = ["overview", "timeline", "cost-by-team", "cost-by-model", "tokens-by-model", "top-apps", "top-keys", "provider-health"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

const RANGES: Record<string, number> = { "15m": 15 * MIN, "1h": HOUR, "6h": 6 * HOUR, "24h": 24 * HOUR, "7d": 7 * 24 * HOUR, "30d": 30 * 24 * HOUR, "90d": 90 * 24 * HOUR, "365d": 365 * 24 * HOUR };

export const chartQuerySchema = z.preprocess(
  (v) => (v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== "")) : v),
  z.object({
    range: z.enum(Object.keys(RANGES) as [string, ...string[]]).optional(),
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    tz: z.string().max(64).optional(),
    teamId: z.string().max(200).optional(),
    format: z.enum(["json", "csv"]).default("json"),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  }),
);
export type ChartQuery = z.infer<typeof chartQuerySchema>;

interface Ctx {
  scope: TeamScope;
  teamId?: string;
  from: number;
  to: number;
  tz: string;
  choice: BucketChoice;
  starts: number[];
  limit: number;
  /** platform-level data (circuit-breaker openings): admin pages only */
  platform: boolean;
}

function context(actor: Actor, q: ChartQuery, portal: boolean, now = Date.now()): Ctx {
  const scope = teamScope(actor, { ownTeamsOnly: portal });
  assertTeamInScope(scope, q.teamId);
  let from: number;
  let to: number;
  if (q.from !== undefined) {
    from = q.from;
    to = q.to ?? now;
  } else {
    to = q.to ?? now;
    from = to - (RANGES[q.range ?? "7d"] ?? RANGES["7d"]!);
  }
  if (from >= to) throw new BadRequestError("'from' must be before 'to'.", { field: "from" });
  if (to - from > 400 * 24 * HOUR) throw new BadRequestError("Charts cover at most 400 days.", { field: "from" });
  const tz = parseTz(q.tz);
  const choice = chooseBucket(from, to);
  const starts = bucketStarts(from, to, choice, tz);
  return { scope, teamId: q.teamId, from, to, tz, choice, starts, limit: q.limit, platform: isAdmin(actor) && !portal };
}

/** WHERE for rollups of one granularity and time range, scope and team filter included. */
function rollupWhere(c: Pick<Ctx, "scope" | "teamId">, gran: string, start: number, end: number) {
  const where = ["gran = ?", "bucket >= ?", "bucket < ?"];
  const params: (string | number)[] = [gran, start, end];
  const s = scopeSql(c.scope, "team_id");
  if (s) {
    where.push(s.sql);
    params.push(...s.params);
  }
  if (c.teamId) {
    where.push("team_id = ?");
    params.push(c.teamId);
  }
  return { where: where.join(" AND "), params };
}

/** The rollup range a bucketed chart reads: the first bucket's start to `to`. */
/** Charts read the coarse rows (team, model, provider only): m (minutes are coarse), H, D. */
const CHART_GRAN: Record<string, string> = { m: "m", h: "H", d: "D" };

function seriesRange(c: Ctx): { gran: string; start: number; end: number; group: string } {
  const start = c.starts[0] ?? c.from;
  const step = c.choice.stepMs;
  // 5-minute buckets from minute rows: group in SQL so fewer rows come back.
  const group = step && step > MIN && c.choice.source === "m" ? `(bucket - bucket % ${step})` : "bucket";
  return { gran: CHART_GRAN[c.choice.source]!, start, end: c.to, group };
}

interface Series {
  key: string;
  label: string;
  values: number[];
  total: number;
}

/** sum(metric) per bucket per series column, filled; series sorted by total, the tail folded into "Other". */
async function seriesBy(c: Ctx, col: string, metric: string, labels: (keys: string[]) => Map<string, string> | Promise<Map<string, string>>, maxSeries = 8): Promise<Series[]> {
  const r = seriesRange(c);
  const w = rollupWhere(c, r.gran, r.start, r.end);
  const rows = (await rawAll<{ t: number | string; k: string; v: number | string }>(`SELECT ${r.group} AS t, ${col} AS k, ${metric} AS v FROM usage_rollups WHERE ${w.where} GROUP BY 1, 2`, [...w.params])).map((x) => ({ t: Number(x.t), k: x.k, v: Number(x.v) }));
  const byKey = new Map<string, { t: number; v: number }[]>();
  for (const row of rows) {
    let l = byKey.get(row.k);
    if (!l) byKey.set(row.k, (l = []));
    l.push({ t: row.t, v: row.v });
  }
  const names = await labels([...byKey.keys()].filter(Boolean));
  let series: Series[] = [...byKey].map(([k, pts]) => {
    const values = fillBuckets(c.starts, pts).map(round6);
    return { key: k, label: names.get(k) ?? (k || "(none)"), values, total: round6(values.reduce((a, b) => a + b, 0)) };
  });
  series.sort((a, b) => b.total - a.total);
  if (series.length > maxSeries) {
    const head = series.slice(0, maxSeries - 1);
    const tail = series.slice(maxSeries - 1);
    const values = c.starts.map((_, i) => round6(tail.reduce((a, s) => a + s.values[i]!, 0)));
    series = [...head, { key: "__other", label: `Other (${tail.length})`, values, total: round6(values.reduce((a, b) => a + b, 0)) }];
  }
  return series;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

async function nameMap(table: "teams" | "apps" | "api_keys" | "providers" | "apis", ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await rawAll<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE id IN (${ids.map(() => "?").join(",")})`, [...ids]);
  return new Map(rows.map((r) => [r.id, r.name]));
}
const identity = () => new Map<string, string>();

interface Totals {
  requests: number;
  errors: number;
  errorRate: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  avgTtftMs: number | null;
  p50TtftMs: number | null;
  p95TtftMs: number | null;
}

async function totals(c: Pick<Ctx, "scope" | "teamId">, from: number, to: number): Promise<Totals> {
  const acc = { requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, tokensCached: 0, costUsd: 0, latencySum: 0, ttftSum: 0, ttftCount: 0 };
  const h = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  const t = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const seg of coverSegments(from, to)) {
    const w = rollupWhere(c, CHART_GRAN[seg.gran]!, seg.start, seg.end);
    const row = (await rawGet(`SELECT sum(requests) AS requests, sum(errors) AS errors, sum(tokens_in) AS "tokensIn", sum(tokens_out) AS "tokensOut", sum(tokens_cached) AS "tokensCached",
          sum(cost_usd) AS "costUsd", sum(latency_sum) AS "latencySum", sum(ttft_sum) AS "ttftSum", sum(ttft_count) AS "ttftCount", ${histogramSumsSql("h")}, ${histogramSumsSql("t")}
         FROM usage_rollups WHERE ${w.where}`, [...w.params])) as Record<string, number | null>;
    for (const k of Object.keys(acc) as (keyof typeof acc)[]) acc[k] += Number(row[k] ?? 0);
    histogramFromRow(row, "h").forEach((v, i) => (h[i]! += v));
    histogramFromRow(row, "t").forEach((v, i) => (t[i]! += v));
  }
  return {
    requests: acc.requests,
    errors: acc.errors,
    errorRate: acc.requests ? acc.errors / acc.requests : 0,
    tokensIn: acc.tokensIn,
    tokensOut: acc.tokensOut,
    tokensCached: acc.tokensCached,
    costUsd: round6(acc.costUsd),
    avgLatencyMs: acc.requests ? Math.round(acc.latencySum / acc.requests) : null,
    p50LatencyMs: histogramQuantile(h, 0.5),
    p95LatencyMs: histogramQuantile(h, 0.95),
    avgTtftMs: acc.ttftCount ? Math.round(acc.ttftSum / acc.ttftCount) : null,
    p50TtftMs: histogramQuantile(t, 0.5),
    p95TtftMs: histogramQuantile(t, 0.95),
  };
}

async function budgetsFor(teamIds: string[]): Promise<{ teamId: string; period: string; limitUsd: number }[]> {
  if (!teamIds.length) return [];
  try {
    const rows = await rawAll<{ teamId: string; period: string; limitUsd: number | string }>(`SELECT scope_id AS "teamId", period, limit_usd AS "limitUsd" FROM budgets WHERE scope = 'team' AND scope_id IN (${teamIds.map(() => "?").join(",")})`, [...teamIds]);
    return rows.map((b) => ({ ...b, limitUsd: Number(b.limitUsd) }));
  } catch {
    return []; // no budgets table in this database
  }
}

async function top(c: Ctx, col: string, table: "apps" | "api_keys", limit: number) {
  // Fine dimensions live in hour/day rows only: a short range reads its hours.
  const segs = coverSegments(c.from, c.to).map((s) => (s.gran === "m" ? { gran: "h" as const, start: Math.floor(s.start / HOUR) * HOUR, end: s.end } : s));
  const acc = new Map<string, { requests: number; costUsd: number; tokens: number; teamId: string }>();
  for (const seg of segs) {
    const w = rollupWhere(c, seg.gran, seg.start, seg.end);
    const rows = (await rawAll(`SELECT ${col} AS k, team_id AS "teamId", sum(requests) AS requests, sum(cost_usd) AS "costUsd", sum(tokens_in + tokens_out) AS tokens FROM usage_rollups WHERE ${w.where} AND ${col} != '' GROUP BY 1, 2`, [...w.params])) as { k: string; teamId: string; requests: number; costUsd: number; tokens: number }[];
    for (const r of rows) {
      const a = acc.get(r.k) ?? { requests: 0, costUsd: 0, tokens: 0, teamId: r.teamId };
      // Number(): PostgreSQL's sum(bigint) is numeric, which arrives as a string
      a.requests += Number(r.requests);
      a.costUsd += Number(r.costUsd);
      a.tokens += Number(r.tokens);
      acc.set(r.k, a);
    }
  }
  const list = [...acc].sort((a, b) => b[1].costUsd - a[1].costUsd || b[1].requests - a[1].requests).slice(0, limit);
  const names = (await nameMap(table, list.map(([k]) => k)));
  const teams = (await nameMap("teams", [...new Set(list.map(([, v]) => v.teamId).filter(Boolean))]));
  return list.map(([k, v]) => ({ id: k, label: names.get(k) ?? k, team: teams.get(v.teamId) ?? v.teamId, requests: v.requests, tokens: v.tokens, costUsd: round6(v.costUsd) }));
}

async function providerHealth(c: Ctx) {
  const r = seriesRange(c);
  const w = rollupWhere(c, r.gran, r.start, r.end);
  const rows = (await rawAll(`SELECT ${r.group} AS t, provider_id AS k, sum(requests) AS requests, sum(errors) AS errors, sum(latency_sum) AS "latencySum", ${histogramSumsSql("h")}
       FROM usage_rollups WHERE ${w.where} AND provider_id != '' GROUP BY 1, 2`, [...w.params])) as (Record<string, number> & { t: number; k: string })[];
  const n = c.starts.length;
  const per = new Map<string, { requests: number[]; errors: number[]; latencySum: number[]; hist: number[][] }>();
  for (const row of rows) {
    let p = per.get(row.k);
    if (!p) per.set(row.k, (p = { requests: new Array(n).fill(0), errors: new Array(n).fill(0), latencySum: new Array(n).fill(0), hist: Array.from({ length: n }, () => new Array(HISTOGRAM_BUCKETS).fill(0)) }));
    const i = fillIndex(c.starts, Number(row.t));
    if (i < 0) continue;
    p.requests[i] += Number(row.requests);
    p.errors[i] += Number(row.errors);
    p.latencySum[i] += Number(row.latencySum);
    histogramFromRow(row, "h").forEach((v, j) => (p!.hist[i]![j]! += v));
  }
  const names = (await nameMap("providers", [...per.keys()]));
  return [...per].map(([k, p]) => ({
    key: k,
    label: names.get(k) ?? k,
    requests: p.requests,
    errorRate: p.requests.map((q, i) => (q ? round6(p.errors[i]! / q) : null)),
    avgLatencyMs: p.requests.map((q, i) => (q ? Math.round(p.latencySum[i]! / q) : null)),
    p95LatencyMs: p.hist.map((h) => histogramQuantile(h, 0.95)),
  }));
}

/** Circuit-breaker openings in the chart's range, each with its bucket; admins only (others get []). */
async function breakerOpenings(c: Ctx) {
  if (!c.platform) return [];
  const events = (await listBreakerEvents(c.starts[0] ?? c.from, c.to));
  const names = (await nameMap("providers", [...new Set(events.map((e) => e.providerId).filter(Boolean))]));
  return events.map((e) => ({ ...e, bucket: c.starts[Math.max(0, fillIndex(c.starts, e.at))] ?? e.at, provider: names.get(e.providerId) ?? e.providerId }));
}

function fillIndex(starts: number[], t: number): number {
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

/** One chart's data (JSON), tenant-scoped. */
export async function chartData({ actor, kind, query, portal = false }: { actor: Actor; kind: ChartKind; query: ChartQuery; portal?: boolean }) {
  const c = context(actor, query, portal);
  const base = { kind, from: c.from, to: c.to, tz: c.tz, bucket: c.choice.name, buckets: c.starts };
  switch (kind) {
    case "overview": {
      const span = c.to - c.from;
      return { ...base, current: (await totals(c, c.from, c.to)), previous: (await totals(c, c.from - span, c.from)) };
    }
    case "timeline": {
      const r = seriesRange(c);
      const w = rollupWhere(c, r.gran, r.start, r.end);
      const rows = await rawAll<Record<"t" | "requests" | "errors" | "cost" | "tokens", number | string>>(`SELECT ${r.group} AS t, sum(requests) AS requests, sum(errors) AS errors, sum(cost_usd) AS cost, sum(tokens_in + tokens_out) AS tokens FROM usage_rollups WHERE ${w.where} GROUP BY 1`, [...w.params]);
      const mk = (f: (x: (typeof rows)[number]) => number | string) => fillBuckets(c.starts, rows.map((x) => ({ t: Number(x.t), v: Number(f(x)) }))).map(round6);
      return {
        ...base,
        series: [
          { key: "requests", label: "Requests", values: mk((x) => x.requests) },
          { key: "errors", label: "Errors", values: mk((x) => x.errors) },
          { key: "cost", label: "Cost (USD)", values: mk((x) => x.cost) },
          { key: "tokens", label: "Tokens", values: mk((x) => x.tokens) },
        ],
      };
    }
    case "cost-by-team": {
      const series = (await seriesBy(c, "team_id", "sum(cost_usd)", (ids) => nameMap("teams", ids)));
      const teamIds = c.teamId ? [c.teamId] : series.map((s) => s.key).filter((k) => k && k !== "__other");
      const names = new Map(series.map((s) => [s.key, s.label]));
      return { ...base, series, budgets: (await budgetsFor(teamIds)).map((b) => ({ ...b, team: names.get(b.teamId) ?? b.teamId })) };
    }
    case "cost-by-model": {
      const series = (await seriesBy(c, "model", "sum(cost_usd)", identity));
      return { ...base, series, budgets: c.teamId ? (await budgetsFor([c.teamId])) : [] };
    }
    case "tokens-by-model":
      return { ...base, series: (await seriesBy(c, "model", "sum(tokens_in + tokens_out)", identity)) };
    case "top-apps":
      return { ...base, rows: (await top(c, "app_id", "apps", c.limit)) };
    case "top-keys":
      return { ...base, rows: (await top(c, "key_id", "api_keys", c.limit)) };
    case "provider-health":
      return { ...base, providers: (await providerHealth(c)), breakerOpenings: (await breakerOpenings(c)) };
  }
}

/** The same data as CSV (every chart has a download). */
export function chartCsv(data: Awaited<ReturnType<typeof chartData>>): string {
  const iso = (t: number) => new Date(t).toISOString();
  if ("series" in data) {
    return toCsv(["bucket_start", ...data.series.map((s) => s.label)], data.buckets.map((b, i) => [iso(b), ...data.series.map((s) => s.values[i])]));
  }
  if ("rows" in data) return toCsv(["id", "name", "team", "requests", "tokens", "cost_usd"], data.rows.map((r) => [r.id, r.label, r.team, r.requests, r.tokens, r.costUsd]));
  if ("providers" in data) {
    const rows: unknown[][] = [];
    for (const p of data.providers) data.buckets.forEach((b, i) => rows.push([iso(b), p.label, p.requests[i], p.errorRate[i], p.avgLatencyMs[i], p.p95LatencyMs[i], "health"]));
    // circuit-breaker openings as rows of their own kind (admins only; the metric columns stay empty)
    for (const e of data.breakerOpenings) rows.push([iso(e.bucket), e.provider, null, null, null, null, "breaker_open", iso(e.at), e.target, e.failures]);
    return toCsv(["bucket_start", "provider", "requests", "error_rate", "avg_latency_ms", "p95_latency_ms", "kind", "opened_at", "target", "failures"], rows);
  }
  const keys = Object.keys(data.current) as (keyof Totals)[];
  return toCsv(["metric", "current", "previous"], keys.map((k) => [k, data.current[k], data.previous[k]]));
}
