/**
 * Rollup aggregation as pure functions: a flushed batch of call records becomes one
 * accumulator per (granularity, bucket, dimensions), summed in memory before a single
 * upsert per accumulator (lib/telemetry/rollup-store.ts). Unit-tested in rollup.test.ts.
 */
import { bucketIndex, HISTOGRAM_BUCKETS } from "./histogram";

/**
 * h/d: every dimension (top apps/keys, per-key or per-route breakdowns). m/H/D: minute,
 * hour and day rows with only team, model and provider kept (the rest ''): the charts
 * read these, ~20x fewer rows, and a flush upserts far fewer of them.
 */
export const GRANS = ["m", "h", "d", "H", "D"] as const;
export type Gran = (typeof GRANS)[number];
export const GRAN_MS: Record<Gran, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, H: 3_600_000, D: 86_400_000 };
export const COARSE: Record<Gran, boolean> = { m: true, h: false, d: false, H: true, D: true };

/** The fields of a call record a rollup reads (CallRecord and seeded rows both fit). */
export interface RollupInput {
  at: number;
  teamId: string | null;
  appId: string | null;
  keyId: string | null;
  apiId: string | null;
  routeAlias: string | null;
  upstreamModel: string | null;
  providerId: string | null;
  status: number;
  outcome: string;
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
}

export interface RollupAcc {
  gran: Gran;
  bucket: number;
  teamId: string;
  appId: string;
  keyId: string;
  apiId: string;
  route: string;
  model: string;
  providerId: string;
  statusClass: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  latencySum: number;
  ttftSum: number;
  ttftCount: number;
  /** latency histogram */
  h: number[];
  /** time-to-first-token histogram */
  t: number[];
}

/** UTC-aligned bucket start. */
export function bucketStart(at: number, gran: Gran): number {
  const ms = GRAN_MS[gran];
  return Math.floor(at / ms) * ms;
}

/** '2xx', '4xx', '5xx' ...; '0xx' when no status was set. */
export function statusClass(status: number): string {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? `${c}xx` : "0xx";
}

/** A failed call: the gateway or an upstream failed (refusals and client aborts are not errors). */
export function isError(r: Pick<RollupInput, "status" | "outcome">): boolean {
  return r.outcome === "error" || r.outcome === "partial" || r.status >= 500;
}

/** The dimensions part of a row's keys, built once per row (not once per granularity). */
function coarseDims(r: RollupInput): string {
  return `${r.teamId ?? ""}|${r.upstreamModel ?? ""}|${r.providerId ?? ""}`;
}
function fineDims(r: RollupInput, sc: string): string {
  return `${r.teamId ?? ""}|${r.appId ?? ""}|${r.keyId ?? ""}|${r.apiId ?? ""}|${r.routeAlias ?? ""}|${r.upstreamModel ?? ""}|${r.providerId ?? ""}|${sc}`;
}

export function emptyAcc(gran: Gran, bucket: number, r: RollupInput, sc: string): RollupAcc {
  const fine = !COARSE[gran];
  return {
    gran,
    bucket,
    teamId: r.teamId ?? "",
    appId: fine ? (r.appId ?? "") : "",
    keyId: fine ? (r.keyId ?? "") : "",
    apiId: fine ? (r.apiId ?? "") : "",
    route: fine ? (r.routeAlias ?? "") : "",
    model: r.upstreamModel ?? "",
    providerId: r.providerId ?? "",
    statusClass: fine ? sc : "",
    requests: 0,
    errors: 0,
    tokensIn: 0,
    tokensOut: 0,
    tokensCached: 0,
    costUsd: 0,
    latencySum: 0,
    ttftSum: 0,
    ttftCount: 0,
    h: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
    t: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
  };
}

/** Adds one record to an accumulator. */
export function addRecord(acc: RollupAcc, r: RollupInput): void {
  acc.requests += 1;
  if (isError(r)) acc.errors += 1;
  acc.tokensIn += r.tokensIn;
  acc.tokensOut += r.tokensOut;
  acc.tokensCached += r.tokensCached;
  acc.costUsd += r.costUsd;
  const lat = Math.max(0, Math.round(r.latencyMs));
  acc.latencySum += lat;
  acc.h[bucketIndex(lat)]! += 1;
  if (r.ttftMs !== null && r.ttftMs !== undefined) {
    const tt = Math.max(0, Math.round(r.ttftMs));
    acc.ttftSum += tt;
    acc.ttftCount += 1;
    acc.t[bucketIndex(tt)]! += 1;
  }
}

