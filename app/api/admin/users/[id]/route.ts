import { route } from "@/lib/api/handler";
import { getUser, updateUser } from "@/lib/services/users";
import { z } from "zod";

export const GET = route({ role: "admin" }, async ({ actor, params }) => (await getUser({ actor, id: params.id! })));
export const PATCH = route({ role: "admin", body: z.unknown() }, ({ actor, params, body }) => updateUser({ actor, id: params.id!, input: body }));
