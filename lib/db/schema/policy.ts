import { sqliteTable, text, integer, real, uniqueIndex, primaryKey, index } from "drizzle-orm/sqlite-core";

/** Traffic policy: rate limits, budgets, the spend ledger and budget notifications (docs/traffic-policy.md). */

export const LIMIT_SCOPES = ["key", "app", "team", "api", "route"] as const;
export type LimitScope = (typeof LIMIT_SCOPES)[number];
export const BUDGET_SCOPES = ["team", "app", "key"] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ["day", "month"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** A token-bucket policy for one key, app, team or route (route = global across callers). */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    id: text("id").primaryKey(),
    scope: text("scope", { enum: LIMIT_SCOPES }).notNull(),
    /** key id, app id, team id or route id */
    scopeId: text("scope_id").notNull(),
    requestsPerMinute: integer("requests_per_minute"),
    tokensPerMinute: integer("tokens_per_minute"),
    /** request bucket capacity (default: requestsPerMinute) */
    burst: integer("burst"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("rate_limits_scope_uq").on(t.scope, t.scopeId)],
);

/** A USD budget per team, app or key and period (UTC day or month). */
export const budgets = sqliteTable(
  "budgets",
  {
    id: text("id").primaryKey(),
    scope: text("scope", { enum: BUDGET_SCOPES }).notNull(),
    scopeId: text("scope_id").notNull(),
    period: text("period", { enum: BUDGET_PERIODS }).notNull(),
    limitUsd: real("limit_usd").notNull(),
    /** soft thresholds in percent of the limit that notify once per period */
    thresholds: text("thresholds", { mode: "json" }).$type<number[]>().notNull().default([50, 80, 100]),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("budgets_scope_period_uq").on(t.scope, t.scopeId, t.period)],
);

/** Spend per scope and period, added to from the request-log writer's flush (survives restarts). */
export const spendLedger = sqliteTable(
  "spend_ledger",
  {
    scope: text("scope", { enum: BUDGET_SCOPES }).notNull(),
    scopeId: text("scope_id").notNull(),
    period: text("period", { enum: BUDGET_PERIODS }).notNull(),
    /** UTC start of the period (ms) */
    periodStart: integer("period_start").notNull(),
    spendUsd: real("spend_usd").notNull().default(0),
    requests: integer("requests").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId, t.period, t.periodStart] })],
);

/** In-app notification: a budget crossed one of its thresholds in a period (once per threshold and period). */
export const budgetNotifications = sqliteTable(
  "budget_notifications",
  {
    id: text("id").primaryKey(),
    budgetId: text("budget_id")
      .notNull()
      .references(() => budgets.id, { onDelete: "cascade" }),
    teamId: text("team_id"),
    periodStart: integer("period_start").notNull(),
    threshold: integer("threshold").notNull(),
    spendUsd: real("spend_usd").notNull(),
    limitUsd: real("limit_usd").notNull(),
    at: integer("at").notNull(),
    readAt: integer("read_at"),
  },
  (t) => [uniqueIndex("budget_notifications_once_uq").on(t.budgetId, t.periodStart, t.threshold), index("budget_notifications_team_idx").on(t.teamId, t.at)],
);

export type RateLimit = typeof rateLimits.$inferSelect;
export type Budget = typeof budgets.$inferSelect;
export type SpendLedgerRow = typeof spendLedger.$inferSelect;
export type BudgetNotification = typeof budgetNotifications.$inferSelect;
