import { z } from "zod";
import { route } from "@/lib/api/handler";
import { deleteAlertRule, getAlertRule, updateAlertRule } from "@/lib/alerts/rules";

export const GET = route({ role: "admin" }, async ({ actor, params }) => (await getAlertRule({ actor, id: params.id! })));
export const PATCH = route({ role: "admin", body: z.unknown() }, ({ actor, params, body }) => updateAlertRule({ actor, id: params.id!, input: body }));
export const DELETE = route({ role: "admin" }, async ({ actor, params }) => (await deleteAlertRule({ actor, id: params.id! })));
