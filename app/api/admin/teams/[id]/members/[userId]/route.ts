import { route } from "@/lib/api/handler";
import { removeMember, updateMember } from "@/lib/services/teams";
import { z } from "zod";

export const PATCH = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) =>
  (await updateMember({ actor, teamId: params.id!, userId: params.userId!, input: body })),
);
export const DELETE = route({ role: "team_admin" }, async ({ actor, params }) => (await removeMember({ actor, teamId: params.id!, userId: params.userId! })));
