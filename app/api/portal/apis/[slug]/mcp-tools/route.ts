import { route } from "@/lib/api/handler";
import { getMcpCatalogTools } from "@/lib/services/mcp-servers";

/** The allowed tools (with input schemas) of an MCP API the caller can see, and its endpoint path. */
export const GET = route({ role: "member" }, async ({ actor, params }) => (await getMcpCatalogTools({ actor, slug: params.slug! })));
