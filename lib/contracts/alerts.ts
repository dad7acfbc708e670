/** Response contracts of /api/admin/alerts* (lib/alerts/rules.ts). Pure zod. */
import { z } from "zod";
import { countSchema, listOf, ts, tsOrNull } from "./common";

export const alertKindSchema = z.enum(["error_rate", "latency_p95", "circuit_open", "budget"]);
export const alertDimensionSchema = z.enum(["all", "provider", "route", "api", "team", "app", "key"]);

export const alertRuleRowSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: alertKindSchema,
  enabled: z.boolean(),
  threshold: z.number(),
  windowMinutes: z.number().int(),
  minRequests: z.number().int(),
  dimension: alertDimensionSchema,
  dimensionValue: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  webhookFormat: z.enum(["portico", "slack"]),
  /** the webhook secret is write-only */
  hasSecret: z.boolean(),
  createdAt: ts(),
  updatedAt: ts(),
  /** alerts of this rule firing now */
  firing: z.number().int(),
});
export const alertRuleListSchema = listOf(alertRuleRowSchema);

export const alertRowSchema = z.strictObject({
  id: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string(),
  kind: alertKindSchema,
  subject: z.string(),
  subjectLabel: z.string(),
  state: z.enum(["firing", "resolved"]),
  value: z.number().nullable(),
  lastValue: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string(),
  startedAt: ts(),
  resolvedAt: tsOrNull(),
  notifyStatus: z.number().int().nullable(),
  notifyError: z.string().nullable(),
  notifiedAt: tsOrNull(),
});
export const alertPageSchema = z.strictObject({ items: z.array(alertRowSchema), nextCursor: z.string().nullable(), firing: z.number().int() });
export const firingCountSchema = countSchema;
export const alertTestResultSchema = z.strictObject({ delivered: z.boolean(), status: z.number().int().nullable(), error: z.string().nullable() });

export type AlertKind = z.infer<typeof alertKindSchema>;
export type AlertDimension = z.infer<typeof alertDimensionSchema>;
export type AlertRuleRow = z.infer<typeof alertRuleRowSchema>;
export type AlertRow = z.infer<typeof alertRowSchema>;
