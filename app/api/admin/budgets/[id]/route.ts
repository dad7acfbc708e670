import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteBudget, updateBudget } from "@/lib/policy/services";

/** `{limitUsd?, thresholds?}` */
export const PATCH = route({ role: "team_admin", body: z.unknown() }, async ({ actor, params, body }) => (await updateBudget({ actor, id: params.id!, input: body })));
export const DELETE = route({ role: "team_admin" }, async ({ actor, params }) => (await deleteBudget({ actor, id: params.id! })));
