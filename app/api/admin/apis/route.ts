import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createApi, listApis } from "@/lib/services/apis";

export const GET = route({ role: "team_admin" }, async ({ actor }) => (await listApis({ actor })));
/** Created in state `draft`; publish with POST /api/admin/apis/{id}/state. */
export const POST = route({ role: "team_admin", body: z.unknown(), status: 201 }, async ({ actor, body }) => (await createApi({ actor, input: body })));
