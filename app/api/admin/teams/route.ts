import { route } from "@/lib/api/handler";
import { createTeam, listTeams } from "@/lib/services/teams";
import { z } from "zod";

export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listTeams({ actor })));
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createTeam({ actor, input: body })));
