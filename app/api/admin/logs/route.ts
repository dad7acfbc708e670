import { route } from "@/lib/api/handler";
import { searchLogs } from "@/lib/services/logs";
import { logFilterSchema } from "@/lib/telemetry/search";

/** Filtered, cursor-paginated log search. team_admin and up; non-admins only see their teams' rows (in the SQL). */
export const GET = route({ role: "team_admin", query: logFilterSchema }, async ({ actor, query }) => (await searchLogs({ actor, query })));
