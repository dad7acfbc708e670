import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createBudget, listBudgets } from "@/lib/policy/services";

const query = z.object({ scope: z.enum(["key", "app", "team"]).optional(), scopeId: z.string().max(200).optional() });

/** Budgets the caller administers with their spend in the current UTC period. */
export const GET = route({ role: "team_admin", query }, async ({ actor, query }) => (await listBudgets({ actor, ...query })));
/** `{scope: team|app|key, scopeId, period: day|month, limitUsd, thresholds?: [50, 80, 100]}` */
export const POST = route({ role: "team_admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createBudget({ actor, input: body })));
