/** Client-side shapes of the MCP JSON routes (lib/services/mcp-servers.ts). */
import type { JsonSchema } from "@/lib/mcp/schema-form";

export interface McpTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
}

export interface McpServerView {
  apiId: string;
  url: string;
  authHeader: string | null;
  authLast4: string | null;
  timeoutMs: number;
  allowedTools: string[];
  toolRateLimits: Record<string, number>;
  tools: (McpTool & { allowed: boolean })[];
  toolsRefreshedAt: number | null;
  lastError: string | null;
}

export const mcpKeys = {
  server: (apiId: string) => ["mcp-server", apiId] as const,
  catalog: (slug: string) => ["mcp-catalog-tools", slug] as const,
};
