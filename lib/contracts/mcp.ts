/** Response contracts of the MCP routes (/api/admin/apis/{id}/mcp*, /api/portal/apis/{slug}/mcp-tools). Pure zod. */
import { z } from "zod";
import { tsOrNull } from "./common";

export const mcpToolSchema = z.strictObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});

/** The credential is write-only: its last 4 characters at most. */
export const mcpServerViewSchema = z.strictObject({
  apiId: z.string(),
  url: z.string(),
  authHeader: z.string().nullable(),
  /** last 4 characters of the credential, or null when none is stored */
  authLast4: z.string().nullable(),
  timeoutMs: z.number().int(),
  allowedTools: z.array(z.string()),
  toolRateLimits: z.record(z.string(), z.number().int()),
  tools: z.array(mcpToolSchema.extend({ allowed: z.boolean() })),
  toolsRefreshedAt: tsOrNull(),
  lastError: z.string().nullable(),
});
export const mcpServerResponseSchema = z.strictObject({ server: mcpServerViewSchema.nullable() });
export const mcpCatalogToolsSchema = z.strictObject({ endpoint: z.string(), tools: z.array(mcpToolSchema) });

export type McpTool = z.infer<typeof mcpToolSchema>;
export type McpServerView = z.infer<typeof mcpServerViewSchema>;
export type McpCatalogTools = z.infer<typeof mcpCatalogToolsSchema>;
