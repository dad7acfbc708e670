import { route } from "@/lib/api/handler";
import { addMember, getTeam } from "@/lib/services/teams";
import { z } from "zod";

export const GET = route({ role: "team_admin" }, async ({ actor, params }) => ({ items: (await getTeam({ actor, id: params.id! })).members }));
export const POST = route({ role: "team_admin", body: z.unknown(), status: 201 }, async ({ actor, params, body }) => (await addMember({ actor, teamId: params.id!, input: body })));
