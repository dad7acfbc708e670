import { pgTable, text, integer, bigint, boolean, uniqueIndex } from "drizzle-orm/pg-core";
import { json } from "./types";
import { PROMPT_OUTPUT_MODES, type PromptVariable, type PromptParams } from "../schema/prompts";
import { users } from "./identity";
import { apis } from "./access";

/**
 * The prompt behind an API of kind `prompt`: the editable draft, plus the
 * pointer to the version the endpoint serves.
 */
export const prompts = pgTable(
  "prompts",
  {
    id: text("id").primaryKey(),
    apiId: text("api_id")
      .notNull()
      .references(() => apis.id, { onDelete: "cascade" }),
    routeAlias: text("route_alias").notNull().default(""),
    params: json("params").$type<PromptParams>().notNull().default({}),
    systemPrompt: text("system_prompt").notNull().default(""),
    userTemplate: text("user_template").notNull().default(""),
    variables: json("variables").$type<PromptVariable[]>().notNull().default([]),
    outputMode: text("output_mode", { enum: PROMPT_OUTPUT_MODES }).notNull().default("text"),
    outputSchema: json("output_schema").$type<Record<string, unknown> | null>(),
    streaming: boolean("streaming").notNull().default(false),
    /** the version the endpoint serves (null until the first publish) */
    currentVersion: integer("current_version"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("prompts_api_uq").on(t.apiId)],
);

/** Immutable, numbered snapshots of a prompt (1, 2, 3 ...). */
export const promptVersions = pgTable(
  "prompt_versions",
  {
    id: text("id").primaryKey(),
    promptId: text("prompt_id")
      .notNull()
      .references(() => prompts.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    routeAlias: text("route_alias").notNull(),
    params: json("params").$type<PromptParams>().notNull(),
    systemPrompt: text("system_prompt").notNull(),
    userTemplate: text("user_template").notNull(),
    variables: json("variables").$type<PromptVariable[]>().notNull(),
    outputMode: text("output_mode", { enum: PROMPT_OUTPUT_MODES }).notNull(),
    outputSchema: json("output_schema").$type<Record<string, unknown> | null>(),
    streaming: boolean("streaming").notNull(),
    note: text("note").notNull().default(""),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("prompt_versions_prompt_version_uq").on(t.promptId, t.version)],
);
