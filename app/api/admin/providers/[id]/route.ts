import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteProvider, getProvider, updateProvider } from "@/lib/services/providers";

export const GET = route({ role: "admin" }, async ({ actor, params }) => (await getProvider({ actor, id: params.id! })));
export const PATCH = route({ role: "admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateProvider({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await deleteProvider({ actor, id: params.id! })));
