import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createAppKey, listAppKeys } from "@/lib/services/keys";

export const GET = route({ role: "member" }, async ({ actor, params }) => (await listAppKeys({ actor, appId: params.id! })));
/** The response carries the plaintext key once (`key`); it is never shown again. */
export const POST = route({ role: "member", body: z.unknown(), status: 201 }, async ({ actor, params, body }) => (await createAppKey({ actor, appId: params.id!, input: body })));
