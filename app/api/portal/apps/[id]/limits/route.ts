import { route } from "@/lib/api/handler";
import { getAppPolicies } from "@/lib/policy/services";

/** The rate limits and budgets (with spend and remaining) of the app, its keys and its team. */
export const GET = route({ role: "member" }, async ({ actor, params }) => (await getAppPolicies({ actor, appId: params.id! })));
