/** Response contracts of /api/admin/config/* (docs/config-as-code.md). Pure zod. */
import { z } from "zod";
import { listOf, ts } from "./common";

export const changeKindSchema = z.enum(["team", "provider", "model", "route", "api", "limit", "budget", "detector", "policy", "alert_rule", "webhook"]);
export const configChangeSchema = z.strictObject({
  op: z.enum(["create", "update", "delete"]),
  kind: changeKindSchema,
  /** natural key without the kind: "openai", "openai/gpt-4o-mini", "chat-default" */
  name: z.string(),
  /** where the object is in the file (absent for deletes) */
  path: z.string().optional(),
  fields: z.array(z.strictObject({ field: z.string(), before: z.unknown(), after: z.unknown() })),
});
/** `routes[2].targets[0].model` and what is wrong there */
export const configProblemSchema = z.strictObject({ path: z.string(), message: z.string() });
const planShape = {
  prune: z.boolean(),
  changes: z.array(configChangeSchema),
  problems: z.array(configProblemSchema),
  summary: z.strictObject({ create: z.number().int(), update: z.number().int(), delete: z.number().int() }),
  /** the plan rendered as text */
  diff: z.string(),
};
export const configPlanSchema = z.strictObject(planShape);
export const configApplySchema = z.strictObject({ ...planShape, changeSet: z.string().nullable() });
export const managedListSchema = listOf(z.strictObject({ kind: z.string(), key: z.string(), source: z.string(), appliedAt: ts() }));
/** A JSON Schema document */
export const jsonSchemaDocumentSchema = z.record(z.string(), z.unknown());

export type ManagedObject = z.infer<typeof managedListSchema>["items"][number];
export type ConfigChange = z.infer<typeof configChangeSchema>;
export type ConfigPlan = z.infer<typeof configPlanSchema>;
export type ConfigApply = z.infer<typeof configApplySchema>;
