import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getKey, revokeKey, updateKey } from "@/lib/services/keys";

export const GET = route({ role: "admin" }, ({ actor, params }) => getKey({ actor, id: params.id! }));
export const PATCH = route({ role: "admin", body: z.unknown() }, ({ actor, params, body }) => updateKey({ actor, id: params.id!, input: body }));
/** Revokes (sets revokedAt); the row stays for the logs that reference it. */
export const DELETE = route({ role: "admin" }, ({ actor, params }) => revokeKey({ actor, id: params.id! }));
