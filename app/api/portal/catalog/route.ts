import { route } from "@/lib/api/handler";
import { catalogQuery, listCatalog } from "@/lib/services/apis";

/** Published and deprecated APIs visible to the caller's teams; `?q=` searches, `?tag=` filters. */
export const GET = route({ role: "member", query: catalogQuery }, async ({ actor, query }) => (await listCatalog({ actor, query })));
