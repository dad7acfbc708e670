/**
 * The configuration as it stands in the database, in the file's canonical
 * shape (natural keys, stable order), plus what plan and apply need beside it:
 * database ids by natural key and the stored secrets (decrypted, in memory
 * only: plan compares them with the file's, nothing prints them).
 */
import { getDb } from "@/lib/db/client";
import {
  alertRules,
  apis,
  budgets,
  configManaged,
  contentDetectors,
  contentPolicies,
  mcpServers,
  models,
  prompts,
  promptVersions,
  providers,
  rateLimits,
  routeGrants,
  routes,
  teamMembers,
  teams,
  users,
  webhooks,
} from "@/lib/db/schema";
import { decryptSecret } from "@/lib/secret";
import { specOfRow } from "@/lib/services/prompts";
import type { AlertRuleEntry, ApiEntry, McpEntry, BudgetEntry, DetectorEntry, LimitEntry, PolicyEntry, PromptEntry, ProviderEntry, RouteEntry, TeamEntry, WebhookEntry } from "./schema";
import { canonicalSpec } from "./normalize";

/** Every section present (the database holds all of them). */
export interface FullConfig {
  version: 1;
  teams: TeamEntry[];
  providers: ProviderEntry[];
  routes: RouteEntry[];
  apis: ApiEntry[];
  limits: LimitEntry[];
  budgets: BudgetEntry[];
  detectors: DetectorEntry[];
  policies: PolicyEntry[];
  alertRules: AlertRuleEntry[];
  webhooks: WebhookEntry[];
}

