import { pgTable, text, bigint } from "drizzle-orm/pg-core";
import { json } from "./types";
import { type McpToolSpec } from "../schema/mcp";
import { apis } from "./access";

/**
 * The upstream MCP server behind an API of kind `mcp` (one row per API).
 * The auth header value is encrypted like provider credentials (lib/secret.ts).
 */
export const mcpServers = pgTable("mcp_servers", {
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
  timeoutMs: bigint("timeout_ms", { mode: "number" }).notNull().default(30_000),
  /** tools the API exposes; an upstream tool not listed here is hidden */
  allowedTools: json("allowed_tools").$type<string[]>().notNull().default([]),
  /** per-tool calls per minute (tool name → limit), shared by every app calling the API */
  toolRateLimits: json("tool_rate_limits").$type<Record<string, number>>().notNull().default({}),
  /** the upstream's tools/list at the last refresh */
  tools: json("tools").$type<McpToolSpec[]>().notNull().default([]),
  toolsRefreshedAt: bigint("tools_refreshed_at", { mode: "number" }),
  lastError: text("last_error"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});
