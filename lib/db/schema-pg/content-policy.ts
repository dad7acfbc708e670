import { pgTable, text, bigint, boolean, uniqueIndex } from "drizzle-orm/pg-core";
import { json } from "./types";
import { POLICY_SCOPES, PROMPT_MODES, RESPONSE_MODES, INJECTION_MODES, DETECTOR_KINDS } from "../schema/content-policy";
import { users } from "./identity";

/**
 * Response cache + content guard settings (docs/traffic-policy.md, "Response cache" and "Guards").
 * One row per scope: `global` (scopeId ''), an API (`api`, scopeId = apis.id) or a route
 * (`route`, scopeId = routes.id). The most specific row wins as a whole: route > API > global.
 */

export const contentPolicies = pgTable(
  "content_policies",
  {
    id: text("id").primaryKey(),
    scopeType: text("scope_type", { enum: POLICY_SCOPES }).notNull(),
    /** '' for global */
    scopeId: text("scope_id").notNull().default(""),
    cacheEnabled: boolean("cache_enabled").notNull().default(false),
    cacheTtlSeconds: bigint("cache_ttl_seconds", { mode: "number" }).notNull().default(300),
    /** serve streaming requests from a cached full answer (replayed as a stream) */
    cacheStreamReplay: boolean("cache_stream_replay").notNull().default(false),
    promptMode: text("prompt_mode", { enum: PROMPT_MODES }).notNull().default("off"),
    responseMode: text("response_mode", { enum: RESPONSE_MODES }).notNull().default("off"),
    injectionMode: text("injection_mode", { enum: INJECTION_MODES }).notNull().default("off"),
    /** detector names to run; null = every built-in and every enabled custom detector */
    detectors: json("detectors").$type<string[] | null>(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("content_policies_scope_uq").on(t.scopeType, t.scopeId)],
);

/** Admin-defined detectors: a regular expression, or a list of blocked terms. */
export const contentDetectors = pgTable(
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
    terms: json("terms").$type<string[]>().notNull().default([]),
    caseSensitive: boolean("case_sensitive").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("content_detectors_name_uq").on(t.name)],
);
