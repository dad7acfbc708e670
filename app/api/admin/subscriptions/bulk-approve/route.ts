import { z } from "zod";
import { route } from "@/lib/api/handler";
import { bulkApproveSubscriptions } from "@/lib/services/subscriptions";

/** `{ids, note?}` → `{approved, skipped: [{id, reason}]}`. */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, body }) => (await bulkApproveSubscriptions({ actor, input: body })));
