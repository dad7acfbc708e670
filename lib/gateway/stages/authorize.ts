import type { AccessSnapshot, ApiInfo, AppInfo } from "../access-snapshot";
import type { KeyInfo } from "../snapshot";
import { GatewayError, notFoundModel } from "../errors";

export type AuthzResult = { ok: true; app: AppInfo; api: ApiInfo; deprecated: boolean } | { ok: false; error: GatewayError };

const forbidden = (message: string, code: string) => new GatewayError(403, "permission_error", code, message);

/**
 * Pure decision: may this key's app call `alias`? It needs an approved
 * subscription to a non-retired API exposing the alias. A refusal says what to do.
 */
export function authorizeAlias(access: AccessSnapshot, key: KeyInfo, alias: string): AuthzResult {
  const app = key.appId ? access.apps.get(key.appId) : undefined;
  if (!app) {
    return { ok: false, error: forbidden("This key does not belong to an app. Create a key for your app in the Portico portal.", "key_without_app") };
  }
  const candidates = access.apisByAlias.get(alias);
  if (!candidates?.length) return { ok: false, error: notFoundModel(alias) };
  const states = access.subs.get(app.id);
  let retired: ApiInfo | null = null;
  let blocked: ApiInfo | null = null;
  for (const api of candidates) {
    if (states?.get(api.id) !== "approved") continue;
    // Its team may not expose this route (not the owner, no grant): the API cannot lend it to anyone.
    if (api.blockedAliases.has(alias)) {
      blocked = api;
      continue;
    }
    if (api.state === "retired") {
      retired = api;
      continue;
    }
    return { ok: true, app, api, deprecated: api.state === "deprecated" };
  }
  if (blocked) return { ok: false, error: routeNotGranted(blocked, alias) };
  if (retired) {
    return { ok: false, error: new GatewayError(410, "invalid_request_error", "api_retired", `API '${retired.name}' has been retired and no longer serves '${alias}'. Subscribe to its successor in the Portico portal.`) };
  }
  // Explain the most useful next step, preferring an API the app already asked for.
  const visible = candidates.filter((a) => a.state !== "retired" && (a.visibility === "all" || a.visibleTeamIds.has(app.teamId) || a.teamId === app.teamId));
  for (const api of candidates) {
    const st = states?.get(api.id);
    if (st === "pending") return { ok: false, error: forbidden(`App '${app.name}' has a pending subscription to API '${api.name}'; an admin must approve it.`, "subscription_pending") };
  }
  for (const api of candidates) {
    const st = states?.get(api.id);
    if (st === "rejected" || st === "revoked") {
      return { ok: false, error: forbidden(`App '${app.name}' has a ${st} subscription to API '${api.name}'. Request it again with a reason in the Portico portal.`, `subscription_${st}`) };
    }
  }
  if (!visible.length) {
    return { ok: false, error: forbidden(`Model '${alias}' is not available to the team of app '${app.name}'.`, "api_not_visible") };
  }
  return {
    ok: false,
    error: forbidden(`App '${app.name}' is not subscribed to an API that exposes '${alias}'. Subscribe to API '${visible[0]!.name}' in the Portico portal.`, "not_subscribed"),
  };
}

/** Aliases the app may call: its approved, non-retired subscriptions (for /v1/models). */
export function allowedAliases(access: AccessSnapshot, key: KeyInfo): Set<string> {
  const out = new Set<string>();
  const states = key.appId ? access.subs.get(key.appId) : undefined;
  if (!states) return out;
  for (const [apiId, st] of states) {
    if (st !== "approved") continue;
    const api = access.apis.get(apiId);
    if (!api || api.state === "retired" || api.state === "draft" || api.kind !== "llm") continue;
    for (const a of api.routeAliases) if (!api.blockedAliases.has(a)) out.add(a);
  }
  return out;
}

function routeNotGranted(api: Pick<ApiInfo, "name">, alias: string): GatewayError {
  return forbidden(`API '${api.name}' may not serve model '${alias}': its team neither owns that route nor was granted it. A platform admin must grant the route to the team.`, "route_not_granted");
}

/**
 * Prompt APIs: the route a version runs on must be one the API's team may use
 * (the services refuse anything else at save/publish; this re-checks from the snapshot).
 */
export function authorizePromptRoute(access: AccessSnapshot, api: ApiInfo, alias: string): GatewayError | null {
  return access.teamMayUse(api.teamId, alias) ? null : routeNotGranted(api, alias);
}

/** RFC 9745 `Deprecation` header (+ a human hint) for calls through a deprecated API. */
export function deprecationHeaders(api: ApiInfo, deprecated: boolean): Record<string, string> {
  if (!deprecated) return {};
  return {
    deprecation: api.deprecatedAt ? `@${Math.floor(api.deprecatedAt / 1000)}` : "true",
    "x-portico-deprecated": `API '${api.name}' is deprecated; plan your move before it is retired.`,
  };
}

/**
 * Pure decision for an API called by itself (kind `prompt`, POST /v1/apis/{slug}):
 * the key's app needs an approved subscription to this very API. Drafts and
 * APIs the app's team cannot see are 404 (their existence is not shown).
 */
export function authorizeApi(access: AccessSnapshot, key: KeyInfo, api: ApiInfo | undefined, slug: string): AuthzResult {
  const app = key.appId ? access.apps.get(key.appId) : undefined;
  if (!app) {
    return { ok: false, error: forbidden("This key does not belong to an app. Create a key for your app in the Portico portal.", "key_without_app") };
  }
  const visible = api && api.state !== "draft" && (api.visibility === "all" || api.visibleTeamIds.has(app.teamId) || api.teamId === app.teamId);
  if (!api || !visible) return { ok: false, error: new GatewayError(404, "invalid_request_error", "api_not_found", `No API '${slug}' is available to app '${app.name}'.`) };
  const st = access.subs.get(app.id)?.get(api.id);
  if (st === "approved" && api.state === "retired") {
    return { ok: false, error: new GatewayError(410, "invalid_request_error", "api_retired", `API '${api.name}' has been retired. Subscribe to its successor in the Portico portal.`) };
  }
  if (st === "approved") return { ok: true, app, api, deprecated: api.state === "deprecated" };
  if (api.state === "retired") return { ok: false, error: new GatewayError(410, "invalid_request_error", "api_retired", `API '${api.name}' has been retired.`) };
  if (st === "pending") return { ok: false, error: forbidden(`App '${app.name}' has a pending subscription to API '${api.name}'; an admin must approve it.`, "subscription_pending") };
  if (st === "rejected" || st === "revoked") {
    return { ok: false, error: forbidden(`App '${app.name}' has a ${st} subscription to API '${api.name}'. Request it again with a reason in the Portico portal.`, `subscription_${st}`) };
  }
  return { ok: false, error: forbidden(`App '${app.name}' is not subscribed to API '${api.name}'. Subscribe to it in the Portico portal.`, "not_subscribed") };
}
