import { z } from "zod";
import { route } from "@/lib/api/handler";
import { approveSubscription } from "@/lib/services/subscriptions";

/** `{note?}`; 409 when the subscription is not in a state this move applies to. */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await approveSubscription({ actor, id: params.id!, input: body })));
