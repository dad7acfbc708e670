import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteWebhook, updateWebhook } from "@/lib/services/webhooks";

export const PATCH = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => updateWebhook({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "team_admin" }, async ({ actor, params }) => (await deleteWebhook({ actor, id: params.id! })));
