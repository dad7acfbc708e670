import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/**
 * Response cache + content guard settings (docs/traffic-policy.md, "Response cache" and "Guards").
 * One row per scope: `global` (scopeId ''), an API (`api`, scopeId = apis.id) or a route
 * (`route`, scopeId = routes.id). The most specific row wins as a whole: route > API > global.
 */
export const POLICY_SCOPES = ["global", "api", "route"] as const;
export const PROMPT_MODES = ["off", "redact", "block"] as const;
export const RESPONSE_MODES = ["off", "redact"] as const;
export const INJECTION_MODES = ["off", "flag", "block"] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];
export type PromptMode = (typeof PROMPT_MODES)[number];
export type ResponseMode = (typeof RESPONSE_MODES)[number];
export type InjectionMode = (typeof INJECTION_MODES)[number];

export const contentPolicies = sqliteTable(
  "content_policies",
  {
    id: text("id").primaryKey(),
    scopeType: text("scope_type", { enum: POLICY_SCOPES }).notNull(),
    /** '' for global */
    scopeId: text("scope_id").notNull().default(""),
    cacheEnabled: integer("cache_enabled", { mode: "boolean" }).notNull().default(false),
    cacheTtlSeconds: integer("cache_ttl_seconds").notNull().default(300),
    /** serve streaming requests from a cached full answer (replayed as a stream) */
    cacheStreamReplay: integer("cache_stream_replay", { mode: "boolean" }).notNull().default(false),
    promptMode: text("prompt_mode", { enum: PROMPT_MODES }).notNull().default("off"),
    responseMode: text("response_mode", { enum: RESPONSE_MODES }).notNull().default("off"),
    injectionMode: text("injection_mode", { enum: INJECTION_MODES }).notNull().default("off"),
    /** detector names to run; null = every built-in and every enabled custom detector */
    detectors: text("detectors", { mode: "json" }).$type<string[] | null>(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("content_policies_scope_uq").on(t.scopeType, t.scopeId)],
);

export const DETECTOR_KINDS = ["regex", "terms"] as const;

/** Admin-defined detectors: a regular expression, or a list of blocked terms. */
export const contentDetectors = sqliteTable(
  "content_detectors",
  {
    id: text("id").primaryKey(),
    /** lower-case slug; the placeholder type is its upper-case form ([EMPLOYEE_ID_1]) */
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    kind: text("kind", { enum: DETECTOR_KINDS }).notNull(),
    /** regex source (kind regex) */
    pattern: text("pattern"),
    /** blocked terms (kind terms), matched on word boundaries */
    terms: text("terms", { mode: "json" }).$type<string[]>().notNull().default([]),
    caseSensitive: integer("case_sensitive", { mode: "boolean" }).notNull().default(false),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("content_detectors_name_uq").on(t.name)],
);

export type ContentPolicy = typeof contentPolicies.$inferSelect;
export type ContentDetector = typeof contentDetectors.$inferSelect;
