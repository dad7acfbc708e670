import { route } from "@/lib/api/handler";
import { logFacets } from "@/lib/services/logs";

/** Filter choices (teams, apps, keys, APIs, routes, models, providers) within the caller's scope. */
export const GET = route({ role: "team_admin" }, async ({ actor }) => (await logFacets({ actor })));
