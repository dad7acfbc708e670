import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createKey, listKeys } from "@/lib/services/keys";

export const GET = route({ role: "admin" }, ({ actor }) => listKeys({ actor }));
/** `{appId, name, expiresInDays?}` (the key's team is the app's). The response carries the plaintext key once (`key`). */
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, ({ actor, body }) => createKey({ actor, input: body }));
