import { route } from "@/lib/api/handler";
import { pendingCount } from "@/lib/services/subscriptions";

/** Pending requests the caller may decide. */
export const GET = route({ role: "team_admin" }, async ({ actor }) => (await pendingCount({ actor })));
