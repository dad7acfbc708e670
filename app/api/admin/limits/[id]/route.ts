import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteLimit, updateLimit } from "@/lib/policy/services";

/** `{requestsPerMinute?, tokensPerMinute?, burst?}` (null clears one) */
export const PATCH = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateLimit({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "team_admin" }, async ({ actor, params }) => (await deleteLimit({ actor, id: params.id! })));
