import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createLimit, listLimits } from "@/lib/policy/services";

const query = z.object({ scope: z.enum(["key", "app", "team", "route"]).optional(), scopeId: z.string().max(200).optional() });

/** Rate limits the caller administers, optionally of one scope (`?scope=team&scopeId=...`). */
export const GET = route({ role: "team_admin", query }, async ({ actor, query }) => (await listLimits({ actor, ...query })));
/** `{scope: key|app|team|route, scopeId, requestsPerMinute?, tokensPerMinute?, burst?}` */
export const POST = route({ role: "team_admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createLimit({ actor, input: body })));
