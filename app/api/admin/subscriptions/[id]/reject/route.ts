import { z } from "zod";
import { route } from "@/lib/api/handler";
import { rejectSubscription } from "@/lib/services/subscriptions";

/** `{note?}`; 409 when the subscription is not in a state this move applies to. */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await rejectSubscription({ actor, id: params.id!, input: body })));
