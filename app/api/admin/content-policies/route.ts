import { z } from "zod";
import { route } from "@/lib/api/handler";
import { listContentPolicies, upsertContentPolicy } from "@/lib/services/content-policies";

export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listContentPolicies({ actor })));
/** Creates the scope's policy, or replaces it when the scope already has one (201 on create). */
export const POST = route({ role: "team_admin", body: z.unknown() }, async ({ actor, body }) => {
  const { created, ...view } = (await upsertContentPolicy({ actor, input: body }));
  return Response.json(view, { status: created ? 201 : 200 });
});
