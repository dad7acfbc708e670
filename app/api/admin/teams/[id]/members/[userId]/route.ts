import { route } from "@/lib/api/handler";
import { removeMember, updateMember } from "@/lib/services/teams";
import { z } from "zod";

export const PATCH = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) =>
  updateMember({ actor, teamId: params.id!, userId: params.userId!, input: body }),
);
export const DELETE = route({ role: "team_admin" }, ({ actor, params }) => removeMember({ actor, teamId: params.id!, userId: params.userId! }));