export interface CurrentState {
  config: FullConfig;
  /** natural key (see keys.ts) → database id */
  ids: Map<string, string>;
  /** natural key of the owner (provider:x, alert_rule:y, webhook:z, api:<mcp api>) → decrypted secret; null when none or unreadable */
  secrets: Map<string, string | null>;
  /** for alert rules watching one app or key: raw ids stay as they are */
  dimensionNames: { provider: Map<string, string>; team: Map<string, string>; api: Map<string, string> };
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const by = <T>(f: (x: T) => string) => (a: T, b: T) => cmp(f(a), f(b));

/** `${NAME}` for an object's secret: the variable it was last applied from, else one derived from its name. */
export function envName(hint: string, suffix: string): string {
  const base = hint.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "PORTICO";
  return `${/^[0-9]/.test(base) ? "_" + base : base}_${suffix}`;
}

function tryDecrypt(blob: string | null): string | null {
  if (!blob) return null;
  try {
    return decryptSecret(blob);
  } catch {
    return null;
  }
}

export async function readState(): Promise<CurrentState> {
  const db = getDb();
  const ids = new Map<string, string>();
  const secrets = new Map<string, string | null>();
  const refs = new Map((await db.select().from(configManaged)).map((m) => [`${m.kind}:${m.key}`, m.secretRef]));
  const usedEnv = new Set<string>();
  const ref = (key: string, hint: string, suffix: string) => {
    let name = refs.get(key) ?? envName(hint, suffix);
    for (let i = 2; usedEnv.has(name); i++) name = envName(`${hint}_${i}`, suffix);
    usedEnv.add(name);
    return "${" + name + "}";
  };

  // ---- teams
  const teamRows = (await db.select().from(teams)).sort(by((t) => t.slug));
  const teamSlug = new Map(teamRows.map((t) => [t.id, t.slug]));
  const members = (await db.select({ teamId: teamMembers.teamId, role: teamMembers.role, userId: teamMembers.userId }).from(teamMembers));
  const emails = new Map((await db.select({ id: users.id, email: users.email }).from(users)).map((u) => [u.id, u.email]));
  const teamEntries: TeamEntry[] = teamRows.map((t) => {
    ids.set(`team:${t.slug}`, t.id);
    const admins = members.filter((m) => m.teamId === t.id && m.role === "team_admin").map((m) => emails.get(m.userId)!).filter(Boolean).sort(cmp);
    return { slug: t.slug, name: t.name, description: t.description, admins };
  });

  // ---- providers and models
  const providerRows = (await db.select().from(providers)).sort(by((p) => p.name));
  const providerName = new Map(providerRows.map((p) => [p.id, p.name]));
  const modelRows = (await db.select().from(models));
  const modelKey = new Map(modelRows.map((m) => [m.id, { provider: providerName.get(m.providerId)!, model: m.upstreamModel }]));
  const providerEntries: ProviderEntry[] = providerRows.map((p) => {
    ids.set(`provider:${p.name}`, p.id);
    const key = `provider:${p.name}`;
    if (p.encryptedKey) secrets.set(key, tryDecrypt(p.encryptedKey));
    const ms = modelRows
      .filter((m) => m.providerId === p.id)
      .sort(by((m) => m.upstreamModel))
      .map((m) => {
        ids.set(`model:${p.name}/${m.upstreamModel}`, m.id);
        return {
          name: m.upstreamModel,
          kind: m.kind,
          contextWindow: m.contextWindow,
          maxOutputTokens: m.maxOutputTokens,
          prices: { input: m.inputPricePerM, output: m.outputPricePerM, cachedInput: m.cachedInputPricePerM },
        };
      });
    return {
      name: p.name,
      type: p.type,
      baseUrl: p.baseUrl,
      ...(p.encryptedKey ? { apiKey: ref(key, p.name, "API_KEY") } : {}),
      headers: p.headers,
      apiVersion: p.apiVersion,
      options: p.options,
      firstByteTimeoutMs: p.firstByteTimeoutMs,
      totalTimeoutMs: p.totalTimeoutMs,
      enabled: p.enabled,
      models: ms,
    };
  });

  // ---- routes
  const target = (t: { modelId: string; weight?: number }) => {
    const k = modelKey.get(t.modelId) ?? { provider: "(missing)", model: t.modelId };
    return { provider: k.provider, model: k.model, ...(t.weight !== undefined ? { weight: t.weight } : {}) };
  };
  const routeRows = (await db.select().from(routes)).sort(by((r) => r.alias));
  const routeAlias = new Map(routeRows.map((r) => [r.id, r.alias]));
  const grantRows = (await db.select().from(routeGrants));
  const routeEntries: RouteEntry[] = routeRows.map((r) => {
    ids.set(`route:${r.alias}`, r.id);
    // A grant to the owner means nothing (the owner may use its route) and the grants verb drops it.
    const grants = grantRows.filter((g) => g.routeId === r.id && g.teamId !== r.teamId).map((g) => teamSlug.get(g.teamId) ?? g.teamId);
    return {
      alias: r.alias,
      description: r.description,
      strategy: r.strategy,
      targets: r.targets.map(target),
      conditions: r.conditions.map((c) => ({ header: c.header, equals: c.equals, strategy: c.strategy, targets: c.targets.map(target) })),
      retry: r.retry,
      enabled: r.enabled,
      owner: r.teamId ? (teamSlug.get(r.teamId) ?? r.teamId) : null,
      grants: [...new Set(grants)].sort(cmp),
    };
  });

  // ---- APIs and their prompts
  const apiRows = (await db.select().from(apis)).sort(by((a) => a.slug));
  const apiSlug = new Map(apiRows.map((a) => [a.id, a.slug]));
  const promptRows = new Map((await db.select().from(prompts)).map((p) => [p.apiId, p]));
  const versionRows = (await db.select().from(promptVersions));
  const mcpRows = new Map((await db.select().from(mcpServers)).map((m) => [m.apiId, m]));
  const apiEntries: ApiEntry[] = apiRows.map((a) => {
    ids.set(`api:${a.slug}`, a.id);
    const p = promptRows.get(a.id);
    let prompt: PromptEntry | undefined;
    if (p) {
      const versions = versionRows
        .filter((v) => v.promptId === p.id)
        .sort((x, y) => x.version - y.version)
        .map((v) => ({ version: v.version, note: v.note, ...canonicalSpec(specOfRow(v)) }));
      prompt = { ...canonicalSpec(specOfRow(p)), versions, currentVersion: p.currentVersion };
    }
    // a server row left behind by a kind change is not the API's any more (and a file may not give it one)
    const m = a.kind === "mcp" ? mcpRows.get(a.id) : undefined;
    let mcp: McpEntry | undefined;
    if (m) {
      const key = `api:${a.slug}`;
      if (m.encryptedAuth) secrets.set(key, tryDecrypt(m.encryptedAuth));
      mcp = {
        url: m.url,
        authHeader: m.authHeader,
        ...(m.encryptedAuth ? { authValue: ref(key, `${a.slug}_MCP`, "AUTH") } : {}),
        timeoutMs: m.timeoutMs,
        allowedTools: m.allowedTools,
        toolRateLimits: m.toolRateLimits,
      };
    }
    return {
      slug: a.slug,
      name: a.name,
      description: a.description,
      team: teamSlug.get(a.teamId) ?? a.teamId,
      kind: a.kind,
      routes: a.routeAliases,
      visibility: a.visibility,
      visibleTeams: a.visibleTeamIds.map((id) => teamSlug.get(id) ?? id),
      approvalMode: a.approvalMode,
      reasonRequired: a.reasonRequired,
      state: a.state,
      tags: a.tags,
      docs: a.docs,
      ...(prompt ? { prompt } : {}),
      ...(mcp ? { mcp } : {}),
    };
  });

  // ---- limits, budgets (team/API/route scopes only: apps and keys are the developers')
  const scopeName = (scope: string, id: string) => (scope === "team" ? teamSlug.get(id) : scope === "api" ? apiSlug.get(id) : scope === "route" ? routeAlias.get(id) : undefined);
  const limitEntries: LimitEntry[] = [];
  for (const l of (await db.select().from(rateLimits))) {
    const name = scopeName(l.scope, l.scopeId);
    if (!name || l.scope === "key" || l.scope === "app") continue;
    ids.set(`limit:${l.scope}:${name}`, l.id);
    limitEntries.push({ scope: l.scope, target: name, requestsPerMinute: l.requestsPerMinute, tokensPerMinute: l.tokensPerMinute, burst: l.burst });
  }
  limitEntries.sort(by((l) => `${l.scope}\u0000${l.target}`));
  const budgetEntries: BudgetEntry[] = [];
  for (const b of (await db.select().from(budgets))) {
    const name = b.scope === "team" ? teamSlug.get(b.scopeId) : undefined;
    if (!name) continue;
    ids.set(`budget:team:${name}:${b.period}`, b.id);
    budgetEntries.push({ scope: "team", target: name, period: b.period, limitUsd: b.limitUsd, thresholds: [...b.thresholds].sort((x, y) => x - y) });
  }
  budgetEntries.sort(by((b) => `${b.target}\u0000${b.period}`));

  // ---- detectors, content policies (with the response cache settings)
  const detectorEntries: DetectorEntry[] = (await db
    .select()
    .from(contentDetectors))
    .sort(by((d) => d.name))
    .map((d) => {
      ids.set(`detector:${d.name}`, d.id);
      return { name: d.name, description: d.description, kind: d.kind, pattern: d.pattern, terms: d.terms, caseSensitive: d.caseSensitive, enabled: d.enabled };
    });
  const scopeOrder = { global: "0", api: "1", route: "2" } as const;
  const policyEntries: PolicyEntry[] = [];
  for (const p of (await db.select().from(contentPolicies))) {
    const name = p.scopeType === "global" ? undefined : scopeName(p.scopeType, p.scopeId);
    if (p.scopeType !== "global" && !name) continue;
    ids.set(`policy:${p.scopeType}:${name ?? ""}`, p.id);
    policyEntries.push({
      scope: p.scopeType,
      ...(name ? { target: name } : {}),
      cache: { enabled: p.cacheEnabled, ttlSeconds: p.cacheTtlSeconds, streamReplay: p.cacheStreamReplay },
      promptMode: p.promptMode,
      responseMode: p.responseMode,
      injectionMode: p.injectionMode,
      detectors: p.detectors,
    });
  }
  policyEntries.sort(by((p) => `${scopeOrder[p.scope]}${p.target ?? ""}`));

  // ---- alert rules (by name; the first of duplicate names wins) and webhooks (by team and URL)
  const dimensionNames = { provider: providerName, team: teamSlug, api: apiSlug };
  const alertEntries: AlertRuleEntry[] = [];
  for (const r of (await db.select().from(alertRules)).sort((a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id))) {
    const key = `alert_rule:${r.name}`;
    if (ids.has(key)) continue;
    ids.set(key, r.id);
    if (r.encryptedSecret) secrets.set(key, tryDecrypt(r.encryptedSecret));
    const dim = r.dimension as keyof typeof dimensionNames;
    const value = r.dimensionValue && dimensionNames[dim] ? (dimensionNames[dim].get(r.dimensionValue) ?? r.dimensionValue) : r.dimensionValue;
    alertEntries.push({
      name: r.name,
      kind: r.kind,
      enabled: r.enabled,
      threshold: r.threshold,
      windowMinutes: r.windowMinutes,
      minRequests: r.minRequests,
      dimension: r.dimension,
      dimensionValue: value,
      webhookUrl: r.webhookUrl,
      webhookFormat: r.webhookFormat,
      ...(r.encryptedSecret ? { webhookSecret: ref(key, `ALERT_${r.name}`, "WEBHOOK_SECRET") } : {}),
    });
  }
  alertEntries.sort(by((a) => a.name));
  const hookEntries: WebhookEntry[] = [];
  for (const w of (await db.select().from(webhooks)).sort((a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id))) {
    const team = w.teamId ? (teamSlug.get(w.teamId) ?? null) : null;
    const key = webhookKey(team, w.url);
    if (ids.has(key)) continue;
    ids.set(key, w.id);
    secrets.set(key, tryDecrypt(w.encryptedSecret));
    let host = "webhook";
    try {
      host = new URL(w.url).hostname;
    } catch {
      /* keep the generic name */
    }
    hookEntries.push({ url: w.url, team, events: w.events, enabled: w.enabled, secret: ref(key, `WEBHOOK_${host}`, "SECRET") });
  }
  hookEntries.sort(by((w) => `${w.team ?? ""}\u0000${w.url}`));

  return {
    config: {
      version: 1,
      teams: teamEntries,
      providers: providerEntries,
      routes: routeEntries,
      apis: apiEntries,
      limits: limitEntries,
      budgets: budgetEntries,
      detectors: detectorEntries,
      policies: policyEntries,
      alertRules: alertEntries,
      webhooks: hookEntries,
    },
    ids,
    secrets,
    dimensionNames,
  };
}

export function webhookKey(team: string | null, url: string): string {
  return `webhook:${team ?? ""}|${url}`;
}
