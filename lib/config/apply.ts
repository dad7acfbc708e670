import { withTransaction } from "@/lib/db/sql";
/**
 * Apply: performs a plan through the control-plane services — so every change
 * is validated, role-checked, audited and bumps the config version as if made
 * in the dashboard — inside ONE database transaction (better-sqlite3 turns the
 * services' own transactions into savepoints). Any failure rolls everything
 * back and is reported with the path of the object in the file.
 *
 * Order: creates and updates from the bottom of the dependency chain up
 * (teams, detectors, providers, models, routes, APIs, then what points at
 * them), deletes in the reverse order. Every audit row carries the change set
 * id; one `config.apply` row holds the plan. `dryRun` runs it all and rolls back
 * (plan uses it, so the services' own checks show up before anything changes).
 */
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { configManaged, teamMembers, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { writeAudit } from "@/lib/services/audit";
import * as teamSvc from "@/lib/services/teams";
import * as providerSvc from "@/lib/services/providers";
import * as modelSvc from "@/lib/services/models";
import * as routeSvc from "@/lib/services/routes";
import * as apiSvc from "@/lib/services/apis";
import * as promptSvc from "@/lib/services/prompts";
import * as mcpSvc from "@/lib/services/mcp-servers";
import * as policySvc from "@/lib/services/content-policies";
import * as hookSvc from "@/lib/services/webhooks";
import * as limitSvc from "@/lib/policy/services";
import * as alertSvc from "@/lib/alerts/rules";
import type { ConfigFile, PromptEntry } from "./schema";
import type { SecretValues } from "./format";
import { keyOf, stable } from "./normalize";
import { nameOfKey, type Change, type Plan } from "./plan";
import type { CurrentState } from "./state";
import { apiStatePath } from "./validate";

export class ConfigError extends AppError {
  constructor(status: number, message: string, problems: { path: string; message: string }[]) {
    super(status, status === 422 ? "invalid_config" : "config_conflict", message, problems);
  }
}

class DryRunDone extends Error {}

export interface ApplyArgs {
  actor: Actor;
  config: ConfigFile;
  secrets: SecretValues;
  plan: Plan;
  state: CurrentState;
  /** shown in the audit log and on the managed marks: "PORTICO_CONFIG_FILE" or "apply by <email>" */
  source: string;
  dryRun?: boolean;
}

const DELETE_ORDER = ["webhook", "alert_rule", "budget", "limit", "policy", "api", "route", "model", "provider", "detector", "team"];

export async function applyPlan(args: ApplyArgs): Promise<{ changeSet: string | null }> {
  requireAdmin(args.actor);
  const changeSet = newId("cfg");
  const actor: Actor = { ...args.actor, changeSet };
  const { config, secrets, plan, state } = args;
  const ids = new Map(state.ids);
  const id = (key: string) => {
    const v = ids.get(key);
    if (!v) throw new Error(`config apply: no id for ${key}`);
    return v;
  };
  const secretOf = (path: string) => secrets.get(path)?.value;
  const changed = (c: Change, field: string) => c.fields.some((f) => f.field === field);
  const index = (c: Change) => Number(/^\w+\[(\d+)\]/.exec(c.path ?? "")?.[1]);

  const step = async (c: Change, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      if (e instanceof DryRunDone) throw e;
      const where = c.path ?? `${c.kind} ${c.name}`;
      if (e instanceof AppError) {
        const details = Array.isArray(e.details)
          ? (e.details as { field?: string; message: string }[]).map((d) => ({ path: d.field ? `${where}.${d.field}` : where, message: d.message }))
          : [{ path: where, message: e.message }];
        throw new ConfigError(e.status === 409 || e.status === 404 ? 409 : 422, `${c.op} ${c.kind} ${c.name}: ${e.message}`, details);
      }
      throw e;
    }
  };

  const upserts: Record<string, (c: Change) => Promise<void>> = {
    team: async (c) => {
      const t = config.teams![index(c)]!;
      if (c.op === "create") ids.set(keyOf.team(t), (await teamSvc.createTeam({ actor, input: { name: t.name, slug: t.slug, description: t.description } })).id);
      else if (c.fields.some((f) => f.field !== "admins")) (await teamSvc.updateTeam({ actor, id: id(keyOf.team(t)), input: { name: t.name, description: t.description } }));
      (await syncAdmins(actor, id(keyOf.team(t)), t.admins));
    },
    detector: async (c) => {
      const d = config.detectors![index(c)]!;
      if (c.op === "create") ids.set(keyOf.detector(d), (await policySvc.createDetector({ actor, input: d })).id);
      else (await policySvc.updateDetector({ actor, id: id(keyOf.detector(d)), input: { description: d.description, pattern: d.pattern, terms: d.terms, caseSensitive: d.caseSensitive, enabled: d.enabled } }));
    },
    provider: async (c) => {
      const { models: _m, apiKey: _k, ...fields } = config.providers![index(c)]!;
      void _m;
      void _k;
      const key = secretOf(`${c.path}.apiKey`);
      if (c.op === "create") ids.set(keyOf.provider(fields), (await providerSvc.createProvider({ actor, input: { ...fields, ...(key ? { apiKey: key } : {}) } })).id);
      else (await providerSvc.updateProvider({ actor, id: id(keyOf.provider(fields)), input: { ...fields, ...(changed(c, "apiKey") ? { apiKey: key ?? null } : {}) } }));
    },
    model: async (c) => {
      const [, pi, mi] = /^providers\[(\d+)\]\.models\[(\d+)\]/.exec(c.path!)!;
      const p = config.providers![Number(pi)]!;
      const m = p.models[Number(mi)]!;
      const input = { upstreamModel: m.name, kind: m.kind, contextWindow: m.contextWindow, maxOutputTokens: m.maxOutputTokens, inputPricePerM: m.prices.input, outputPricePerM: m.prices.output, cachedInputPricePerM: m.prices.cachedInput };
      if (c.op === "create") ids.set(keyOf.model(p.name, m), (await modelSvc.createModel({ actor, input: { providerId: id(keyOf.provider(p)), ...input } })).id);
      else (await modelSvc.updateModel({ actor, id: id(keyOf.model(p.name, m)), input }));
    },
    route: async (c) => {
      const r = config.routes![index(c)]!;
      const t = (x: { provider: string; model: string; weight?: number }) => ({ modelId: id(`model:${x.provider}/${x.model}`), ...(x.weight !== undefined ? { weight: x.weight } : {}) });
      const input = {
        alias: r.alias,
        description: r.description,
        strategy: r.strategy,
        targets: r.targets.map(t),
        conditions: r.conditions.map((x) => ({ ...x, targets: x.targets.map(t) })),
        enabled: r.enabled,
        teamId: r.owner ? id(`team:${r.owner}`) : null,
      };
      if (c.op === "create") ids.set(keyOf.route(r), (await routeSvc.createRoute({ actor, input: { ...input, retry: r.retry } })).id);
      else if (c.fields.some((f) => f.field !== "grants")) {
        // updateRoute merges retry field by field: a timeout the file leaves out is cleared with null.
        const retry = { firstByteTimeoutMs: null, totalTimeoutMs: null, streamIdleTimeoutMs: null, ...r.retry };
        (await routeSvc.updateRoute({ actor, id: id(keyOf.route(r)), input: { ...input, retry } }));
      }
      // Grants the file lists (left out: not managed); applied before the APIs, so saving them grants nothing more.
      if (r.grants && (c.op === "create" ? r.grants.length > 0 : changed(c, "grants"))) {
        (await routeSvc.setRouteGrants({ actor, id: id(keyOf.route(r)), input: { teamIds: r.grants.map((t) => id(`team:${t}`)) } }));
      }
    },
    api: async (c) => {
      const a = config.apis![index(c)]!;
      const input = {
        slug: a.slug,
        name: a.name,
        description: a.description,
        teamId: id(`team:${a.team}`),
        kind: a.kind,
        routeAliases: a.routes,
        visibility: a.visibility,
        visibleTeamIds: a.visibleTeams.map((s) => id(`team:${s}`)),
        approvalMode: a.approvalMode,
        reasonRequired: a.reasonRequired,
        tags: a.tags,
        docs: a.docs,
      };
      const before = state.config.apis.find((x) => x.slug === a.slug);
      if (c.op === "create") ids.set(keyOf.api(a), (await apiSvc.createApi({ actor, input })).id);
      else if (c.fields.some((f) => f.field !== "state" && !f.field.startsWith("prompt.") && !f.field.startsWith("mcp."))) (await apiSvc.updateApi({ actor, id: id(keyOf.api(a)), input }));
      const apiId = id(keyOf.api(a));
      if (a.prompt) (await applyPrompt(actor, apiId, a.prompt, before?.prompt));
      if (a.mcp && (c.op === "create" || c.fields.some((f) => f.field.startsWith("mcp.")) || !before?.mcp)) {
        // The URL passed the literal address check before the transaction (service.ts outboundProblems); tools/list is not called.
        const { authValue: _ref, ...server } = a.mcp;
        void _ref;
        const secret = secretOf(`${c.path}.mcp.authValue`);
        const auth = c.op === "create" || !before?.mcp ? (secret ? { authValue: secret } : {}) : changed(c, "mcp.authValue") ? { authValue: secret ?? null } : {};
        (await mcpSvc.putMcpServerChecked({ actor, apiId, input: { ...server, ...auth } }));
      }
      for (const s of apiStatePath(before?.state ?? "draft", a.state) ?? []) (await apiSvc.setApiState({ actor, id: apiId, input: { state: s } }));
    },
    policy: async (c) => {
      const p = config.policies![index(c)]!;
      const scopeId = p.scope === "global" ? undefined : id(`${p.scope}:${p.target}`);
      const input = {
        scopeType: p.scope,
        ...(scopeId ? { scopeId } : {}),
        cacheEnabled: p.cache.enabled,
        cacheTtlSeconds: p.cache.ttlSeconds,
        cacheStreamReplay: p.cache.streamReplay,
        promptMode: p.promptMode,
        responseMode: p.responseMode,
        injectionMode: p.injectionMode,
        detectors: p.detectors,
      };
      ids.set(keyOf.policy(p), (await policySvc.upsertContentPolicy({ actor, input })).id);
    },
    limit: async (c) => {
      const l = config.limits![index(c)]!;
      const v = { requestsPerMinute: l.requestsPerMinute, tokensPerMinute: l.tokensPerMinute, burst: l.burst };
      if (c.op === "create") ids.set(keyOf.limit(l), (await limitSvc.createLimit({ actor, input: { scope: l.scope, scopeId: id(`${l.scope}:${l.target}`), ...v } })).id);
      else (await limitSvc.updateLimit({ actor, id: id(keyOf.limit(l)), input: v }));
    },
    budget: async (c) => {
      const b = config.budgets![index(c)]!;
      if (c.op === "create") ids.set(keyOf.budget(b), (await limitSvc.createBudget({ actor, input: { scope: "team", scopeId: id(`team:${b.target}`), period: b.period, limitUsd: b.limitUsd, thresholds: b.thresholds } })).id);
      else (await limitSvc.updateBudget({ actor, id: id(keyOf.budget(b)), input: { limitUsd: b.limitUsd, thresholds: b.thresholds } }));
    },
    alert_rule: async (c) => {
      const { webhookSecret: _s, ...r } = config.alertRules![index(c)]!;
      void _s;
      const v = r.dimensionValue;
      const dimensionValue = v && (r.dimension === "provider" || r.dimension === "team" || r.dimension === "api") ? id(`${r.dimension}:${v}`) : v;
      const secret = secretOf(`${c.path}.webhookSecret`);
      if (c.op === "create") ids.set(keyOf.alertRule(r), (await alertSvc.createAlertRuleChecked({ actor, input: { ...r, dimensionValue, ...(secret ? { webhookSecret: secret } : {}) } })).id);
      else (await alertSvc.updateAlertRuleChecked({ actor, id: id(keyOf.alertRule(r)), input: { ...r, dimensionValue, ...(changed(c, "webhookSecret") ? { webhookSecret: secret ?? null } : {}) } }));
    },
    webhook: async (c) => {
      const w = config.webhooks![index(c)]!;
      const teamId = w.team ? id(`team:${w.team}`) : null;
      const secret = secretOf(`${c.path}.secret`)!;
      const v = { url: w.url, teamId, events: w.events as hookSvc.WebhookEvent[], enabled: w.enabled };
      if (c.op === "create") ids.set(keyOf.webhook(w), (await hookSvc.createWebhookChecked({ actor, input: { ...v, secret } })).id);
      else (await hookSvc.updateWebhookChecked({ actor, id: id(keyOf.webhook(w)), input: { ...v, ...(changed(c, "secret") ? { secret } : {}) } }));
    },
  };

  const deletes: Record<string, (key: string) => Promise<unknown>> = {
    webhook: async (k) => (await hookSvc.deleteWebhook({ actor, id: id(k) })),
    alert_rule: async (k) => (await alertSvc.deleteAlertRule({ actor, id: id(k) })),
    budget: async (k) => (await limitSvc.deleteBudget({ actor, id: id(k) })),
    limit: async (k) => (await limitSvc.deleteLimit({ actor, id: id(k) })),
    policy: async (k) => (await policySvc.deleteContentPolicy({ actor, id: id(k) })),
    api: async (k) => (await apiSvc.deleteApi({ actor, id: id(k) })),
    route: async (k) => (await routeSvc.deleteRoute({ actor, id: id(k) })),
    model: async (k) => (await modelSvc.deleteModel({ actor, id: id(k) })),
    provider: async (k) => (await providerSvc.deleteProvider({ actor, id: id(k) })),
    detector: async (k) => (await policySvc.deleteDetector({ actor, id: id(k) })),
  };

  if (!plan.changes.length) {
    // Nothing to change, nothing to audit; the marks still say what the file declares.
    if (!args.dryRun) await withTransaction(async () => (await markManaged(config, secrets, args.source)));
    return { changeSet: null };
  }
  try {
    await withTransaction(async () => {
      for (const c of plan.changes) if (c.op !== "delete") await step(c, () => upserts[c.kind]!(c));
      const dels = plan.changes.filter((c) => c.op === "delete").sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
      for (const c of dels) await step(c, () => deletes[c.kind]!(`${c.kind}:${c.name}`));
      (await markManaged(config, secrets, args.source));
      (await writeAudit(getDb(), actor, {
        action: "config.apply",
        targetType: "config",
        targetId: changeSet,
        after: { source: args.source, prune: plan.prune, summary: plan.summary, changes: plan.changes },
      }));
      if (args.dryRun) throw new DryRunDone();
    });
  } catch (e) {
    if (e instanceof DryRunDone) return { changeSet: null };
    throw e;
  }
  return { changeSet };
}

