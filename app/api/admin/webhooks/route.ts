import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createWebhook, listWebhooks } from "@/lib/services/webhooks";

export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listWebhooks({ actor })));
/** `{url, secret, teamId?, events?, enabled?}`; the secret is never returned. */
export const POST = route({ role: "team_admin", body: z.unknown(), status: 201 }, ({ actor, body }) => createWebhook({ actor, input: body }));
