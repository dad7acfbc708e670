import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteRoute, getRoute, updateRoute } from "@/lib/services/routes";

export const GET = route({ role: "admin" }, ({ actor, params }) => getRoute({ actor, id: params.id! }));
export const PATCH = route({ role: "admin", body: z.unknown() }, ({ actor, params, body }) => updateRoute({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "admin" }, ({ actor, params }) => deleteRoute({ actor, id: params.id! }));
