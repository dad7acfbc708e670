import { sql } from "drizzle-orm";
import { pgTable, text, integer, bigint, boolean, doublePrecision, index, primaryKey, uniqueIndex } from "drizzle-orm/pg-core";
import { bigintNumber, hist } from "./telemetry";
import { ALERT_KINDS, ALERT_DIMENSIONS, ALERT_WEBHOOK_FORMATS, ALERT_STATES } from "../schema/alerts";
import { users } from "./identity";

/**
 * What a rule watches: all traffic, or one dimension — each value separately
 * (dimensionValue null: one alert per provider/route/API) or one value only.
 * error_rate/latency_p95: all | provider | route | api; circuit_open: all | provider;
 * budget: all | team | app | key.
 */

/** An alert rule defined in the admin UI. */
export const alertRules = pgTable("alert_rules", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ALERT_KINDS }).notNull(),
  enabled: boolean("enabled").notNull().default(true),
  /** error_rate: percent; latency_p95: milliseconds; budget: percent of the budget spent; circuit_open: unused */
  threshold: doublePrecision("threshold").notNull().default(0),
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
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/** One firing episode of a rule for one subject (provider, route, target, team...): firing → resolved. */
export const alertEvents = pgTable(
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
    value: doublePrecision("value"),
    lastValue: doublePrecision("last_value"),
    threshold: doublePrecision("threshold"),
    message: text("message").notNull(),
    startedAt: bigint("started_at", { mode: "number" }).notNull(),
    resolvedAt: bigint("resolved_at", { mode: "number" }),
    /** webhook delivery of the last transition */
    notifyStatus: integer("notify_status"),
    notifyError: text("notify_error"),
    notifiedAt: bigint("notified_at", { mode: "number" }),
  },
  (t) => [
    index("alert_events_state_started_idx").on(t.state, t.startedAt),
    index("alert_events_started_idx").on(t.startedAt),
    index("alert_events_rule_idx").on(t.ruleId, t.subject, t.state),
    // One open episode per (rule, subject): evaluators of several instances insert the same firing alert once.
    uniqueIndex("alert_events_firing_uq").on(t.ruleId, t.subject).where(sql`state = 'firing'`),
  ],
);

/** The shared alert windows (see lib/db/schema/alerts.ts). */
export const alertSlots = pgTable(
  "alert_slots",
  {
    subject: text("subject").notNull(),
    slot: bigintNumber("slot").notNull(),
    calls: bigintNumber("calls").notNull().default(0),
    errors: bigintNumber("errors").notNull().default(0),
    latN: bigintNumber("lat_n").notNull().default(0),
    ...hist("h"),
  },
  (t) => [primaryKey({ columns: [t.subject, t.slot] }), index("alert_slots_slot_idx").on(t.slot)],
);
