import { route } from "@/lib/api/handler";
import { listAlerts, listAlertsQuery } from "@/lib/alerts/rules";

/** Alert history, newest first: `?state=firing|resolved&ruleId=&limit=&cursor=`. */
export const GET = route({ role: "admin", query: listAlertsQuery }, async ({ actor, query }) => (await listAlerts({ actor, query })));