/** The file's admins are the team's admins: missing users are created password-less (SSO), other admins become members. */
async function syncAdmins(actor: Actor, teamId: string, admins: string[]): Promise<void> {
  const db = getDb();
  const current = (await db.select({ userId: teamMembers.userId, role: teamMembers.role, email: users.email }).from(teamMembers).innerJoin(users, eq(users.id, teamMembers.userId)).where(eq(teamMembers.teamId, teamId)));
  for (const email of admins) {
    const m = current.find((x) => x.email === email);
    if (m?.role === "team_admin") continue;
    if (m) {
      (await teamSvc.updateMember({ actor, teamId, userId: m.userId, input: { role: "team_admin" } }));
      continue;
    }
    if (!(await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1))[0]) {
      const now = Date.now();
      const row = { id: newId("usr"), email, name: email.split("@")[0]!, passwordHash: null, role: "member" as const, disabled: false, createdAt: now, updatedAt: now, lastLoginAt: null };
      (await db.insert(users).values(row));
      (await writeAudit(db, actor, { action: "user.create", targetType: "user", targetId: row.id, after: { email, role: "member", hasPassword: false, via: "config" } }));
    }
    (await teamSvc.addMember({ actor, teamId, input: { email, role: "team_admin" } }));
  }
  for (const m of current) {
    if (m.role === "team_admin" && !admins.includes(m.email)) (await teamSvc.updateMember({ actor, teamId, userId: m.userId, input: { role: "member" } }));
  }
}

