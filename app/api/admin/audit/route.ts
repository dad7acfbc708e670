import { z } from "zod";
import { route } from "@/lib/api/handler";
import { listAudit } from "@/lib/services/audit";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d+$/).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  teamId: z.string().max(50).optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  /** the rows of one configuration apply (docs/config-as-code.md) */
  changeSet: z.string().max(50).optional(),
});

export const GET = route({ role: "team_admin", query }, async ({ actor, query }) => (await listAudit(actor, query)));
