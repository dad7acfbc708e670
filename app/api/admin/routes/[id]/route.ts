import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteRoute, getRoute, updateRoute } from "@/lib/services/routes";

export const GET = route({ role: "admin" }, async ({ actor, params }) => (await getRoute({ actor, id: params.id! })));
export const PATCH = route({ role: "admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateRoute({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await deleteRoute({ actor, id: params.id! })));
