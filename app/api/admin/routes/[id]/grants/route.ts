import { z } from "zod";
import { route } from "@/lib/api/handler";
import { setRouteGrants } from "@/lib/services/routes";

/** `{teamIds}`: the teams (besides the owner) that may expose this route in their APIs. */
export const PUT = route({ role: "admin", body: z.unknown() }, async ({ actor, params, body }) => (await setRouteGrants({ actor, id: params.id!, input: body })));
