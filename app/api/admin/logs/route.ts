import { z } from "zod";
import { route } from "@/lib/api/handler";
import { listRecentLogs } from "@/lib/services/logs";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** team_admin and up; the service limits non-admins to their teams' rows. */
export const GET = route({ role: "team_admin", query }, ({ actor, query }) => listRecentLogs({ actor, ...query }));
