import { route } from "@/lib/api/handler";
import { searchLogs } from "@/lib/services/logs";
import { logFilterSchema } from "@/lib/telemetry/search";

/** The signed-in developer's teams' calls only. */
export const GET = route({ role: "member", query: logFilterSchema }, async ({ actor, query }) => (await searchLogs({ actor, query, portal: true })));
