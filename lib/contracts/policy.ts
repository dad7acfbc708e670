/** Response contracts of /api/admin/limits, /api/admin/budgets and /api/portal/apps/{id}/limits. Pure zod. */
import { z } from "zod";
import { listOf, ts, tsOrNull } from "./common";

export const limitScopeSchema = z.enum(["key", "app", "team", "route", "api"]);
export const budgetScopeSchema = z.enum(["team", "app", "key"]);
export const budgetPeriodSchema = z.enum(["day", "month"]);

export const limitViewSchema = z.strictObject({
  id: z.string(),
  scope: limitScopeSchema,
  scopeId: z.string(),
  scopeName: z.string(),
  teamId: z.string().nullable(),
  requestsPerMinute: z.number().int().nullable(),
  tokensPerMinute: z.number().int().nullable(),
  burst: z.number().int().nullable(),
  createdAt: ts(),
  updatedAt: ts(),
});
export const limitListSchema = listOf(limitViewSchema);

const budgetSpendShape = {
  spentUsd: z.number(),
  remainingUsd: z.number(),
  percent: z.number(),
  periodStart: ts(),
  resetsAt: ts(),
};
export const budgetSpendSchema = z.strictObject(budgetSpendShape);

export const budgetViewSchema = z.strictObject({
  id: z.string(),
  scope: budgetScopeSchema,
  scopeId: z.string(),
  scopeName: z.string(),
  teamId: z.string().nullable(),
  period: budgetPeriodSchema,
  limitUsd: z.number(),
  thresholds: z.array(z.number()),
  createdAt: ts(),
  updatedAt: ts(),
  ...budgetSpendShape,
});
export const budgetListSchema = listOf(budgetViewSchema);

export const budgetNotificationViewSchema = z.strictObject({
  id: z.string(),
  budgetId: z.string(),
  scope: budgetScopeSchema,
  scopeId: z.string(),
  scopeName: z.string(),
  teamId: z.string().nullable(),
  period: budgetPeriodSchema,
  periodStart: ts(),
  threshold: z.number(),
  spendUsd: z.number(),
  limitUsd: z.number(),
  at: ts(),
  readAt: tsOrNull(),
});
export const budgetNotificationListSchema = listOf(budgetNotificationViewSchema);

const limitValuesSchema = z.strictObject({ requestsPerMinute: z.number().int().nullable(), tokensPerMinute: z.number().int().nullable(), burst: z.number().int().nullable() });
const policyEntryShape = {
  limit: limitValuesSchema.nullable(),
  budgets: z.array(z.strictObject({ id: z.string(), period: budgetPeriodSchema, limitUsd: z.number(), thresholds: z.array(z.number()), ...budgetSpendShape })),
};
export const policyEntrySchema = z.strictObject(policyEntryShape);
/** Portal: the limits and budgets that apply to an app's calls */
export const appPoliciesSchema = z.strictObject({
  /** global per-model limits of the routes the app may call, shared by every caller */
  routes: z.array(z.strictObject({ alias: z.string(), limit: limitValuesSchema })),
  apis: z.array(z.strictObject({ name: z.string(), limit: limitValuesSchema })),
  app: z.strictObject({ id: z.string(), name: z.string(), ...policyEntryShape }),
  team: z.strictObject({ id: z.string(), name: z.string(), ...policyEntryShape }),
  keys: z.array(z.strictObject({ id: z.string(), name: z.string(), prefix: z.string(), ...policyEntryShape })),
});

export type LimitScope = z.infer<typeof limitScopeSchema>;
export type BudgetScope = z.infer<typeof budgetScopeSchema>;
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;
export type LimitView = z.infer<typeof limitViewSchema>;
export type BudgetSpend = z.infer<typeof budgetSpendSchema>;
export type BudgetView = z.infer<typeof budgetViewSchema>;
export type PolicyEntry = z.infer<typeof policyEntrySchema>;
export type AppPolicies = z.infer<typeof appPoliciesSchema>;
export type BudgetNotificationView = z.infer<typeof budgetNotificationViewSchema>;
