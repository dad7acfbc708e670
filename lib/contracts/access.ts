/**
 * Response contracts of the access routes (docs/access.md): catalog, APIs, apps, subscriptions and
 * webhooks, admin and portal. Pure zod (no server imports), so client components may import it.
 */
import { z } from "zod";
import { keyViewSchema } from "./keys";
import { countSchema, listOf, okSchema, pageOf, ts, tsOrNull } from "./common";

export const apiKindSchema = z.enum(["llm", "prompt", "mcp"]);
export const apiStateSchema = z.enum(["draft", "published", "deprecated", "retired"]);
export const approvalModeSchema = z.enum(["auto", "manual"]);
export const visibilitySchema = z.enum(["all", "teams"]);
export const subscriptionStateSchema = z.enum(["pending", "approved", "rejected", "revoked", "cancelled"]);

export const apiCardSchema = z.strictObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  kind: apiKindSchema,
  state: apiStateSchema,
  approvalMode: approvalModeSchema,
  reasonRequired: z.boolean(),
  tags: z.array(z.string()),
  /** the model names an app calls (llm: the route aliases) */
  models: z.array(z.string()),
});

export const apiViewSchema = apiCardSchema.extend({
  visibility: visibilitySchema,
  visibleTeamIds: z.array(z.string()),
  docs: z.string(),
  routeAliases: z.array(z.string()),
  createdAt: ts(),
  updatedAt: ts(),
  deprecatedAt: tsOrNull(),
  retiredAt: tsOrNull(),
  /** approved subscriptions */
  subscriberCount: z.number().int(),
  pendingCount: z.number().int(),
});
export const apiListSchema = listOf(apiViewSchema);

export const subscriptionViewSchema = z.strictObject({
  id: z.string(),
  appId: z.string(),
  appName: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  apiId: z.string(),
  apiSlug: z.string(),
  apiName: z.string(),
  state: subscriptionStateSchema,
  reason: z.string(),
  decisionNote: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedByEmail: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedByEmail: z.string().nullable(),
  requestedAt: ts(),
  decidedAt: tsOrNull(),
});
export const subscriptionPageSchema = pageOf(subscriptionViewSchema);
export const bulkApproveResultSchema = z.strictObject({
  approved: z.array(subscriptionViewSchema),
  skipped: z.array(z.strictObject({ id: z.string(), reason: z.string() })),
});
export const pendingCountSchema = countSchema;

/** Portal: one API of the catalog with the caller's subscriptions to it. */
export const apiDetailSchema = apiCardSchema.extend({
  docs: z.string(),
  deprecatedAt: tsOrNull(),
  mySubscriptions: z.array(subscriptionViewSchema),
});
export const catalogSchema = z.strictObject({ items: z.array(apiCardSchema), tags: z.array(z.string()) });

export const appViewSchema = z.strictObject({
  id: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  name: z.string(),
  description: z.string(),
  ownerId: z.string().nullable(),
  createdAt: ts(),
  updatedAt: ts(),
  /** active (not revoked, not expired) keys */
  keyCount: z.number().int(),
  /** the newest subscription per API */
  subscriptions: z.array(z.strictObject({ id: z.string(), apiId: z.string(), apiSlug: z.string(), apiName: z.string(), state: subscriptionStateSchema })),
});
export const appListSchema = listOf(appViewSchema);
export const appDetailSchema = z.strictObject({
  app: appViewSchema,
  keys: z.array(keyViewSchema),
  subscriptions: z.array(subscriptionViewSchema),
});

/** The secret is write-only: the API never returns it. */
export const webhookViewSchema = z.strictObject({
  id: z.string(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: ts(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastDeliveredAt: tsOrNull(),
  /** the secret is write-only; this says one is set */
  hasSecret: z.literal(true),
});
export const webhookListSchema = listOf(webhookViewSchema);

export const deletedSchema = okSchema;

export type ApiKind = z.infer<typeof apiKindSchema>;
export type ApiState = z.infer<typeof apiStateSchema>;
export type ApprovalMode = z.infer<typeof approvalModeSchema>;
export type Visibility = z.infer<typeof visibilitySchema>;
export type SubscriptionState = z.infer<typeof subscriptionStateSchema>;
export type ApiCard = z.infer<typeof apiCardSchema>;
export type ApiView = z.infer<typeof apiViewSchema>;
export type ApiDetail = z.infer<typeof apiDetailSchema>;
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;
export type AppView = z.infer<typeof appViewSchema>;
export type AppDetail = z.infer<typeof appDetailSchema>;
export type WebhookView = z.infer<typeof webhookViewSchema>;
export type BulkApproveResult = z.infer<typeof bulkApproveResultSchema>;
