/**
 * Response schemas per admin/portal route (path template → method → schema), defined once: the admin
 * OpenAPI document takes its response bodies from here, the UI's types are `z.infer` of the same
 * schemas, and lib/contracts/*.test.ts parse what the services really return with them.
 * Pure zod (no server imports), so client components may import it.
 */
import type { ZodType } from "zod";
import { appKeyListSchema, createdAppKeySchema, keyViewSchema, rotatedAppKeySchema } from "./keys";
import { providerTestResultSchema } from "./providers";
import { okSchema } from "./common";
import {
  adminTokenListSchema,
  addedMemberSchema,
  auditPageSchema,
  createdAdminTokenSchema,
  meSchema,
  membershipSchema,
  teamBaseSchema,
  teamDetailSchema,
  teamListSchema,
  teamMemberListSchema,
  userDetailSchema,
  userPageSchema,
  userRowSchema,
} from "./admin";
import {
  apiDetailSchema,
  apiListSchema,
  apiViewSchema,
  appDetailSchema,
  appListSchema,
  appViewSchema,
  bulkApproveResultSchema,
  catalogSchema,
  pendingCountSchema,
  subscriptionPageSchema,
  subscriptionViewSchema,
  webhookListSchema,
  webhookViewSchema,
} from "./access";
import {
  breakerListSchema,
  createdFromPresetSchema,
  createdKeySchema,
  createdModelSchema,
  keyListSchema,
  keyRowSchema,
  modelListSchema,
  modelRowSchema,
  modelWithProviderSchema,
  presetListSchema,
  priceCatalogSchema,
  providerDetailSchema,
  providerListSchema,
  providerSchema,
  routeListSchema,
  routeRowSchema,
  routeTestResultSchema,
} from "./gateway";
import { appPoliciesSchema, budgetListSchema, budgetNotificationListSchema, budgetViewSchema, limitListSchema, limitViewSchema } from "./policy";
import { cachePurgedSchema, cacheStatsSchema, detectorViewSchema, policiesResponseSchema, policyViewSchema, previewResultSchema } from "./guards";
import { portalPromptDocSchema, promptVersionListSchema, promptViewSchema, publishedPromptSchema, tryResultSchema, versionDiffSchema } from "./prompts";
import { bodyCaptureResponseSchema, chartSchema, facetsSchema, logDetailSchema, logPageSchema, logSettingsSchema, retentionResponseSchema } from "./telemetry";
import { alertPageSchema, alertRuleListSchema, alertRuleRowSchema, alertTestResultSchema, firingCountSchema } from "./alerts";
import { mcpCatalogToolsSchema, mcpServerResponseSchema, mcpServerViewSchema } from "./mcp";
import { configApplySchema, configPlanSchema, jsonSchemaDocumentSchema, managedListSchema } from "./config";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * Routes that answer something other than JSON (downloads, streams): documented with their media
 * type instead of a schema.
 */
export const NON_JSON: Record<string, Partial<Record<Method, string>>> = {
  "/api/admin/logs/export": { get: "text/csv" },
  "/api/portal/logs/export": { get: "text/csv" },
  "/api/admin/config/export": { get: "application/yaml" },
  "/api/admin/openapi.json": { get: "application/json" },
};

