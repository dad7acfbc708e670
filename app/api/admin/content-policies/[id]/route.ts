import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteContentPolicy, updateContentPolicy } from "@/lib/services/content-policies";

export const PATCH = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => updateContentPolicy({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "team_admin" }, ({ actor, params }) => deleteContentPolicy({ actor, id: params.id! }));
