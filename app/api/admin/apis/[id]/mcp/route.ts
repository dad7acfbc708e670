import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getMcpServer, putMcpServer } from "@/lib/services/mcp-servers";

/** The upstream MCP server of an API of kind mcp (null until set). The credential is never returned. */
export const GET = route({ role: "team_admin" }, async ({ actor, params }) => ({ server: (await getMcpServer({ actor, apiId: params.id! })) }));
/** `{url, authHeader?, authValue?, timeoutMs, allowedTools, toolRateLimits}`; 422 for a private upstream unless allowed. */
export const PUT = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => putMcpServer({ actor, apiId: params.id!, input: body }));
