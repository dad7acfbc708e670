/**
 * Compile-time: for every admin/portal operation, the contract's type and what the service returns
 * are the same type (mutually assignable). `tsc --noEmit` fails on the line of the operation that
 * drifted; the runtime tests (lib/contracts/*.service.test.ts) then parse real service output.
 */
import { describe, expect, it } from "vitest";
import type { z, ZodType } from "zod";
import { providerTestResultSchema } from "./providers";
import { okSchema } from "./common";
import * as A from "./admin";
import * as X from "./access";
import * as G from "./gateway";
import * as P from "./policy";
import * as Q from "./guards";
import * as R from "./prompts";
import * as T from "./telemetry";
import * as L from "./alerts";
import * as M from "./mcp";
import * as F from "./config";
import * as K from "./keys";
import type { listUsers, getUser, createUser, updateUser, endUserSessions } from "@/lib/services/users";
import type { listTeams, getTeam, updateTeam, createTeam, addMember, updateMember, removeMember } from "@/lib/services/teams";
import type { listAudit } from "@/lib/services/audit";
import type { listAdminTokens, createAdminToken, revokeAdminToken } from "@/lib/services/admin-tokens";
import type { listProviders, getProvider, createProvider, updateProvider, deleteProvider } from "@/lib/services/providers";
import type { listProviderPresets, createProviderFromPreset } from "@/lib/services/provider-presets";
import type { listModels, getModel, createModel, updateModel, deleteModel } from "@/lib/services/models";
import type { listRoutes, getRoute, createRoute, updateRoute, deleteRoute, setRouteGrants } from "@/lib/services/routes";
import type { listKeys, getKey, createKey, updateKey, revokeKey, listAppKeys, createAppKey, revokeAppKey, rotateKey } from "@/lib/services/keys";
import type { listApis, getApi, createApi, updateApi, setApiState, deleteApi, listCatalog, getCatalogApi } from "@/lib/services/apis";
import type { listApps, listAllApps, getApp, createApp, updateApp, deleteApp } from "@/lib/services/apps";
import type { listSubscriptions, pendingCount, approveSubscription, rejectSubscription, revokeSubscription, cancelSubscription, bulkApproveSubscriptions, requestSubscription } from "@/lib/services/subscriptions";
import type { listWebhooks, createWebhook, updateWebhook, deleteWebhook } from "@/lib/services/webhooks";
import type { getMcpServer, putMcpServer, setMcpAllowlist, refreshMcpTools, getMcpCatalogTools } from "@/lib/services/mcp-servers";
import type { getPrompt, savePromptDraft, publishPrompt, rollbackPrompt, listPromptVersions, diffPromptVersions } from "@/lib/services/prompts";
import type { tryPromptDraft, portalPromptDoc } from "@/lib/services/prompts-run";
import type { listLimits, createLimit, updateLimit, deleteLimit, listBudgets, createBudget, updateBudget, deleteBudget, listBudgetNotifications, getAppPolicies } from "@/lib/policy/services";
import type { listContentPolicies, upsertContentPolicy, updateContentPolicy, deleteContentPolicy, createDetector, updateDetector, deleteDetector, previewDetection, getCacheStats, purgeCache } from "@/lib/services/content-policies";
import type { searchLogs, getLogDetail, logFacets, getLogSettings, setRetention, setBodyCapture } from "@/lib/services/logs";
import type { chartData } from "@/lib/telemetry/charts";
import type { listAlerts, firingCount, listAlertRules, getAlertRule, createAlertRule, updateAlertRule, deleteAlertRule, testAlertRule } from "@/lib/alerts/rules";
import type { listManaged, applyFromText } from "@/lib/config/service";
import type { configJsonSchema } from "@/lib/config/schema";
import { NON_JSON, RESPONSES } from "./index";
import type { breakerStates } from "@/lib/gateway/breaker";
import type { testProviderConnection } from "@/lib/gateway/test-provider";
import type { testRoute } from "@/lib/gateway/test-route";
import type { PRICE_CATALOG } from "@/lib/pricing/catalog";
import type { Plan } from "@/lib/config/plan";
import type { Actor } from "@/lib/auth/actor";
import type { KeyView as UiKeyView } from "@/components/access/types";
import type { ApiView as UiApiView } from "@/components/access/types";
import type { LimitView as UiLimitView } from "@/components/policy/types";
import type { LogItem as UiLogItem } from "@/components/telemetry/types";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function: only its awaited return type matters
type Out<Fn extends (...args: any[]) => unknown> = Awaited<ReturnType<Fn>>;
type In<S extends ZodType> = z.infer<S>;
/** `storage.file` is `undefined` on PostgreSQL in the service, so absent on the wire (optional in the contract). */
type WithoutFile<S extends { storage: { file?: unknown } }> = Omit<S, "storage"> & { storage: Omit<S["storage"], "file"> };
/** Compiles only when what the service returns fits the contract (`{ ok: true }` fits `{ ok: boolean }`). */
function fits<Server, Contract>(...ok: [Server] extends [Contract] ? [] : [never]): true {
  void ok;
  return true;
}
/** Compiles only when A and B are the same type: a drifted operation fails `tsc` on its own line. */
function same<A, B>(...ok: Same<A, B> extends true ? [] : [never]): true {
  void ok;
  return true;
}

