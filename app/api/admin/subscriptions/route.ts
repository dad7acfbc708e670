import { route } from "@/lib/api/handler";
import { listSubscriptions, listSubscriptionsQuery } from "@/lib/services/subscriptions";

/** `?state=&apiId=&teamId=&appId=&cursor=&limit=`, newest first. */
export const GET = route({ role: "team_admin", query: listSubscriptionsQuery }, async ({ actor, query }) => (await listSubscriptions({ actor, query })));
