import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteDetector, updateDetector } from "@/lib/services/content-policies";

export const PATCH = route({ role: "admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateDetector({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await deleteDetector({ actor, id: params.id! })));
