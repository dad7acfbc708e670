import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteApi, getApi, updateApi } from "@/lib/services/apis";

export const GET = route({ role: "team_admin" }, async ({ actor, params }) => (await getApi({ actor, id: params.id! })));
export const PATCH = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateApi({ actor, id: params.id!, input: body })));
/** Only drafts and APIs nobody subscribed to (409 otherwise: retire instead). */
export const DELETE = route({ role: "team_admin" }, async ({ actor, params }) => (await deleteApi({ actor, id: params.id! })));
