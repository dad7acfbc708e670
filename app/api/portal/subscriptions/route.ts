import { z } from "zod";
import { route } from "@/lib/api/handler";
import { requestSubscription } from "@/lib/services/subscriptions";

/** `{appId, apiId, reason?}` → pending (or approved at once for auto-approval APIs). */
export const POST = route({ role: "member", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await requestSubscription({ actor, input: body })));
