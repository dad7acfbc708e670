import { pgTable, text, integer, bigint, boolean, index, uniqueIndex } from "drizzle-orm/pg-core";
import { json } from "./types";
import { API_KINDS, API_STATES, APPROVAL_MODES, VISIBILITIES, SUBSCRIPTION_STATES } from "../schema/access";
import { sql } from "drizzle-orm";
import { users, teams } from "./identity";

/** An application of a team: it holds keys and subscriptions. */
export const apps = pgTable(
  "apps",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("apps_team_name_uq").on(t.teamId, t.name)],
);

/** A catalog entry: a product apps subscribe to. `llm` APIs expose route aliases under /v1; `mcp` APIs an upstream MCP server at /mcp/{slug} (lib/db/schema/mcp.ts). */
export const apis = pgTable(
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
    routeAliases: json("route_aliases").$type<string[]>().notNull().default([]),
    visibility: text("visibility", { enum: VISIBILITIES }).notNull().default("all"),
    visibleTeamIds: json("visible_team_ids").$type<string[]>().notNull().default([]),
    approvalMode: text("approval_mode", { enum: APPROVAL_MODES }).notNull().default("manual"),
    /** a reason is required when requesting a subscription */
    reasonRequired: boolean("reason_required").notNull().default(true),
    state: text("state", { enum: API_STATES }).notNull().default("draft"),
    tags: json("tags").$type<string[]>().notNull().default([]),
    docs: text("docs").notNull().default(""),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    deprecatedAt: bigint("deprecated_at", { mode: "number" }),
    retiredAt: bigint("retired_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("apis_slug_uq").on(t.slug), index("apis_team_idx").on(t.teamId)],
);

/** App × API. At most one live (pending or approved) subscription per pair. */
export const subscriptions = pgTable(
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
    requestedAt: bigint("requested_at", { mode: "number" }).notNull(),
    decidedAt: bigint("decided_at", { mode: "number" }),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    uniqueIndex("subscriptions_live_uq").on(t.appId, t.apiId).where(sql`state IN ('pending', 'approved')`),
    index("subscriptions_api_state_idx").on(t.apiId, t.state),
    index("subscriptions_state_idx").on(t.state, t.requestedAt),
  ],
);

/** Outgoing webhooks (HMAC-signed JSON) for subscription requests and decisions. */
export const webhooks = pgTable("webhooks", {
  id: text("id").primaryKey(),
  /** null: platform-wide; else only events of APIs this team owns */
  teamId: text("team_id").references(() => teams.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  encryptedSecret: text("encrypted_secret").notNull(),
  events: json("events").$type<string[]>().notNull().default([]),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  lastStatus: integer("last_status"),
  lastError: text("last_error"),
  lastDeliveredAt: bigint("last_delivered_at", { mode: "number" }),
});
