import { route } from "@/lib/api/handler";
import { refreshMcpTools } from "@/lib/services/mcp-servers";

/** Calls tools/list on the upstream and stores the tools with their schemas (502 with the reason when it fails). */
export const POST = route({ role: "team_admin" }, ({ actor, params }) => refreshMcpTools({ actor, apiId: params.id! }));
