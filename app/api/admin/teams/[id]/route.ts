import { route } from "@/lib/api/handler";
import { getTeam, updateTeam } from "@/lib/services/teams";
import { z } from "zod";

export const GET = route({ role: "team_admin" }, ({ actor, params }) => getTeam({ actor, id: params.id! }));
export const PATCH = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => updateTeam({ actor, id: params.id!, input: body }));
