import { pgTable, text, integer, bigint, doublePrecision, index, uniqueIndex, primaryKey } from "drizzle-orm/pg-core";
import { json } from "./types";
import { LIMIT_SCOPES, BUDGET_SCOPES, BUDGET_PERIODS } from "../schema/policy";

/** Traffic policy: rate limits, budgets, the spend ledger and budget notifications (docs/traffic-policy.md). */

/** A token-bucket policy for one key, app, team or route (route = global across callers). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    id: text("id").primaryKey(),
    scope: text("scope", { enum: LIMIT_SCOPES }).notNull(),
    /** key id, app id, team id or route id */
    scopeId: text("scope_id").notNull(),
    requestsPerMinute: bigint("requests_per_minute", { mode: "number" }),
    tokensPerMinute: bigint("tokens_per_minute", { mode: "number" }),
    /** request bucket capacity (default: requestsPerMinute) */
    burst: bigint("burst", { mode: "number" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("rate_limits_scope_uq").on(t.scope, t.scopeId)],
);

/** A USD budget per team, app or key and period (UTC day or month). */
export const budgets = pgTable(
  "budgets",
  {
    id: text("id").primaryKey(),
    scope: text("scope", { enum: BUDGET_SCOPES }).notNull(),
    scopeId: text("scope_id").notNull(),
    period: text("period", { enum: BUDGET_PERIODS }).notNull(),
    limitUsd: doublePrecision("limit_usd").notNull(),
    /** soft thresholds in percent of the limit that notify once per period */
    thresholds: json("thresholds").$type<number[]>().notNull().default([50, 80, 100]),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("budgets_scope_period_uq").on(t.scope, t.scopeId, t.period)],
);

/** Spend per scope and period, added to from the request-log writer's flush (survives restarts). */
export const spendLedger = pgTable(
  "spend_ledger",
  {
    scope: text("scope", { enum: BUDGET_SCOPES }).notNull(),
    scopeId: text("scope_id").notNull(),
    period: text("period", { enum: BUDGET_PERIODS }).notNull(),
    /** UTC start of the period (ms) */
    periodStart: bigint("period_start", { mode: "number" }).notNull(),
    spendUsd: doublePrecision("spend_usd").notNull().default(0),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId, t.period, t.periodStart] })],
);

/** In-app notification: a budget crossed one of its thresholds in a period (once per threshold and period). */
export const budgetNotifications = pgTable(
  "budget_notifications",
  {
    id: text("id").primaryKey(),
    budgetId: text("budget_id")
      .notNull()
      .references(() => budgets.id, { onDelete: "cascade" }),
    teamId: text("team_id"),
    periodStart: bigint("period_start", { mode: "number" }).notNull(),
    threshold: integer("threshold").notNull(),
    spendUsd: doublePrecision("spend_usd").notNull(),
    limitUsd: doublePrecision("limit_usd").notNull(),
    at: bigint("at", { mode: "number" }).notNull(),
    readAt: bigint("read_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("budget_notifications_once_uq").on(t.budgetId, t.periodStart, t.threshold), index("budget_notifications_team_idx").on(t.teamId, t.at)],
);
