import { sqliteTable, text, integer, real, index, primaryKey } from "drizzle-orm/sqlite-core";
import { HISTOGRAM_BUCKETS } from "../../telemetry/histogram";

/**
 * Usage rollups maintained by the log writer's flush listener (lib/telemetry/rollup.ts):
 * one row per (granularity, bucket start, team, app, key, API, route, model, provider,
 * status class). Null dimensions are stored as '' so the primary key (and the upsert's
 * ON CONFLICT) treats them as equal. Charts read only this table, never request_logs.
 * The migration makes it WITHOUT ROWID: rows cluster by (gran, bucket, ...), so a
 * chart's time range is one contiguous range scan.
 */
/** Histogram columns `h0..h23` / `t0..t23` (bounds in lib/telemetry/histogram.ts), also used by alert_slots. */
export const hist = (prefix: "h" | "t") =>
  Object.fromEntries(Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => [`${prefix}${i}`, integer(`${prefix}${i}`).notNull().default(0)])) as Record<
    string,
    ReturnType<typeof integer>
  >;

export const usageRollups = sqliteTable(
  "usage_rollups",
  {
    /** 'm' | 'h' | 'd' (UTC-aligned minute, hour, day) */
    gran: text("gran").notNull(),
    /** bucket start, epoch ms */
    bucket: integer("bucket").notNull(),
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
    requests: integer("requests").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    tokensCached: integer("tokens_cached").notNull().default(0),
    costUsd: real("cost_usd").notNull().default(0),
    latencySum: integer("latency_sum").notNull().default(0),
    ttftSum: integer("ttft_sum").notNull().default(0),
    ttftCount: integer("ttft_count").notNull().default(0),
    /** latency histogram h0..h23 and time-to-first-token histogram t0..t23 (bounds in lib/telemetry/histogram.ts) */
    ...hist("h"),
    ...hist("t"),
  },
  (t) => [
    primaryKey({ columns: [t.gran, t.bucket, t.teamId, t.appId, t.keyId, t.apiId, t.route, t.model, t.providerId, t.statusClass] }),
    index("usage_rollups_team_idx").on(t.gran, t.teamId, t.bucket),
  ],
);

/** Request/response bodies of APIs with body capture on: apart from the summary row, truncated. */
export const requestBodies = sqliteTable(
  "request_bodies",
  {
    requestId: text("request_id").notNull().unique(),
    at: integer("at").notNull(),
    reqBody: text("req_body"),
    resBody: text("res_body"),
    /** original sizes in bytes, so the UI can say "truncated from N" */
    reqBytes: integer("req_bytes").notNull().default(0),
    resBytes: integer("res_bytes").notNull().default(0),
    truncated: integer("truncated", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("request_bodies_at_idx").on(t.at)],
);

/** Per-API log options: body capture is off unless a row here turns it on. */
export const apiLogSettings = sqliteTable("api_log_settings", {
  apiId: text("api_id").primaryKey(),
  captureBodies: integer("capture_bodies", { mode: "boolean" }).notNull().default(false),
  maxBodyBytes: integer("max_body_bytes").notNull().default(16_384),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Circuit-breaker openings (platform-level, admins only): queued by the breaker's onOpen
 * and written with the log writer's flushes (lib/telemetry/breaker-events.ts); pruned
 * with the raw request rows. The provider-health chart marks them.
 */
export const breakerEvents = sqliteTable(
  "breaker_events",
  {
    id: integer("id").primaryKey(),
    at: integer("at").notNull(),
    /** "<providerId>:<modelId>" */
    target: text("target").notNull(),
    providerId: text("provider_id").notNull(),
    modelId: text("model_id").notNull(),
    /** consecutive failures when it opened */
    failures: integer("failures").notNull(),
  },
  (t) => [index("breaker_events_at_idx").on(t.at)],
);

export type UsageRollup = typeof usageRollups.$inferSelect;
export type RequestBody = typeof requestBodies.$inferSelect;
export type ApiLogSetting = typeof apiLogSettings.$inferSelect;
export type BreakerEvent = typeof breakerEvents.$inferSelect;
