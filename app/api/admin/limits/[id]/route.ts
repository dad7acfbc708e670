import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteLimit, updateLimit } from "@/lib/policy/services";

/** `{requestsPerMinute?, tokensPerMinute?, burst?}` (null clears one) */
export const PATCH = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => updateLimit({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "team_admin" }, ({ actor, params }) => deleteLimit({ actor, id: params.id! }));
