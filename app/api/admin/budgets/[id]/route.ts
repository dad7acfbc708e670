import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteBudget, updateBudget } from "@/lib/policy/services";

/** `{limitUsd?, thresholds?}` */
export const PATCH = route({ role: "team_admin", body: z.unknown() }, ({ actor, params, body }) => updateBudget({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "team_admin" }, ({ actor, params }) => deleteBudget({ actor, id: params.id! }));
