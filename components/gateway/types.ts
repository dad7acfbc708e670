/**
 * Client-side shapes of the gateway admin API (components never import lib/db:
 * these mirror what lib/services/{providers,models,routes,keys,logs} return).
 */
export type ProviderType = "openai" | "azure-openai" | "anthropic" | "gemini" | "bedrock" | "vertex" | "mock";
export type ModelKind = "chat" | "embedding";
export type RouteStrategy = "single" | "weighted" | "fallback";

export interface ProviderRow {
  id: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  hasKey: boolean;
  keyLast4: string | null;
  headers: Record<string, string>;
  apiVersion: string | null;
  options: Record<string, unknown>;
  firstByteTimeoutMs: number;
  totalTimeoutMs: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  modelCount: number;
}

export interface BreakerRow {
  target: string;
  providerId: string;
  modelId: string;
  state: "closed" | "open" | "half_open";
  failures: number;
  openedAt: number | null;
}

export interface ModelRow {
  id: string;
  providerId: string;
  providerName: string;
  providerType: ProviderType;
  providerEnabled: boolean;
  upstreamModel: string;
  kind: ModelKind;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  inputPricePerM: number;
  outputPricePerM: number;
  cachedInputPricePerM: number | null;
  usedBy: string[];
  createdAt: number;
  updatedAt: number;
}

export interface CatalogEntry {
  model: string;
  vendor: string;
  kind: ModelKind;
  inputPerM: number;
  outputPerM: number;
  cachedInputPerM: number | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  aliases?: string[];
  note?: string;
}

export interface RouteTarget {
  modelId: string;
  weight?: number;
}

export interface TargetDetail extends RouteTarget {
  label: string;
  kind: ModelKind | null;
  providerId: string | null;
  upstreamModel: string | null;
}

export interface RouteCondition {
  header: string;
  equals: string;
  strategy: RouteStrategy;
  targets: RouteTarget[];
}

export interface RetryPolicy {
  attemptsPerTarget: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  honorRetryAfter: boolean;
  retryAfterCapMs: number;
  firstByteTimeoutMs?: number;
  totalTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
}

export interface RouteRow {
  id: string;
  alias: string;
  description: string;
  strategy: RouteStrategy;
  targets: RouteTarget[];
  conditions: RouteCondition[];
  retry: RetryPolicy;
  enabled: boolean;
  kind: ModelKind | null;
  targetDetails: TargetDetail[];
  conditionDetails: (Omit<RouteCondition, "targets"> & { targets: TargetDetail[] })[];
  /** owning team; null = platform-owned */
  teamId: string | null;
  owner: { kind: "platform"; teamId: null; teamName: null } | { kind: "team"; teamId: string; teamName: string };
  grantedTeams: { id: string; name: string }[];
  createdAt: number;
  updatedAt: number;
}

export interface AttemptRow {
  target: string;
  provider: string;
  model: string;
  status: number | null;
  ms: number;
  error?: string;
}

export interface RouteTestResult {
  status: number;
  latencyMs: number;
  attempts: AttemptRow[];
  output?: string;
  error?: string;
}

export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  teamId: string | null;
  teamName: string | null;
  appId: string | null;
  appName: string | null;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  status: "active" | "revoked" | "expired";
}

export interface CreatedKey extends KeyRow {
  key: string;
}

export interface LogRow {
  id: string;
  at: number;
  endpoint: string;
  inbound: string;
  keyId: string | null;
  teamId: string | null;
  routeAlias: string | null;
  providerId: string | null;
  providerName: string | null;
  providerType: string | null;
  modelId: string | null;
  upstreamModel: string | null;
  stream: boolean;
  status: number;
  outcome: "ok" | "error" | "partial" | "aborted" | "refused";
  attempts: AttemptRow[];
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  usageEstimated: boolean;
  costUsd: number;
  errorCode: string | null;
  errorMessage: string | null;
}
