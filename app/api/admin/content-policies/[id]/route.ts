import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteContentPolicy, updateContentPolicy } from "@/lib/services/content-policies";

export const PATCH = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateContentPolicy({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "team_admin" }, async ({ actor, params }) => (await deleteContentPolicy({ actor, id: params.id! })));