export const RESPONSES: Record<string, Partial<Record<Method, ZodType>>> = {
  // identity (components/admin)
  "/api/me": { get: meSchema },
  "/api/admin/users": { get: userPageSchema, post: userRowSchema },
  "/api/admin/users/{id}": { get: userDetailSchema, patch: userRowSchema },
  "/api/admin/users/{id}/sign-out": { post: okSchema },
  "/api/admin/teams": { get: teamListSchema, post: teamBaseSchema },
  "/api/admin/teams/{id}": { get: teamDetailSchema, patch: teamBaseSchema },
  "/api/admin/teams/{id}/members": { get: teamMemberListSchema, post: addedMemberSchema },
  "/api/admin/teams/{id}/members/{userId}": { patch: membershipSchema, delete: okSchema },
  "/api/admin/audit": { get: auditPageSchema },
  "/api/admin/tokens": { get: adminTokenListSchema, post: createdAdminTokenSchema },
  "/api/admin/tokens/{id}": { delete: okSchema },
  "/api/portal/account/sign-out": { post: okSchema },

  // gateway (components/gateway)
  "/api/admin/providers": { get: providerListSchema, post: providerSchema },
  "/api/admin/providers/{id}": { get: providerDetailSchema, patch: providerSchema, delete: okSchema },
  "/api/admin/providers/{id}/test": { post: providerTestResultSchema },
  "/api/admin/providers/breakers": { get: breakerListSchema },
  "/api/admin/providers/presets": { get: presetListSchema, post: createdFromPresetSchema },
  "/api/admin/models": { get: modelListSchema, post: createdModelSchema },
  "/api/admin/models/{id}": { get: modelRowSchema, patch: modelWithProviderSchema, delete: okSchema },
  "/api/admin/pricing/catalog": { get: priceCatalogSchema },
  "/api/admin/routes": { get: routeListSchema, post: routeRowSchema },
  "/api/admin/routes/{id}": { get: routeRowSchema, patch: routeRowSchema, delete: okSchema },
  "/api/admin/routes/{id}/grants": { put: routeRowSchema },
  "/api/admin/routes/{id}/test": { post: routeTestResultSchema },
  "/api/admin/keys": { get: keyListSchema, post: createdKeySchema },
  "/api/admin/keys/{id}": { get: keyRowSchema, patch: keyRowSchema, delete: okSchema },

  // access (components/access)
  "/api/admin/apis": { get: apiListSchema, post: apiViewSchema },
  "/api/admin/apis/{id}": { get: apiViewSchema, patch: apiViewSchema, delete: okSchema },
  "/api/admin/apis/{id}/state": { post: apiViewSchema },
  "/api/admin/apps": { get: appListSchema },
  "/api/admin/subscriptions": { get: subscriptionPageSchema },
  "/api/admin/subscriptions/pending-count": { get: pendingCountSchema },
  "/api/admin/subscriptions/{id}/approve": { post: subscriptionViewSchema },
  "/api/admin/subscriptions/{id}/reject": { post: subscriptionViewSchema },
  "/api/admin/subscriptions/{id}/revoke": { post: subscriptionViewSchema },
  "/api/admin/subscriptions/bulk-approve": { post: bulkApproveResultSchema },
  "/api/admin/webhooks": { get: webhookListSchema, post: webhookViewSchema },
  "/api/admin/webhooks/{id}": { patch: webhookViewSchema, delete: okSchema },
  "/api/portal/catalog": { get: catalogSchema },
  "/api/portal/apis/{slug}": { get: apiDetailSchema },
  "/api/portal/apps": { get: appListSchema, post: appViewSchema },
  "/api/portal/apps/{id}": { get: appDetailSchema, patch: appViewSchema, delete: okSchema },
  "/api/portal/apps/{id}/keys": { get: appKeyListSchema, post: createdAppKeySchema },
  "/api/portal/apps/{id}/keys/{keyId}": { delete: keyViewSchema },
  "/api/portal/apps/{id}/keys/{keyId}/rotate": { post: rotatedAppKeySchema },
  "/api/portal/subscriptions": { post: subscriptionViewSchema },
  "/api/portal/subscriptions/{id}/cancel": { post: subscriptionViewSchema },

  // mcp (components/mcp)
  "/api/admin/apis/{id}/mcp": { get: mcpServerResponseSchema, put: mcpServerViewSchema },
  "/api/admin/apis/{id}/mcp/tools": { put: mcpServerViewSchema },
  "/api/admin/apis/{id}/mcp/refresh": { post: mcpServerViewSchema },
  "/api/portal/apis/{slug}/mcp-tools": { get: mcpCatalogToolsSchema },

  // prompts (components/prompts)
  "/api/admin/prompts/{apiId}": { get: promptViewSchema, put: promptViewSchema },
  "/api/admin/prompts/{apiId}/publish": { post: publishedPromptSchema },
  "/api/admin/prompts/{apiId}/rollback": { post: promptViewSchema },
  "/api/admin/prompts/{apiId}/versions": { get: promptVersionListSchema },
  "/api/admin/prompts/{apiId}/diff": { get: versionDiffSchema },
  "/api/admin/prompts/{apiId}/try": { post: tryResultSchema },
  "/api/portal/apis/{slug}/openapi": { get: portalPromptDocSchema },

  // policy (components/policy)
  "/api/admin/limits": { get: limitListSchema, post: limitViewSchema },
  "/api/admin/limits/{id}": { patch: limitViewSchema, delete: okSchema },
  "/api/admin/budgets": { get: budgetListSchema, post: budgetViewSchema },
  "/api/admin/budgets/{id}": { patch: budgetViewSchema, delete: okSchema },
  "/api/admin/budgets/notifications": { get: budgetNotificationListSchema },
  "/api/portal/apps/{id}/limits": { get: appPoliciesSchema },

  // guards (components/guards)
  "/api/admin/content-policies": { get: policiesResponseSchema, post: policyViewSchema },
  "/api/admin/content-policies/{id}": { patch: policyViewSchema, delete: okSchema },
  "/api/admin/content-policies/detectors": { post: detectorViewSchema },
  "/api/admin/content-policies/detectors/{id}": { patch: detectorViewSchema, delete: okSchema },
  "/api/admin/content-policies/preview": { post: previewResultSchema },
  "/api/admin/cache": { get: cacheStatsSchema, delete: cachePurgedSchema },

  // telemetry (components/telemetry)
  "/api/admin/logs": { get: logPageSchema },
  "/api/admin/logs/{id}": { get: logDetailSchema },
  "/api/admin/logs/facets": { get: facetsSchema },
  "/api/admin/logs/settings": { get: logSettingsSchema, patch: retentionResponseSchema },
  "/api/admin/logs/body-capture": { post: bodyCaptureResponseSchema },
  "/api/admin/charts/{chart}": { get: chartSchema },
  "/api/portal/logs": { get: logPageSchema },
  "/api/portal/logs/{id}": { get: logDetailSchema },
  "/api/portal/logs/facets": { get: facetsSchema },
  "/api/portal/usage/{chart}": { get: chartSchema },

  // alerts (components/alerts)
  "/api/admin/alerts": { get: alertPageSchema },
  "/api/admin/alerts/firing-count": { get: firingCountSchema },
  "/api/admin/alerts/rules": { get: alertRuleListSchema, post: alertRuleRowSchema },
  "/api/admin/alerts/rules/{id}": { get: alertRuleRowSchema, patch: alertRuleRowSchema, delete: okSchema },
  "/api/admin/alerts/rules/{id}/test": { post: alertTestResultSchema },

  // config as code
  "/api/admin/config/plan": { post: configPlanSchema },
  "/api/admin/config/apply": { post: configApplySchema },
  "/api/admin/config/managed": { get: managedListSchema },
  "/api/admin/config/schema.json": { get: jsonSchemaDocumentSchema },
};
