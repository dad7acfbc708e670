import { pgTable, text, integer, bigint, boolean, doublePrecision, index, primaryKey } from "drizzle-orm/pg-core";
import { HISTOGRAM_BUCKETS } from "../../telemetry/histogram";

/**
 * Usage rollups maintained by the log writer's flush listener (lib/telemetry/rollup.ts):
 * one row per (granularity, bucket start, team, app, key, API, route, model, provider,
 * status class). Null dimensions are stored as '' so the primary key (and the upsert's
 * ON CONFLICT) treats them as equal. Charts read only this table, never request_logs.
 * (SQLite makes it WITHOUT ROWID; PostgreSQL reads a range through the primary key index.)
 */
export const bigintNumber = (name: string) => bigint(name, { mode: "number" });
/** Histogram columns `h0..h23` / `t0..t23` (bounds in lib/telemetry/histogram.ts), also used by alert_slots. */
export const hist = (prefix: "h" | "t") =>
  Object.fromEntries(Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => [`${prefix}${i}`, bigintNumber(`${prefix}${i}`).notNull().default(0)])) as Record<
    string,
    ReturnType<typeof bigintNumber>
  >;

export const usageRollups = pgTable(
  "usage_rollups",
  {
    /** 'm' | 'h' | 'd' (UTC-aligned minute, hour, day) */
    gran: text("gran").notNull(),
    /** bucket start, epoch ms */
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    teamId: text("team_id").notNull().default(""),
    appId: text("app_id").notNull().default(""),
    keyId: text("key_id").notNull().default(""),
    apiId: text("api_id").notNull().default(""),
    route: text("route").notNull().default(""),
    /** upstream model name: readable and stable after the model row is deleted */
    model: text("model").notNull().default(""),
    providerId: text("provider_id").notNull().default(""),
    /** '2xx' | '3xx' | '4xx' | '5xx' | '0xx' (no status) */
    statusClass: text("status_class").notNull().default(""),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
    errors: bigint("errors", { mode: "number" }).notNull().default(0),
    tokensIn: bigint("tokens_in", { mode: "number" }).notNull().default(0),
    tokensOut: bigint("tokens_out", { mode: "number" }).notNull().default(0),
    tokensCached: bigint("tokens_cached", { mode: "number" }).notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    latencySum: bigint("latency_sum", { mode: "number" }).notNull().default(0),
    ttftSum: bigint("ttft_sum", { mode: "number" }).notNull().default(0),
    ttftCount: bigint("ttft_count", { mode: "number" }).notNull().default(0),
    /** latency histogram h0..h23 and time-to-first-token histogram t0..t23 (bounds in lib/telemetry/histogram.ts) */
    ...hist("h"),
    ...hist("t"),
  },
  (t) => [
    /** named: the generated name passes PostgreSQL's 63-character limit */
    primaryKey({ name: "usage_rollups_pk", columns: [t.gran, t.bucket, t.teamId, t.appId, t.keyId, t.apiId, t.route, t.model, t.providerId, t.statusClass] }),
    index("usage_rollups_team_idx").on(t.gran, t.teamId, t.bucket),
  ],
);

/** Request/response bodies of APIs with body capture on: apart from the summary row, truncated. */
export const requestBodies = pgTable(
  "request_bodies",
  {
    requestId: text("request_id").notNull().unique(),
    at: bigint("at", { mode: "number" }).notNull(),
    reqBody: text("req_body"),
    resBody: text("res_body"),
    /** original sizes in bytes, so the UI can say "truncated from N" */
    reqBytes: bigint("req_bytes", { mode: "number" }).notNull().default(0),
    resBytes: bigint("res_bytes", { mode: "number" }).notNull().default(0),
    truncated: boolean("truncated").notNull().default(false),
  },
  (t) => [index("request_bodies_at_idx").on(t.at)],
);

/** Per-API log options: body capture is off unless a row here turns it on. */
export const apiLogSettings = pgTable("api_log_settings", {
  apiId: text("api_id").primaryKey(),
  captureBodies: boolean("capture_bodies").notNull().default(false),
  maxBodyBytes: bigint("max_body_bytes", { mode: "number" }).notNull().default(16_384),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/**
 * Circuit-breaker openings (platform-level, admins only): queued by the breaker's onOpen
 * and written with the log writer's flushes (lib/telemetry/breaker-events.ts); pruned
 * with the raw request rows. The provider-health chart marks them.
 */
export const breakerEvents = pgTable(
  "breaker_events",
  {
    /** SQLite: the rowid; here an identity (by default, so copied rows keep their ids) */
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    at: bigint("at", { mode: "number" }).notNull(),
    /** "<providerId>:<modelId>" */
    target: text("target").notNull(),
    providerId: text("provider_id").notNull(),
    modelId: text("model_id").notNull(),
    /** consecutive failures when it opened */
    failures: integer("failures").notNull(),
  },
  (t) => [index("breaker_events_at_idx").on(t.at)],
);
