import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getKey, revokeKey, updateKey } from "@/lib/services/keys";

export const GET = route({ role: "admin" }, async ({ actor, params }) => (await getKey({ actor, id: params.id! })));
export const PATCH = route({ role: "admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateKey({ actor, id: params.id!, input: body })));
/** Revokes (sets revokedAt); the row stays for the logs that reference it. */
export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await revokeKey({ actor, id: params.id! })));