/** Sums `b` into `a` (same key). */
export function mergeAcc(a: RollupAcc, b: RollupAcc): RollupAcc {
  a.requests += b.requests;
  a.errors += b.errors;
  a.tokensIn += b.tokensIn;
  a.tokensOut += b.tokensOut;
  a.tokensCached += b.tokensCached;
  a.costUsd += b.costUsd;
  a.latencySum += b.latencySum;
  a.ttftSum += b.ttftSum;
  a.ttftCount += b.ttftCount;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    a.h[i]! += b.h[i]!;
    a.t[i]! += b.t[i]!;
  }
  return a;
}

/**
 * One batch → accumulators for every granularity. `into` lets a caller (the seeder)
 * keep adding batches to one map before writing.
 */
export function aggregate(rows: readonly RollupInput[], grans: readonly Gran[] = GRANS, into = new Map<string, RollupAcc>()): Map<string, RollupAcc> {
  for (const r of rows) {
    const sc = statusClass(r.status);
    let coarse: string | null = null;
    let fine: string | null = null;
    for (const g of grans) {
      const b = bucketStart(r.at, g);
      const dims = COARSE[g] ? (coarse ??= coarseDims(r)) : (fine ??= fineDims(r, sc));
      const k = `${g}|${b}|${dims}`;
      let acc = into.get(k);
      if (!acc) into.set(k, (acc = emptyAcc(g, b, r, sc)));
      addRecord(acc, r);
    }
  }
  return into;
}

const HCOLS = Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => `h${i}`);
const TCOLS = Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => `t${i}`);
const DIM_COLS = ["gran", "bucket", "team_id", "app_id", "key_id", "api_id", "route", "model", "provider_id", "status_class"];
const SUM_COLS = ["requests", "errors", "tokens_in", "tokens_out", "tokens_cached", "cost_usd", "latency_sum", "ttft_sum", "ttft_count", ...HCOLS, ...TCOLS];

export const ROLLUP_COLUMNS = [...DIM_COLS, ...SUM_COLS] as const;
/** The upsert's conflict rule: the dimensions are the key, every sum column adds up. */
export const ROLLUP_CONFLICT = { target: DIM_COLS, add: SUM_COLS } as const;

/** The upsert for one row: positional parameters in the order of `upsertParams`; sums on conflict (both engines). */
export const UPSERT_SQL = `INSERT INTO usage_rollups (${ROLLUP_COLUMNS.join(", ")})
VALUES (${ROLLUP_COLUMNS.map(() => "?").join(", ")})
ON CONFLICT(${DIM_COLS.join(", ")}) DO UPDATE SET ${SUM_COLS.map((c) => `${c} = usage_rollups.${c} + excluded.${c}`).join(", ")}`;

/** Sort key of an accumulator's dimensions: concurrent writers upsert in one order (no deadlock on PostgreSQL). */
export function accKey(a: RollupAcc): string {
  return `${a.gran}|${a.bucket}|${a.teamId}|${a.appId}|${a.keyId}|${a.apiId}|${a.route}|${a.model}|${a.providerId}|${a.statusClass}`;
}

export function upsertParams(a: RollupAcc): (string | number)[] {
  return [
    a.gran,
    a.bucket,
    a.teamId,
    a.appId,
    a.keyId,
    a.apiId,
    a.route,
    a.model,
    a.providerId,
    a.statusClass,
    a.requests,
    a.errors,
    a.tokensIn,
    a.tokensOut,
    a.tokensCached,
    a.costUsd,
    a.latencySum,
    a.ttftSum,
    a.ttftCount,
    ...a.h,
    ...a.t,
  ];
}

/** `sum(h0) AS h0, ...`: histogram sums for a SELECT over rollups. */
export function histogramSumsSql(prefix: "h" | "t"): string {
  return (prefix === "h" ? HCOLS : TCOLS).map((c) => `sum(${c}) AS ${c}`).join(", ");
}

export function histogramFromRow(row: Record<string, unknown>, prefix: "h" | "t"): number[] {
  return Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => Number(row[`${prefix}${i}`] ?? 0));
}