function draftOf(p: PromptEntry): Omit<PromptEntry, "versions" | "currentVersion"> {
  const d: Partial<PromptEntry> = { ...p };
  delete d.versions;
  delete d.currentVersion;
  return d as Omit<PromptEntry, "versions" | "currentVersion">;
}

/** Published versions in order, then the draft, then the served version (publishing serves the new one). */
async function applyPrompt(actor: Actor, apiId: string, p: PromptEntry, before: PromptEntry | undefined): Promise<void> {
  const { versions, currentVersion, ...draft } = p;
  const have = before?.versions?.length ?? 0;
  let served = before?.currentVersion ?? null;
  let savedDraft: unknown = before ? draftOf(before) : undefined;
  for (const v of versions ?? []) {
    if (v.version <= have) continue;
    const { version: _n, note, ...spec } = v;
    void _n;
    (await promptSvc.savePromptDraft({ actor, apiId, input: spec }));
    (await promptSvc.publishPrompt({ actor, apiId, input: { note } }));
    served = v.version;
    savedDraft = spec;
  }
  if (savedDraft === undefined || stable(savedDraft) !== stable(draft)) (await promptSvc.savePromptDraft({ actor, apiId, input: draft }));
  if (currentVersion !== null && currentVersion !== served) (await promptSvc.rollbackPrompt({ actor, apiId, input: { version: currentVersion } }));
}

