import { route } from "@/lib/api/handler";
import { getTeam, updateTeam } from "@/lib/services/teams";
import { z } from "zod";

export const GET = route({ role: "team_admin" }, async ({ actor, params }) => (await getTeam({ actor, id: params.id! })));
export const PATCH = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateTeam({ actor, id: params.id!, input: body })));
