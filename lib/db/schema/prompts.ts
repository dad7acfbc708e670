import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { apis } from "./access";

export const PROMPT_VARIABLE_TYPES = ["string", "number", "boolean", "enum"] as const;
export type PromptVariableType = (typeof PROMPT_VARIABLE_TYPES)[number];
export const PROMPT_OUTPUT_MODES = ["text", "json"] as const;
export type PromptOutputMode = (typeof PROMPT_OUTPUT_MODES)[number];

/** One declared `{{variable}}` of a prompt template. */
export interface PromptVariable {
  name: string;
  type: PromptVariableType;
  required: boolean;
  /** used when the caller omits an optional variable */
  default?: string | number | boolean | null;
  description?: string;
  /** string/enum: maximum characters of the value */
  maxLength?: number | null;
  /** enum: the allowed values */
  enumValues?: string[];
}

/** Model parameters a prompt runs with (a subset of Chat Completions). */
export interface PromptParams {
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  seed?: number | null;
  stop?: string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
}

/** Everything a published version freezes. */
export interface PromptSpec {
  routeAlias: string;
  params: PromptParams;
  systemPrompt: string;
  userTemplate: string;
  variables: PromptVariable[];
  outputMode: PromptOutputMode;
  outputSchema: Record<string, unknown> | null;
  streaming: boolean;
}

/**
 * The prompt behind an API of kind `prompt`: the editable draft, plus the
 * pointer to the version the endpoint serves.
 */
export const prompts = sqliteTable(
  "prompts",
  {
    id: text("id").primaryKey(),
    apiId: text("api_id")
      .notNull()
      .references(() => apis.id, { onDelete: "cascade" }),
    routeAlias: text("route_alias").notNull().default(""),
    params: text("params", { mode: "json" }).$type<PromptParams>().notNull().default({}),
    systemPrompt: text("system_prompt").notNull().default(""),
    userTemplate: text("user_template").notNull().default(""),
    variables: text("variables", { mode: "json" }).$type<PromptVariable[]>().notNull().default([]),
    outputMode: text("output_mode", { enum: PROMPT_OUTPUT_MODES }).notNull().default("text"),
    outputSchema: text("output_schema", { mode: "json" }).$type<Record<string, unknown> | null>(),
    streaming: integer("streaming", { mode: "boolean" }).notNull().default(false),
    /** the version the endpoint serves (null until the first publish) */
    currentVersion: integer("current_version"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("prompts_api_uq").on(t.apiId)],
);

/** Immutable, numbered snapshots of a prompt (1, 2, 3 ...). */
export const promptVersions = sqliteTable(
  "prompt_versions",
  {
    id: text("id").primaryKey(),
    promptId: text("prompt_id")
      .notNull()
      .references(() => prompts.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    routeAlias: text("route_alias").notNull(),
    params: text("params", { mode: "json" }).$type<PromptParams>().notNull(),
    systemPrompt: text("system_prompt").notNull(),
    userTemplate: text("user_template").notNull(),
    variables: text("variables", { mode: "json" }).$type<PromptVariable[]>().notNull(),
    outputMode: text("output_mode", { enum: PROMPT_OUTPUT_MODES }).notNull(),
    outputSchema: text("output_schema", { mode: "json" }).$type<Record<string, unknown> | null>(),
    streaming: integer("streaming", { mode: "boolean" }).notNull(),
    note: text("note").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("prompt_versions_prompt_version_uq").on(t.promptId, t.version)],
);

export type Prompt = typeof prompts.$inferSelect;
export type PromptVersion = typeof promptVersions.$inferSelect;