const MARK_KINDS: Record<string, string> = { teams: "team", providers: "provider", routes: "route", apis: "api", limits: "limit", budgets: "budget", detectors: "detector", policies: "policy", alertRules: "alert_rule", webhooks: "webhook" };

/** Marks what the file declares (replacing the marks of the sections it holds), with the secret variable names. */
async function markManaged(config: ConfigFile, secrets: SecretValues, source: string): Promise<void> {
  const db = getDb();
  const now = Date.now();
  const rows: (typeof configManaged.$inferInsert)[] = [];
  const mark = (key: string, secretPath?: string) => {
    const kind = key.slice(0, key.indexOf(":"));
    rows.push({ kind, key: nameOfKey(key), source, secretRef: secretPath ? (secrets.get(secretPath)?.env ?? null) : null, appliedAt: now });
  };
  config.teams?.forEach((t) => mark(keyOf.team(t)));
  config.providers?.forEach((p, i) => {
    mark(keyOf.provider(p), `providers[${i}].apiKey`);
    p.models.forEach((m) => mark(keyOf.model(p.name, m)));
  });
  config.routes?.forEach((r) => mark(keyOf.route(r)));
  config.apis?.forEach((a, i) => mark(keyOf.api(a), `apis[${i}].mcp.authValue`));
  config.limits?.forEach((l) => mark(keyOf.limit(l)));
  config.budgets?.forEach((b) => mark(keyOf.budget(b)));
  config.detectors?.forEach((d) => mark(keyOf.detector(d)));
  config.policies?.forEach((p) => mark(keyOf.policy(p)));
  config.alertRules?.forEach((r, i) => mark(keyOf.alertRule(r), `alertRules[${i}].webhookSecret`));
  config.webhooks?.forEach((w, i) => mark(keyOf.webhook(w), `webhooks[${i}].secret`));
  for (const [section, kind] of Object.entries(MARK_KINDS)) {
    if (config[section as keyof ConfigFile] === undefined) continue;
    (await db.delete(configManaged).where(eq(configManaged.kind, kind)));
    if (kind === "provider") (await db.delete(configManaged).where(eq(configManaged.kind, "model")));
  }
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(`${r.kind}:${r.key}`)) continue;
    seen.add(`${r.kind}:${r.key}`);
    (await db.insert(configManaged).values(r).onConflictDoUpdate({ target: [configManaged.kind, configManaged.key], set: { source: r.source, secretRef: r.secretRef, appliedAt: r.appliedAt } }));
  }
}
