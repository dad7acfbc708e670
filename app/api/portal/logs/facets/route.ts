import { route } from "@/lib/api/handler";
import { logFacets } from "@/lib/services/logs";

export const GET = route({ role: "member" }, async ({ actor }) => (await logFacets({ actor, portal: true })));
