import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createAppKey, listAppKeys } from "@/lib/services/keys";

export const GET = route({ role: "member" }, ({ actor, params }) => listAppKeys({ actor, appId: params.id! }));
/** The response carries the plaintext key once (`key`); it is never shown again. */
export const POST = route({ role: "member", body: z.unknown(), status: 201 }, ({ actor, params, body }) => createAppKey({ actor, appId: params.id!, input: body }));
