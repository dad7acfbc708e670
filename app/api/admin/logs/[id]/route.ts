import { route } from "@/lib/api/handler";
import { getLogDetail } from "@/lib/services/logs";

/** Every field of one call, its attempt chain and stored bodies. */
export const GET = route({ role: "team_admin" }, async ({ actor, params }) => (await getLogDetail({ actor, id: params.id! })));
