/** Client-side shapes of the telemetry JSON APIs (lib/telemetry/search.ts, charts.ts). */
export interface AttemptItem {
  target: string;
  provider: string;
  model: string;
  status: number | null;
  ms: number;
  error?: string;
}

export type Outcome = "ok" | "error" | "partial" | "aborted" | "refused";

export interface LogItem {
  id: string;
  at: number;
  endpoint: string;
  inbound: string;
  keyId: string | null;
  teamId: string | null;
  appId: string | null;
  apiId: string | null;
  routeAlias: string | null;
  providerId: string | null;
  providerType: string | null;
  modelId: string | null;
  upstreamModel: string | null;
  stream: boolean;
  status: number;
  outcome: Outcome;
  attempts: AttemptItem[];
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  usageEstimated: boolean;
  costUsd: number;
  errorCode: string | null;
  errorMessage: string | null;
  cache: string | null;
  savedCostUsd: number | null;
  flags: string[] | null;
  teamName: string | null;
  appName: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  apiName: string | null;
  providerName: string | null;
}

export interface LogDetail extends LogItem {
  apiSlug: string | null;
  /** reqBytes/resBytes: original sizes; *StoredBytes: what was kept; truncated: the capture limit cut a body */
  bodies: {
    reqBody: string | null;
    resBody: string | null;
    reqBytes: number;
    resBytes: number;
    reqStoredBytes: number;
    resStoredBytes: number;
    truncated: boolean;
    reqTruncated: boolean;
    resTruncated: boolean;
  } | null;
}

export interface Facets {
  teams: { id: string; name: string }[];
  apps: { id: string; name: string; teamId: string }[];
  keys: { id: string; name: string; prefix: string; appId: string | null }[];
  apis: { id: string; name: string }[];
  routes: string[];
  models: string[];
  providers: { id: string; name: string }[];
}

export interface ChartBase {
  kind: string;
  from: number;
  to: number;
  tz: string;
  bucket: "1m" | "5m" | "1h" | "1d";
  buckets: number[];
}

export interface Series {
  key: string;
  label: string;
  values: number[];
  total?: number;
}

export interface SeriesChart extends ChartBase {
  series: Series[];
  budgets?: { teamId: string; team?: string; period: string; limitUsd: number }[];
}

export interface Totals {
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

export interface OverviewChart extends ChartBase {
  current: Totals;
  previous: Totals;
}

export interface TopChart extends ChartBase {
  rows: { id: string; label: string; team: string; requests: number; tokens: number; costUsd: number }[];
}

export interface HealthChart extends ChartBase {
  providers: { key: string; label: string; requests: number[]; errorRate: (number | null)[]; avgLatencyMs: (number | null)[]; p95LatencyMs: (number | null)[] }[];
  /** circuit-breaker openings (admins only; empty for others) */
  breakerOpenings: { at: number; bucket: number; target: string; providerId: string; provider: string; modelId: string; failures: number }[];
}
