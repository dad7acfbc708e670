import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteModel, getModel, updateModel } from "@/lib/services/models";

export const GET = route({ role: "admin" }, async ({ actor, params }) => (await getModel({ actor, id: params.id! })));
export const PATCH = route({ role: "admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateModel({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await deleteModel({ actor, id: params.id! })));
