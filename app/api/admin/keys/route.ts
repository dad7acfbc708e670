import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createKey, listKeys } from "@/lib/services/keys";

export const GET = route({ role: "admin" }, async ({ actor }) => (await listKeys({ actor })));
/** `{appId, name, expiresInDays?}` (the key's team is the app's). The response carries the plaintext key once (`key`). */
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createKey({ actor, input: body })));
