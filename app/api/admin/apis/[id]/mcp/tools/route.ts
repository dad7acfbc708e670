import { z } from "zod";
import { route } from "@/lib/api/handler";
import { setMcpAllowlist } from "@/lib/services/mcp-servers";

/** `{allowedTools, toolRateLimits?}`: the tools the API exposes (others stay hidden). */
export const PUT = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await setMcpAllowlist({ actor, apiId: params.id!, input: body })));
