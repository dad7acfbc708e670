import { route } from "@/lib/api/handler";
import { listAllApps } from "@/lib/services/apps";

/** All apps (admin) or those of the teams the caller administers (team admin). */
export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listAllApps({ actor })));
