import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";
import { users, teams } from "./identity";
import { apps } from "./access";

export const PROVIDER_TYPES = ["openai", "azure-openai", "anthropic", "gemini", "bedrock", "vertex", "mock"] as const;
export type ProviderTypeName = (typeof PROVIDER_TYPES)[number];

/** An upstream account: where to call and with which (encrypted) credential. */
export const providers = sqliteTable(
  "providers",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: PROVIDER_TYPES }).notNull(),
    baseUrl: text("base_url").notNull().default(""),
    /** AES-256-GCM blob (lib/secret.ts); never returned by any API */
    encryptedKey: text("encrypted_key"),
    keyLast4: text("key_last4"),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    apiVersion: text("api_version"),
    /** provider options: mock latency/tokens per second/reply length, ... */
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    firstByteTimeoutMs: integer("first_byte_timeout_ms").notNull().default(30_000),
    totalTimeoutMs: integer("total_timeout_ms").notNull().default(600_000),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("providers_name_uq").on(t.name)],
);

export const MODEL_KINDS = ["chat", "embedding"] as const;

/** A model at a provider, with its list prices (USD per 1M tokens). */
export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id, { onDelete: "cascade" }),
    /** the provider's model id (Azure: deployment name) */
    upstreamModel: text("upstream_model").notNull(),
    kind: text("kind", { enum: MODEL_KINDS }).notNull().default("chat"),
    contextWindow: integer("context_window"),
    maxOutputTokens: integer("max_output_tokens"),
    inputPricePerM: real("input_price_per_m").notNull().default(0),
    outputPricePerM: real("output_price_per_m").notNull().default(0),
    cachedInputPricePerM: real("cached_input_price_per_m"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("models_provider_upstream_uq").on(t.providerId, t.upstreamModel)],
);

export const ROUTE_STRATEGIES = ["single", "weighted", "fallback"] as const;
export type RouteStrategy = (typeof ROUTE_STRATEGIES)[number];

export interface RouteTarget {
  modelId: string;
  /** weighted strategy only; > 0 */
  weight?: number;
}

/** A header/metadata condition that picks another target group, e.g. x-portico-tier = premium. */
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
  /** a Retry-After longer than this falls over to the next target instead of waiting */
  retryAfterCapMs: number;
  firstByteTimeoutMs?: number;
  totalTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
}

/** A public model name (alias) that apps call, mapped to targets. */
export const routes = sqliteTable(
  "routes",
  {
    id: text("id").primaryKey(),
    alias: text("alias").notNull(),
    description: text("description").notNull().default(""),
    strategy: text("strategy", { enum: ROUTE_STRATEGIES }).notNull().default("single"),
    targets: text("targets", { mode: "json" }).$type<RouteTarget[]>().notNull(),
    conditions: text("conditions", { mode: "json" }).$type<RouteCondition[]>().notNull().default([]),
    retry: text("retry", { mode: "json" }).$type<RetryPolicy>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /**
     * The owning team; null = platform-owned. An API may expose a route only when
     * its team owns it or holds a grant for it (route_grants; docs/access.md).
     * A deleted team's routes fall back to the platform (needing grants again).
     */
    teamId: text("team_id").references(() => teams.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("routes_alias_uq").on(t.alias)],
);

/** A platform admin let a team expose a route it does not own in its APIs and prompt APIs. */
export const routeGrants = sqliteTable(
  "route_grants",
  {
    routeId: text("route_id")
      .notNull()
      .references(() => routes.id, { onDelete: "cascade" }),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    grantedBy: text("granted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.teamId] }), index("route_grants_team_idx").on(t.teamId)],
);

/** Portico keys apps call /v1 with: sha256 at rest, plaintext shown once. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    teamId: text("team_id").references(() => teams.id, { onDelete: "set null" }),
    /** the app this key belongs to; a key without an app is refused by the data plane */
    appId: text("app_id").references(() => apps.id, { onDelete: "cascade" }),
    /** set on the new key of a rotation: the key it replaces (which stays valid until its expiresAt) */
    rotatedFromId: text("rotated_from_id"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash), index("api_keys_team_idx").on(t.teamId), index("api_keys_app_idx").on(t.appId)],
);

export interface AttemptRecord {
  target: string;
  provider: string;
  model: string;
  status: number | null;
  ms: number;
  error?: string;
}

export const OUTCOMES = ["ok", "error", "partial", "aborted", "refused"] as const;

/** One row per data-plane call, written by the batched writer. */
export const requestLogs = sqliteTable(
  "request_logs",
  {
    id: text("id").primaryKey(),
    at: integer("at").notNull(),
    endpoint: text("endpoint").notNull(),
    inbound: text("inbound").notNull(),
    keyId: text("key_id"),
    teamId: text("team_id"),
    appId: text("app_id"),
    apiId: text("api_id"),
    routeAlias: text("route_alias"),
    providerId: text("provider_id"),
    providerType: text("provider_type"),
    modelId: text("model_id"),
    upstreamModel: text("upstream_model"),
    stream: integer("stream", { mode: "boolean" }).notNull().default(false),
    status: integer("status").notNull(),
    outcome: text("outcome", { enum: OUTCOMES }).notNull(),
    attempts: text("attempts", { mode: "json" }).$type<AttemptRecord[]>().notNull().default([]),
    latencyMs: integer("latency_ms").notNull(),
    ttftMs: integer("ttft_ms"),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    tokensCached: integer("tokens_cached").notNull().default(0),
    usageEstimated: integer("usage_estimated", { mode: "boolean" }).notNull().default(false),
    costUsd: real("cost_usd").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** response cache: hit | miss | skip; null when no cache policy applied (lib/policy/cache-hooks.ts) */
    cache: text("cache"),
    /** a cache hit or idempotent replay: what the upstream call would have cost */
    savedCostUsd: real("saved_cost_usd"),
    /** content guard flags, e.g. ["prompt_injection"], ["idempotent_replay"] */
    flags: text("flags", { mode: "json" }).$type<string[]>(),
    /** MCP tools/call: bytes of the tool arguments and of the result (null for LLM calls) */
    reqBytes: integer("req_bytes"),
    resBytes: integer("res_bytes"),
  },
  (t) => [
    index("request_logs_at_idx").on(t.at),
    index("request_logs_team_at_idx").on(t.teamId, t.at),
    index("request_logs_key_at_idx").on(t.keyId, t.at),
    /** log search filters by app (lib/telemetry/search.ts); route, model and provider are dense enough to filter while walking the time index */
    index("request_logs_app_at_idx").on(t.appId, t.at),
    /** sort by cost / latency over large ranges walks these instead of sorting every row */
    index("request_logs_cost_idx").on(t.costUsd),
    index("request_logs_latency_idx").on(t.latencyMs),
  ],
);

export type Provider = typeof providers.$inferSelect;
export type Model = typeof models.$inferSelect;
export type Route = typeof routes.$inferSelect;
export type RouteGrant = typeof routeGrants.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type RequestLog = typeof requestLogs.$inferSelect;
