import { z } from "zod";
import { route } from "@/lib/api/handler";
import { setApiState } from "@/lib/services/apis";

/** `{state}`; 409 for a move the lifecycle does not allow. */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await setApiState({ actor, id: params.id!, input: body })));
