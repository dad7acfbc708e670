import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";
import { apis } from "./access";

/** A tool as the upstream's tools/list described it (kept so the admin and portal can show schemas without a live call). */
export interface McpToolSpec {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/**
 * The upstream MCP server behind an API of kind `mcp` (one row per API).
 * The auth header value is encrypted like provider credentials (lib/secret.ts).
 */
export const mcpServers = sqliteTable("mcp_servers", {
  apiId: text("api_id")
    .primaryKey()
    .references(() => apis.id, { onDelete: "cascade" }),
  /** Streamable HTTP endpoint of the upstream server */
  url: text("url").notNull(),
  /** header carrying the credential, e.g. authorization or x-api-key; null = no auth */
  authHeader: text("auth_header"),
  /** AES-256-GCM of the full header value (e.g. "Bearer sk-..."); never returned */
  encryptedAuth: text("encrypted_auth"),
  authLast4: text("auth_last4"),
  timeoutMs: integer("timeout_ms").notNull().default(30_000),
  /** tools the API exposes; an upstream tool not listed here is hidden */
  allowedTools: text("allowed_tools", { mode: "json" }).$type<string[]>().notNull().default([]),
  /** per-tool calls per minute (tool name → limit), shared by every app calling the API */
  toolRateLimits: text("tool_rate_limits", { mode: "json" }).$type<Record<string, number>>().notNull().default({}),
  /** the upstream's tools/list at the last refresh */
  tools: text("tools", { mode: "json" }).$type<McpToolSpec[]>().notNull().default([]),
  toolsRefreshedAt: integer("tools_refreshed_at"),
  lastError: text("last_error"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export type McpServer = typeof mcpServers.$inferSelect;
