import { sql } from "drizzle-orm";
import { sqliteTable, text, integer, real, index, primaryKey, uniqueIndex } from "drizzle-orm/sqlite-core";
import { hist } from "./telemetry";
import { users } from "./identity";

export const ALERT_KINDS = ["error_rate", "latency_p95", "circuit_open", "budget"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * What a rule watches: all traffic, or one dimension — each value separately
 * (dimensionValue null: one alert per provider/route/API) or one value only.
 * error_rate/latency_p95: all | provider | route | api; circuit_open: all | provider;
 * budget: all | team | app | key.
 */
export const ALERT_DIMENSIONS = ["all", "provider", "route", "api", "team", "app", "key"] as const;
export type AlertDimension = (typeof ALERT_DIMENSIONS)[number];

export const ALERT_WEBHOOK_FORMATS = ["portico", "slack"] as const;
export type AlertWebhookFormat = (typeof ALERT_WEBHOOK_FORMATS)[number];

/** An alert rule defined in the admin UI. */
export const alertRules = sqliteTable("alert_rules", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ALERT_KINDS }).notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** error_rate: percent; latency_p95: milliseconds; budget: percent of the budget spent; circuit_open: unused */
  threshold: real("threshold").notNull().default(0),
  windowMinutes: integer("window_minutes").notNull().default(5),
  /** error_rate/latency_p95: below this many calls in the window the rule stays quiet */
  minRequests: integer("min_requests").notNull().default(20),
  dimension: text("dimension", { enum: ALERT_DIMENSIONS }).notNull().default("all"),
  dimensionValue: text("dimension_value"),
  webhookUrl: text("webhook_url"),
  webhookFormat: text("webhook_format", { enum: ALERT_WEBHOOK_FORMATS }).notNull().default("portico"),
  /** AES-256-GCM (lib/secret.ts); signs Portico-format deliveries; never returned */
  encryptedSecret: text("encrypted_secret"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const ALERT_STATES = ["firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One firing episode of a rule for one subject (provider, route, target, team...): firing → resolved. */
export const alertEvents = sqliteTable(
  "alert_events",
  {
    id: text("id").primaryKey(),
    /** null once the rule was deleted (the history stays) */
    ruleId: text("rule_id").references(() => alertRules.id, { onDelete: "set null" }),
    ruleName: text("rule_name").notNull(),
    kind: text("kind", { enum: ALERT_KINDS }).notNull(),
    /** the subject: "all", "provider:<id>", "route:<alias>", "target:<provider:model>", "team:<id>" ... */
    subject: text("subject").notNull(),
    /** display name of the subject */
    subjectLabel: text("subject_label").notNull(),
    state: text("state", { enum: ALERT_STATES }).notNull(),
    /** the measured value when it fired (percent, ms), and the latest one */
    value: real("value"),
    lastValue: real("last_value"),
    threshold: real("threshold"),
    message: text("message").notNull(),
    startedAt: integer("started_at").notNull(),
    resolvedAt: integer("resolved_at"),
    /** webhook delivery of the last transition */
    notifyStatus: integer("notify_status"),
    notifyError: text("notify_error"),
    notifiedAt: integer("notified_at"),
  },
  (t) => [
    index("alert_events_state_started_idx").on(t.state, t.startedAt),
    index("alert_events_started_idx").on(t.startedAt),
    index("alert_events_rule_idx").on(t.ruleId, t.subject, t.state),
    // One open episode per (rule, subject): evaluators of several instances insert the same firing alert once.
    uniqueIndex("alert_events_firing_uq").on(t.ruleId, t.subject).where(sql`state = 'firing'`),
  ],
);

/**
 * The alert windows every process feeds (lib/alerts/window.ts): per subject ("all",
 * "provider:<id>", "route:<alias>", "api:<id>") and 10-second slot, the calls, errors and a
 * latency histogram, added to by each log-writer flush and read by the evaluator, so the process
 * that evaluates judges the traffic of every worker and replica. Kept for an hour.
 */
export const alertSlots = sqliteTable(
  "alert_slots",
  {
    subject: text("subject").notNull(),
    /** floor(epoch ms / 10,000) */
    slot: integer("slot").notNull(),
    calls: integer("calls").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    /** successful calls with a latency in the histogram */
    latN: integer("lat_n").notNull().default(0),
    ...hist("h"),
  },
  (t) => [primaryKey({ columns: [t.subject, t.slot] }), index("alert_slots_slot_idx").on(t.slot)],
);

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertEvent = typeof alertEvents.$inferSelect;
