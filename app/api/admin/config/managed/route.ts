import { route } from "@/lib/api/handler";
import { listManaged } from "@/lib/config/service";

/** Objects the last configuration apply declared (the dashboard's "managed by config file" badge). */
export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listManaged({ actor })));
