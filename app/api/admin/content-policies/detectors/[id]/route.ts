import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteDetector, updateDetector } from "@/lib/services/content-policies";

export const PATCH = route({ role: "admin", body: z.unknown() }, ({ actor, params, body }) => updateDetector({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "admin" }, ({ actor, params }) => deleteDetector({ actor, id: params.id! }));
