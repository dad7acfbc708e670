import { pgTable, text, integer, bigint, boolean, doublePrecision, index, uniqueIndex, primaryKey } from "drizzle-orm/pg-core";
import { json } from "./types";
import { PROVIDER_TYPES, MODEL_KINDS, ROUTE_STRATEGIES, OUTCOMES, type RouteTarget, type RouteCondition, type RetryPolicy, type AttemptRecord } from "../schema/gateway";
import { users, teams } from "./identity";
import { apps } from "./access";

/** An upstream account: where to call and with which (encrypted) credential. */
export const providers = pgTable(
  "providers",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: PROVIDER_TYPES }).notNull(),
    baseUrl: text("base_url").notNull().default(""),
    /** AES-256-GCM blob (lib/secret.ts); never returned by any API */
    encryptedKey: text("encrypted_key"),
    keyLast4: text("key_last4"),
    headers: json("headers").$type<Record<string, string>>().notNull().default({}),
    apiVersion: text("api_version"),
    /** provider options: mock latency/tokens per second/reply length, ... */
    options: json("options").$type<Record<string, unknown>>().notNull().default({}),
    firstByteTimeoutMs: bigint("first_byte_timeout_ms", { mode: "number" }).notNull().default(30_000),
    totalTimeoutMs: bigint("total_timeout_ms", { mode: "number" }).notNull().default(600_000),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("providers_name_uq").on(t.name)],
);

/** A model at a provider, with its list prices (USD per 1M tokens). */
export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id, { onDelete: "cascade" }),
    /** the provider's model id (Azure: deployment name) */
    upstreamModel: text("upstream_model").notNull(),
    kind: text("kind", { enum: MODEL_KINDS }).notNull().default("chat"),
    contextWindow: bigint("context_window", { mode: "number" }),
    maxOutputTokens: bigint("max_output_tokens", { mode: "number" }),
    inputPricePerM: doublePrecision("input_price_per_m").notNull().default(0),
    outputPricePerM: doublePrecision("output_price_per_m").notNull().default(0),
    cachedInputPricePerM: doublePrecision("cached_input_price_per_m"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("models_provider_upstream_uq").on(t.providerId, t.upstreamModel)],
);

/** A public model name (alias) that apps call, mapped to targets. */
export const routes = pgTable(
  "routes",
  {
    id: text("id").primaryKey(),
    alias: text("alias").notNull(),
    description: text("description").notNull().default(""),
    strategy: text("strategy", { enum: ROUTE_STRATEGIES }).notNull().default("single"),
    targets: json("targets").$type<RouteTarget[]>().notNull(),
    conditions: json("conditions").$type<RouteCondition[]>().notNull().default([]),
    retry: json("retry").$type<RetryPolicy>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /**
     * The owning team; null = platform-owned. An API may expose a route only when
     * its team owns it or holds a grant for it (route_grants; docs/access.md).
     * A deleted team's routes fall back to the platform (needing grants again).
     */
    teamId: text("team_id").references(() => teams.id, { onDelete: "set null" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("routes_alias_uq").on(t.alias)],
);

/** A platform admin let a team expose a route it does not own in its APIs and prompt APIs. */
export const routeGrants = pgTable(
  "route_grants",
  {
    routeId: text("route_id")
      .notNull()
      .references(() => routes.id, { onDelete: "cascade" }),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    grantedBy: text("granted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.teamId] }), index("route_grants_team_idx").on(t.teamId)],
);

/** Portico keys apps call /v1 with: sha256 at rest, plaintext shown once. */
export const apiKeys = pgTable(
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
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUsedAt: bigint("last_used_at", { mode: "number" }),
    expiresAt: bigint("expires_at", { mode: "number" }),
    revokedAt: bigint("revoked_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash), index("api_keys_team_idx").on(t.teamId), index("api_keys_app_idx").on(t.appId)],
);

/** One row per data-plane call, written by the batched writer. */
export const requestLogs = pgTable(
  "request_logs",
  {
    id: text("id").primaryKey(),
    at: bigint("at", { mode: "number" }).notNull(),
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
    stream: boolean("stream").notNull().default(false),
    status: integer("status").notNull(),
    outcome: text("outcome", { enum: OUTCOMES }).notNull(),
    attempts: json("attempts").$type<AttemptRecord[]>().notNull().default([]),
    latencyMs: bigint("latency_ms", { mode: "number" }).notNull(),
    ttftMs: bigint("ttft_ms", { mode: "number" }),
    tokensIn: bigint("tokens_in", { mode: "number" }).notNull().default(0),
    tokensOut: bigint("tokens_out", { mode: "number" }).notNull().default(0),
    tokensCached: bigint("tokens_cached", { mode: "number" }).notNull().default(0),
    usageEstimated: boolean("usage_estimated").notNull().default(false),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** response cache: hit | miss | skip; null when no cache policy applied (lib/policy/cache-hooks.ts) */
    cache: text("cache"),
    /** a cache hit or idempotent replay: what the upstream call would have cost */
    savedCostUsd: doublePrecision("saved_cost_usd"),
    /** content guard flags, e.g. ["prompt_injection"], ["idempotent_replay"] */
    flags: json("flags").$type<string[]>(),
    /** MCP tools/call: bytes of the tool arguments and of the result (null for LLM calls) */
    reqBytes: bigint("req_bytes", { mode: "number" }),
    resBytes: bigint("res_bytes", { mode: "number" }),
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
