import { z } from "zod";
import { route } from "@/lib/api/handler";
import { createAlertRule, listAlertRules } from "@/lib/alerts/rules";

export const GET = route({ role: "admin" }, async ({ actor }) => (await listAlertRules({ actor })));
/** `{name, kind, threshold, windowMinutes?, minRequests?, dimension?, dimensionValue?, enabled?, webhookUrl?, webhookFormat?, webhookSecret?}` */
export const POST = route({ role: "admin", body: z.unknown(), status: 201 }, ({ actor, body }) => createAlertRule({ actor, input: body }));
