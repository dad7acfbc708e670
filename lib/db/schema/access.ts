import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { users, teams } from "./identity";

/** An application of a team: it holds keys and subscriptions. */
export const apps = sqliteTable(
  "apps",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("apps_team_name_uq").on(t.teamId, t.name)],
);

export const API_KINDS = ["llm", "prompt", "mcp"] as const;
export const API_STATES = ["draft", "published", "deprecated", "retired"] as const;
export const APPROVAL_MODES = ["auto", "manual"] as const;
export const VISIBILITIES = ["all", "teams"] as const;
export type ApiState = (typeof API_STATES)[number];

/** A catalog entry: a product apps subscribe to. `llm` APIs expose route aliases under /v1; `mcp` APIs an upstream MCP server at /mcp/{slug} (lib/db/schema/mcp.ts). */
export const apis = sqliteTable(
  "apis",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: API_KINDS }).notNull().default("llm"),
    /** llm: the route aliases this API exposes */
    routeAliases: text("route_aliases", { mode: "json" }).$type<string[]>().notNull().default([]),
    visibility: text("visibility", { enum: VISIBILITIES }).notNull().default("all"),
    visibleTeamIds: text("visible_team_ids", { mode: "json" }).$type<string[]>().notNull().default([]),
    approvalMode: text("approval_mode", { enum: APPROVAL_MODES }).notNull().default("manual"),
    /** a reason is required when requesting a subscription */
    reasonRequired: integer("reason_required", { mode: "boolean" }).notNull().default(true),
    state: text("state", { enum: API_STATES }).notNull().default("draft"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    docs: text("docs").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deprecatedAt: integer("deprecated_at"),
    retiredAt: integer("retired_at"),
  },
  (t) => [uniqueIndex("apis_slug_uq").on(t.slug), index("apis_team_idx").on(t.teamId)],
);

export const SUBSCRIPTION_STATES = ["pending", "approved", "rejected", "revoked", "cancelled"] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** App × API. At most one live (pending or approved) subscription per pair. */
export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    appId: text("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    apiId: text("api_id")
      .notNull()
      .references(() => apis.id, { onDelete: "cascade" }),
    state: text("state", { enum: SUBSCRIPTION_STATES }).notNull(),
    reason: text("reason").notNull().default(""),
    decisionNote: text("decision_note"),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    requestedAt: integer("requested_at").notNull(),
    decidedAt: integer("decided_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("subscriptions_live_uq").on(t.appId, t.apiId).where(sql`state IN ('pending', 'approved')`),
    index("subscriptions_api_state_idx").on(t.apiId, t.state),
    index("subscriptions_state_idx").on(t.state, t.requestedAt),
  ],
);

/** Outgoing webhooks (HMAC-signed JSON) for subscription requests and decisions. */
export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  /** null: platform-wide; else only events of APIs this team owns */
  teamId: text("team_id").references(() => teams.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  encryptedSecret: text("encrypted_secret").notNull(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull().default([]),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  lastStatus: integer("last_status"),
  lastError: text("last_error"),
  lastDeliveredAt: integer("last_delivered_at"),
});

export type App = typeof apps.$inferSelect;
export type Api = typeof apis.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
