import { route } from "@/lib/api/handler";
import { listBudgetNotifications } from "@/lib/policy/services";

/** In-app budget notifications (thresholds crossed), newest first. */
export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listBudgetNotifications({ actor })));
