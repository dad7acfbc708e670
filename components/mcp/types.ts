/** Client-side shapes of the MCP JSON routes: `z.infer` of the route contracts (lib/contracts/mcp.ts). */
export type { McpTool, McpServerView, McpCatalogTools } from "@/lib/contracts/mcp";

export const mcpKeys = {
  server: (apiId: string) => ["mcp-server", apiId] as const,
  catalog: (slug: string) => ["mcp-catalog-tools", slug] as const,
};