const OPERATIONS = {
  "GET /api/me": same<In<typeof A.meSchema>, { id: string; email: string; name: string; role: "admin" | "team_admin" | "member"; platformRole: Actor["platformRole"]; memberships: Actor["memberships"] }>(),
  "GET /api/admin/users": same<In<typeof A.userPageSchema>, Out<typeof listUsers>>(),
  "GET /api/admin/users/{id}": same<In<typeof A.userDetailSchema>, Out<typeof getUser>>(),
  "PATCH /api/admin/users/{id}": same<In<typeof A.userRowSchema>, Out<typeof updateUser>>(),
  "POST /api/admin/users/{id}/sign-out": fits<Out<typeof endUserSessions>, In<typeof okSchema>>(),
  "GET /api/admin/teams": same<In<typeof A.teamListSchema>, Out<typeof listTeams>>(),
  "POST /api/admin/teams": same<In<typeof A.teamBaseSchema>, Out<typeof createTeam>>(),
  "GET /api/admin/teams/{id}": same<In<typeof A.teamDetailSchema>, Out<typeof getTeam>>(),
  "PATCH /api/admin/teams/{id}": same<In<typeof A.teamBaseSchema>, Out<typeof updateTeam>>(),
  "POST /api/admin/teams/{id}/members": same<In<typeof A.addedMemberSchema>, Out<typeof addMember>>(),
  "PATCH /api/admin/teams/{id}/members/{userId}": same<In<typeof A.membershipSchema>, Out<typeof updateMember>>(),
  "DELETE /api/admin/teams/{id}/members/{userId}": fits<Out<typeof removeMember>, In<typeof okSchema>>(),
  "GET /api/admin/audit": same<In<typeof A.auditPageSchema>, Out<typeof listAudit>>(),
  "GET /api/admin/tokens": same<In<typeof A.adminTokenListSchema>, Out<typeof listAdminTokens>>(),
  "POST /api/admin/tokens": same<Omit<In<typeof A.createdAdminTokenSchema>, "lastUsedAt" | "revokedAt">, Omit<Out<typeof createAdminToken>, "lastUsedAt" | "revokedAt">>(),
  "DELETE /api/admin/tokens/{id}": fits<Out<typeof revokeAdminToken>, In<typeof okSchema>>(),

  "GET /api/admin/providers": same<In<typeof G.providerListSchema>, Out<typeof listProviders>>(),
  "GET /api/admin/providers/{id}": same<In<typeof G.providerDetailSchema>, Out<typeof getProvider>>(),
  "PATCH /api/admin/providers/{id}": same<In<typeof G.providerSchema>, Out<typeof updateProvider>>(),
  "DELETE /api/admin/providers/{id}": fits<Out<typeof deleteProvider>, In<typeof okSchema>>(),
  "POST /api/admin/providers/{id}/test": same<In<typeof providerTestResultSchema>, Out<typeof testProviderConnection>>(),
  "GET /api/admin/providers/breakers": same<In<typeof G.breakerRowSchema>[], ReturnType<typeof breakerStates>>(),
  "GET /api/admin/providers/presets": same<In<typeof G.presetListSchema>, Out<typeof listProviderPresets>>(),
  "POST /api/admin/providers/presets": same<In<typeof G.createdFromPresetSchema>, Out<typeof createProviderFromPreset>>(),
  "GET /api/admin/models": same<In<typeof G.modelListSchema>, Out<typeof listModels>>(),
  "POST /api/admin/models": same<In<typeof G.createdModelSchema>, Out<typeof createModel>>(),
  "GET /api/admin/models/{id}": same<In<typeof G.modelRowSchema>, Out<typeof getModel>>(),
  "PATCH /api/admin/models/{id}": same<In<typeof G.modelWithProviderSchema>, Out<typeof updateModel>>(),
  "GET /api/admin/pricing/catalog": same<In<typeof G.catalogEntrySchema>, (typeof PRICE_CATALOG)[number]>(),
  "GET /api/admin/routes": same<In<typeof G.routeListSchema>, Out<typeof listRoutes>>(),
  "GET /api/admin/routes/{id}": same<In<typeof G.routeRowSchema>, Out<typeof getRoute>>(),
  "PATCH /api/admin/routes/{id}": same<In<typeof G.routeRowSchema>, Out<typeof updateRoute>>(),
  "PUT /api/admin/routes/{id}/grants": same<In<typeof G.routeRowSchema>, Out<typeof setRouteGrants>>(),
  "POST /api/admin/routes/{id}/test": same<In<typeof G.routeTestResultSchema>, Out<typeof testRoute>>(),
  "GET /api/admin/keys": same<In<typeof G.keyListSchema>, Out<typeof listKeys>>(),
  "POST /api/admin/keys": same<In<typeof G.createdKeySchema>, Out<typeof createKey>>(),
  "GET /api/admin/keys/{id}": same<In<typeof G.keyRowSchema>, Out<typeof getKey>>(),
  "DELETE /api/admin/keys/{id}": fits<Out<typeof revokeKey>, In<typeof okSchema>>(),

  "GET /api/admin/apis": same<In<typeof X.apiListSchema>, Out<typeof listApis>>(),
  "GET /api/admin/apis/{id}": same<In<typeof X.apiViewSchema>, Out<typeof getApi>>(),
  "POST /api/admin/apis/{id}/state": same<In<typeof X.apiViewSchema>, Out<typeof setApiState>>(),
  "DELETE /api/admin/apis/{id}": fits<Out<typeof deleteApi>, In<typeof okSchema>>(),
  "GET /api/admin/apps": same<In<typeof X.appListSchema>, Out<typeof listAllApps>>(),
  "GET /api/admin/subscriptions": same<In<typeof X.subscriptionPageSchema>, Out<typeof listSubscriptions>>(),
  "GET /api/admin/subscriptions/pending-count": same<In<typeof X.pendingCountSchema>, Out<typeof pendingCount>>(),
  "POST /api/admin/subscriptions/{id}/approve": same<In<typeof X.subscriptionViewSchema>, Out<typeof approveSubscription>>(),
  "POST /api/admin/subscriptions/bulk-approve": same<In<typeof X.bulkApproveResultSchema>, Out<typeof bulkApproveSubscriptions>>(),
  "GET /api/admin/webhooks": same<In<typeof X.webhookListSchema>, Out<typeof listWebhooks>>(),
  "PATCH /api/admin/webhooks/{id}": same<In<typeof X.webhookViewSchema>, Out<typeof updateWebhook>>(),
  "DELETE /api/admin/webhooks/{id}": fits<Out<typeof deleteWebhook>, In<typeof okSchema>>(),
  "GET /api/portal/catalog": same<In<typeof X.catalogSchema>, Out<typeof listCatalog>>(),
  "GET /api/portal/apis/{slug}": same<In<typeof X.apiDetailSchema>, Out<typeof getCatalogApi>>(),
  "GET /api/portal/apps": same<In<typeof X.appListSchema>, Out<typeof listApps>>(),
  "GET /api/portal/apps/{id}": same<In<typeof X.appDetailSchema>, Out<typeof getApp>>(),
  "PATCH /api/portal/apps/{id}": same<In<typeof X.appViewSchema>, Out<typeof updateApp>>(),
  "DELETE /api/portal/apps/{id}": fits<Out<typeof deleteApp>, In<typeof okSchema>>(),
  "GET /api/portal/apps/{id}/keys": same<In<typeof K.appKeyListSchema>, Out<typeof listAppKeys>>(),
  "POST /api/portal/apps/{id}/keys": same<In<typeof K.createdAppKeySchema>, Out<typeof createAppKey>>(),
  "DELETE /api/portal/apps/{id}/keys/{keyId}": same<In<typeof K.keyViewSchema>, Out<typeof revokeAppKey>>(),
  "POST /api/portal/apps/{id}/keys/{keyId}/rotate": same<In<typeof K.rotatedAppKeySchema>, Out<typeof rotateKey>>(),
  "POST /api/portal/subscriptions": same<In<typeof X.subscriptionViewSchema>, Out<typeof requestSubscription>>(),

  "GET /api/admin/apis/{id}/mcp": same<In<typeof M.mcpServerViewSchema> | null, Out<typeof getMcpServer>>(),
  "PUT /api/admin/apis/{id}/mcp": same<In<typeof M.mcpServerViewSchema>, Out<typeof putMcpServer>>(),
  "GET /api/portal/apis/{slug}/mcp-tools": same<In<typeof M.mcpCatalogToolsSchema>, Out<typeof getMcpCatalogTools>>(),

  "GET /api/admin/prompts/{apiId}": same<In<typeof R.promptViewSchema>, Out<typeof getPrompt>>(),
  "POST /api/admin/prompts/{apiId}/publish": same<In<typeof R.publishedPromptSchema>, Out<typeof publishPrompt>>(),
  "GET /api/admin/prompts/{apiId}/versions": same<In<typeof R.promptVersionListSchema>, Out<typeof listPromptVersions>>(),
  "GET /api/admin/prompts/{apiId}/diff": same<In<typeof R.versionDiffSchema>, Out<typeof diffPromptVersions>>(),
  "POST /api/admin/prompts/{apiId}/try": same<In<typeof R.tryResultSchema>, Out<typeof tryPromptDraft>>(),
  "GET /api/portal/apis/{slug}/openapi": same<In<typeof R.portalPromptDocSchema>, Out<typeof portalPromptDoc>>(),

  "GET /api/admin/limits": same<In<typeof P.limitListSchema>, Out<typeof listLimits>>(),
  "PATCH /api/admin/limits/{id}": same<In<typeof P.limitViewSchema>, Out<typeof updateLimit>>(),
  "DELETE /api/admin/limits/{id}": fits<Out<typeof deleteLimit>, In<typeof okSchema>>(),
  "GET /api/admin/budgets": same<In<typeof P.budgetListSchema>, Out<typeof listBudgets>>(),
  "PATCH /api/admin/budgets/{id}": same<In<typeof P.budgetViewSchema>, Out<typeof updateBudget>>(),
  "GET /api/admin/budgets/notifications": same<In<typeof P.budgetNotificationListSchema>, Out<typeof listBudgetNotifications>>(),
  "GET /api/portal/apps/{id}/limits": same<In<typeof P.appPoliciesSchema>, Out<typeof getAppPolicies>>(),

  "GET /api/admin/content-policies": same<In<typeof Q.policiesResponseSchema>, Out<typeof listContentPolicies>>(),
  "PATCH /api/admin/content-policies/{id}": same<In<typeof Q.policyViewSchema>, Out<typeof updateContentPolicy>>(),
  "POST /api/admin/content-policies/detectors": same<In<typeof Q.detectorViewSchema>, Out<typeof createDetector>>(),
  "POST /api/admin/content-policies/preview": same<In<typeof Q.previewResultSchema>, Out<typeof previewDetection>>(),
  "GET /api/admin/cache": same<In<typeof Q.cacheStatsSchema>, Out<typeof getCacheStats>>(),
  "DELETE /api/admin/cache": same<In<typeof Q.cachePurgedSchema>, Out<typeof purgeCache>>(),

  "GET /api/admin/logs": same<In<typeof T.logPageSchema>, Out<typeof searchLogs>>(),
  "GET /api/admin/logs/{id}": same<In<typeof T.logDetailSchema>, Out<typeof getLogDetail>>(),
  "GET /api/admin/logs/facets": same<In<typeof T.facetsSchema>, Out<typeof logFacets>>(),
  "GET /api/admin/logs/settings": same<WithoutFile<In<typeof T.logSettingsSchema>>, WithoutFile<Out<typeof getLogSettings>>>(),
  "PATCH /api/admin/logs/settings": same<In<typeof T.retentionResponseSchema>, Out<typeof setRetention>>(),
  "POST /api/admin/logs/body-capture": same<In<typeof T.bodyCaptureResponseSchema>, Out<typeof setBodyCapture>>(),
  "GET /api/admin/charts/{chart}": same<In<typeof T.chartSchema>, Out<typeof chartData>>(),

  "GET /api/admin/alerts": same<In<typeof L.alertPageSchema>, Out<typeof listAlerts>>(),
  "GET /api/admin/alerts/firing-count": same<In<typeof L.firingCountSchema>, Out<typeof firingCount>>(),
  "GET /api/admin/alerts/rules": same<In<typeof L.alertRuleListSchema>, Out<typeof listAlertRules>>(),
  "GET /api/admin/alerts/rules/{id}": same<In<typeof L.alertRuleRowSchema>, Out<typeof getAlertRule>>(),
  "POST /api/admin/alerts/rules/{id}/test": same<In<typeof L.alertTestResultSchema>, Out<typeof testAlertRule>>(),

  "POST /api/admin/config/plan": same<Omit<In<typeof F.configPlanSchema>, "diff">, Plan>(),
  "GET /api/admin/config/managed": same<In<typeof F.managedListSchema>, Out<typeof listManaged>>(),

  "POST /api/admin/users": same<In<typeof A.userRowSchema>, Out<typeof createUser>>(),
  "GET /api/admin/teams/{id}/members": same<In<typeof A.teamMemberListSchema>, { items: Out<typeof getTeam>["members"] }>(),
  "POST /api/portal/account/sign-out": fits<Out<typeof endUserSessions>, In<typeof okSchema>>(),
  "POST /api/admin/providers": same<In<typeof G.providerSchema>, Out<typeof createProvider>>(),
  "DELETE /api/admin/models/{id}": fits<Out<typeof deleteModel>, In<typeof okSchema>>(),
  "POST /api/admin/routes": same<In<typeof G.routeRowSchema>, Out<typeof createRoute>>(),
  "DELETE /api/admin/routes/{id}": fits<Out<typeof deleteRoute>, In<typeof okSchema>>(),
  "PATCH /api/admin/keys/{id}": same<In<typeof G.keyRowSchema>, Out<typeof updateKey>>(),
  "POST /api/admin/apis": same<In<typeof X.apiViewSchema>, Out<typeof createApi>>(),
  "PATCH /api/admin/apis/{id}": same<In<typeof X.apiViewSchema>, Out<typeof updateApi>>(),
  "POST /api/admin/subscriptions/{id}/reject": same<In<typeof X.subscriptionViewSchema>, Out<typeof rejectSubscription>>(),
  "POST /api/admin/subscriptions/{id}/revoke": same<In<typeof X.subscriptionViewSchema>, Out<typeof revokeSubscription>>(),
  "POST /api/portal/subscriptions/{id}/cancel": same<In<typeof X.subscriptionViewSchema>, Out<typeof cancelSubscription>>(),
  "POST /api/admin/webhooks": same<In<typeof X.webhookViewSchema>, Out<typeof createWebhook>>(),
  "POST /api/portal/apps": same<In<typeof X.appViewSchema>, Out<typeof createApp>>(),
  "PUT /api/admin/apis/{id}/mcp/tools": same<In<typeof M.mcpServerViewSchema>, Out<typeof setMcpAllowlist>>(),
  "POST /api/admin/apis/{id}/mcp/refresh": same<In<typeof M.mcpServerViewSchema>, Out<typeof refreshMcpTools>>(),
  "PUT /api/admin/prompts/{apiId}": same<In<typeof R.promptViewSchema>, Out<typeof savePromptDraft>>(),
  "POST /api/admin/prompts/{apiId}/rollback": same<In<typeof R.promptViewSchema>, Out<typeof rollbackPrompt>>(),
  "POST /api/admin/limits": same<In<typeof P.limitViewSchema>, Out<typeof createLimit>>(),
  "POST /api/admin/budgets": same<In<typeof P.budgetViewSchema>, Out<typeof createBudget>>(),
  "DELETE /api/admin/budgets/{id}": fits<Out<typeof deleteBudget>, In<typeof okSchema>>(),
  "POST /api/admin/content-policies": same<In<typeof Q.policyViewSchema>, Omit<Out<typeof upsertContentPolicy>, "created">>(),
  "DELETE /api/admin/content-policies/{id}": fits<Out<typeof deleteContentPolicy>, In<typeof okSchema>>(),
  "PATCH /api/admin/content-policies/detectors/{id}": same<In<typeof Q.detectorViewSchema>, Out<typeof updateDetector>>(),
  "DELETE /api/admin/content-policies/detectors/{id}": fits<Out<typeof deleteDetector>, In<typeof okSchema>>(),
  "POST /api/admin/alerts/rules": same<In<typeof L.alertRuleRowSchema>, Out<typeof createAlertRule>>(),
  "PATCH /api/admin/alerts/rules/{id}": same<In<typeof L.alertRuleRowSchema>, Out<typeof updateAlertRule>>(),
  "DELETE /api/admin/alerts/rules/{id}": fits<Out<typeof deleteAlertRule>, In<typeof okSchema>>(),
  "POST /api/admin/config/apply": same<Omit<In<typeof F.configApplySchema>, "diff">, Out<typeof applyFromText>>(),
  "GET /api/admin/config/schema.json": same<Record<string, unknown>, ReturnType<typeof configJsonSchema>>(),
  // portal twins of admin operations: the same service with `portal: true`
  "GET /api/portal/logs": same<In<typeof T.logPageSchema>, Out<typeof searchLogs>>(),
  "GET /api/portal/logs/{id}": same<In<typeof T.logDetailSchema>, Out<typeof getLogDetail>>(),
  "GET /api/portal/logs/facets": same<In<typeof T.facetsSchema>, Out<typeof logFacets>>(),
  "GET /api/portal/usage/{chart}": same<In<typeof T.chartSchema>, Out<typeof chartData>>(),

  // the UI's types are the contracts' types
  "UI KeyView": same<UiKeyView, In<typeof K.keyViewSchema>>(),
  "UI ApiView": same<UiApiView, In<typeof X.apiViewSchema>>(),
  "UI LimitView": same<UiLimitView, In<typeof P.limitViewSchema>>(),
  "UI LogItem": same<UiLogItem, In<typeof T.logItemSchema>>(),
} satisfies Record<string, true>;

describe("contract types", () => {
  it("every checked operation compiles as the same type on both sides", () => {
    expect(Object.values(OPERATIONS).every((v) => v === true)).toBe(true);
  });
  it("every JSON operation with a contract has a compile-time check here", () => {
    const registered = Object.entries(RESPONSES).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(registered.filter((o) => !(o in OPERATIONS))).toEqual([]);
    expect(Object.keys(NON_JSON).length).toBeGreaterThan(0);
  });
});
