import { withTransaction } from "@/lib/db/sql";
/**
 * Control-plane verbs for rate limits and budgets: parse, check the actor's
 * scope, one transaction with an audit row, bump the config version (the
 * gateway reloads its policy snapshot). Admins manage everything; a team
 * admin manages the team, app and key policies of their teams; route limits
 * (global per model) are admin-only.
 */
import { z } from "zod";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import {
  apiKeys,
  apis,
  apps,
  budgetNotifications,
  budgets,
  BUDGET_PERIODS,
  BUDGET_SCOPES,
  LIMIT_SCOPES,
  rateLimits,
  routes,
  subscriptions,
  teams,
  type Budget,
  type RateLimit,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { isAdmin, requireAdmin, requireTeamAdmin, requireTeamMember, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "@/lib/services/audit";
import { readLedger } from "./ledger";
import { periodEnd, periodStart } from "./period";

const posInt = (what: string) => z.number({ message: `${what} must be a number.` }).int(`${what} must be a whole number.`).min(1, `${what} must be at least 1.`).max(1e9);

export const createLimitInput = z
  .strictObject({
    scope: z.enum(LIMIT_SCOPES, { message: `Scope is one of ${LIMIT_SCOPES.join(", ")}.` }),
    scopeId: z.string({ message: "Pick what the limit applies to." }).trim().min(1, "Pick what the limit applies to."),
    requestsPerMinute: posInt("Requests per minute").nullable().optional(),
    tokensPerMinute: posInt("Tokens per minute").nullable().optional(),
    burst: posInt("Burst").nullable().optional(),
  })
  .refine((v) => v.requestsPerMinute || v.tokensPerMinute, { message: "Set requests per minute, tokens per minute, or both.", path: ["requestsPerMinute"] });

export const updateLimitInput = z.strictObject({
  requestsPerMinute: posInt("Requests per minute").nullable().optional(),
  tokensPerMinute: posInt("Tokens per minute").nullable().optional(),
  burst: posInt("Burst").nullable().optional(),
});

const thresholds = z
  .array(z.number().int("Thresholds are whole percentages.").min(1, "Thresholds are 1–100 %.").max(100, "Thresholds are 1–100 %."))
  .max(10)
  .transform((a) => [...new Set(a)].sort((x, y) => x - y));

export const createBudgetInput = z.strictObject({
  scope: z.enum(BUDGET_SCOPES, { message: `Scope is one of ${BUDGET_SCOPES.join(", ")}.` }),
  scopeId: z.string({ message: "Pick what the budget applies to." }).trim().min(1, "Pick what the budget applies to."),
  period: z.enum(BUDGET_PERIODS, { message: "Period is day or month." }),
  limitUsd: z.number({ message: "Enter the budget in USD." }).positive("The budget must be more than 0.").max(1e9),
  thresholds: thresholds.default([50, 80, 100]),
});

export const updateBudgetInput = z.strictObject({
  limitUsd: z.number({ message: "Enter the budget in USD." }).positive("The budget must be more than 0.").max(1e9).optional(),
  thresholds: thresholds.optional(),
});

// ---------------------------------------------------------------- scope

/** The team owning a scope target (null for routes), and its display name; 422 when it does not exist. */
export async function resolveScope(scope: string, scopeId: string): Promise<{ teamId: string | null; name: string }> {
  const db = getDb();
  const missing = () => new ValidationError(`Invalid scopeId: no ${scope} ${scopeId}.`, [{ field: "scopeId", message: `No such ${scope}.` }]);
  if (scope === "team") {
    const t = (await db.select({ name: teams.name }).from(teams).where(eq(teams.id, scopeId)).limit(1))[0];
    if (!t) throw missing();
    return { teamId: scopeId, name: t.name };
  }
  if (scope === "app") {
    const a = (await db.select({ name: apps.name, teamId: apps.teamId }).from(apps).where(eq(apps.id, scopeId)).limit(1))[0];
    if (!a) throw missing();
    return { teamId: a.teamId, name: a.name };
  }
  if (scope === "key") {
    const k = (await db.select({ name: apiKeys.name, prefix: apiKeys.prefix, teamId: apiKeys.teamId, appTeam: apps.teamId }).from(apiKeys).leftJoin(apps, eq(apps.id, apiKeys.appId)).where(eq(apiKeys.id, scopeId)).limit(1))[0];
    if (!k) throw missing();
    return { teamId: k.appTeam ?? k.teamId, name: `${k.name} (${k.prefix}…)` };
  }
  if (scope === "api") {
    // Owned by a team: that team's admins may limit their own API.
    const a = (await db.select({ name: apis.name, teamId: apis.teamId }).from(apis).where(eq(apis.id, scopeId)).limit(1))[0];
    if (!a) throw missing();
    return { teamId: a.teamId, name: a.name };
  }
  const r = (await db.select({ alias: routes.alias }).from(routes).where(eq(routes.id, scopeId)).limit(1))[0];
  if (!r) throw missing();
  return { teamId: null, name: r.alias };
}

function requireScopeAdmin(actor: Actor, teamId: string | null): void {
  if (teamId === null) requireAdmin(actor);
  else requireTeamAdmin(actor, teamId);
}

/** Rows this actor may see: all for admins, else those whose scope belongs to a team they administer (or are a member of, for reads). */
async function visible<T extends { scope: string; scopeId: string }>(actor: Actor, rows: T[]): Promise<(T & { scopeName: string; teamId: string | null })[]> {
  const out: (T & { scopeName: string; teamId: string | null })[] = [];
  for (const r of rows) {
    let s: { teamId: string | null; name: string };
    try {
      s = (await resolveScope(r.scope, r.scopeId));
    } catch {
      s = { teamId: null, name: `${r.scopeId} (deleted)` };
    }
    if (!isAdmin(actor) && !(s.teamId && actor.memberships.some((m) => m.teamId === s.teamId && m.role === "team_admin"))) continue;
    out.push({ ...r, scopeName: s.name, teamId: s.teamId });
  }
  return out;
}

// ---------------------------------------------------------------- rate limits

export type LimitView = RateLimit & { scopeName: string; teamId: string | null };

export async function listLimits({ actor, scope, scopeId }: { actor: Actor; scope?: string; scopeId?: string }): Promise<{ items: LimitView[] }> {
  const conds = [];
  if (scope) conds.push(eq(rateLimits.scope, scope as RateLimit["scope"]));
  if (scopeId) conds.push(eq(rateLimits.scopeId, scopeId));
  const rows = (await getDb().select().from(rateLimits).where(conds.length ? and(...conds) : undefined).orderBy(asc(rateLimits.scope), asc(rateLimits.createdAt)));
  return { items: (await visible(actor, rows)) };
}

async function loadLimit(actor: Actor, id: string): Promise<{ row: RateLimit; teamId: string | null; name: string }> {
  const row = (await getDb().select().from(rateLimits).where(eq(rateLimits.id, id)).limit(1))[0];
  if (!row) throw new NotFoundError("Rate limit");
  let s: { teamId: string | null; name: string };
  try {
    s = (await resolveScope(row.scope, row.scopeId));
  } catch {
    s = { teamId: null, name: row.scopeId };
  }
  requireScopeAdmin(actor, s.teamId);
  return { row, ...s };
}

export async function createLimit({ actor, input }: { actor: Actor; input: unknown }): Promise<LimitView> {
  const d = parseWith(createLimitInput, input, "rate limit");
  const s = (await resolveScope(d.scope, d.scopeId));
  requireScopeAdmin(actor, s.teamId);
  const db = getDb();
  if ((await db.select({ id: rateLimits.id }).from(rateLimits).where(and(eq(rateLimits.scope, d.scope), eq(rateLimits.scopeId, d.scopeId))).limit(1))[0]) {
    throw new ConflictError(`This ${d.scope} already has a rate limit; edit it instead.`);
  }
  const now = Date.now();
  const row: RateLimit = {
    id: newId("rl"),
    scope: d.scope,
    scopeId: d.scopeId,
    requestsPerMinute: d.requestsPerMinute ?? null,
    tokensPerMinute: d.tokensPerMinute ?? null,
    burst: d.burst ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await withTransaction(async (tx) => {
    (await tx.insert(rateLimits).values(row));
    (await writeAudit(tx, actor, { action: "limit.create", targetType: "rate_limit", targetId: row.id, teamId: s.teamId, after: row }));
    await bumpConfigVersion(tx);
  });
  return { ...row, scopeName: s.name, teamId: s.teamId };
}

export async function updateLimit({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<LimitView> {
  const { row: before, teamId, name } = (await loadLimit(actor, id));
  const d = parseWith(updateLimitInput, input, "rate limit");
  const after: RateLimit = {
    ...before,
    requestsPerMinute: d.requestsPerMinute === undefined ? before.requestsPerMinute : d.requestsPerMinute,
    tokensPerMinute: d.tokensPerMinute === undefined ? before.tokensPerMinute : d.tokensPerMinute,
    burst: d.burst === undefined ? before.burst : d.burst,
    updatedAt: Date.now(),
  };
  if (!after.requestsPerMinute && !after.tokensPerMinute) {
    throw new ValidationError("Invalid rate limit: set requests per minute, tokens per minute, or both.", [{ field: "requestsPerMinute", message: "Set requests per minute, tokens per minute, or both." }]);
  }
  await withTransaction(async (tx) => {
    (await tx.update(rateLimits).set(after).where(eq(rateLimits.id, id)));
    (await writeAudit(tx, actor, { action: "limit.update", targetType: "rate_limit", targetId: id, teamId, before, after }));
    await bumpConfigVersion(tx);
  });
  return { ...after, scopeName: name, teamId };
}

export async function deleteLimit({ actor, id }: { actor: Actor; id: string }) {
  const { row, teamId } = (await loadLimit(actor, id));
  await withTransaction(async (tx) => {
    (await tx.delete(rateLimits).where(eq(rateLimits.id, id)));
    (await writeAudit(tx, actor, { action: "limit.delete", targetType: "rate_limit", targetId: id, teamId, before: row }));
    await bumpConfigVersion(tx);
  });
  return { ok: true as const };
}

// ---------------------------------------------------------------- budgets

export interface BudgetSpend {
  spentUsd: number;
  remainingUsd: number;
  percent: number;
  periodStart: number;
  resetsAt: number;
}

export type BudgetView = Budget & { scopeName: string; teamId: string | null } & BudgetSpend;

/** Spend of the current UTC period from the ledger (what every process has flushed). */
export async function spendOf(b: Pick<Budget, "scope" | "scopeId" | "period" | "limitUsd">, now = Date.now()): Promise<BudgetSpend> {
  const start = periodStart(b.period, now);
  const spent = await readLedger(b.scope, b.scopeId, b.period, start);
  return {
    spentUsd: Math.round(spent * 1e6) / 1e6,
    remainingUsd: Math.max(0, Math.round((b.limitUsd - spent) * 1e6) / 1e6),
    percent: b.limitUsd > 0 ? Math.round((spent / b.limitUsd) * 1000) / 10 : 0,
    periodStart: start,
    resetsAt: periodEnd(b.period, now),
  };
}

export async function listBudgets({ actor, scope, scopeId }: { actor: Actor; scope?: string; scopeId?: string }): Promise<{ items: BudgetView[] }> {
  const conds = [];
  if (scope) conds.push(eq(budgets.scope, scope as Budget["scope"]));
  if (scopeId) conds.push(eq(budgets.scopeId, scopeId));
  const rows = (await getDb().select().from(budgets).where(conds.length ? and(...conds) : undefined).orderBy(asc(budgets.scope), asc(budgets.createdAt)));
  return { items: await Promise.all((await visible(actor, rows)).map(async (b) => ({ ...b, ...(await spendOf(b)) }))) };
}

async function loadBudget(actor: Actor, id: string): Promise<{ row: Budget; teamId: string | null; name: string }> {
  const row = (await getDb().select().from(budgets).where(eq(budgets.id, id)).limit(1))[0];
  if (!row) throw new NotFoundError("Budget");
  let s: { teamId: string | null; name: string };
  try {
    s = (await resolveScope(row.scope, row.scopeId));
  } catch {
    s = { teamId: null, name: row.scopeId };
  }
  requireScopeAdmin(actor, s.teamId);
  return { row, ...s };
}

export async function createBudget({ actor, input }: { actor: Actor; input: unknown }): Promise<BudgetView> {
  const d = parseWith(createBudgetInput, input, "budget");
  const s = (await resolveScope(d.scope, d.scopeId));
  requireScopeAdmin(actor, s.teamId);
  const db = getDb();
  if ((await db.select({ id: budgets.id }).from(budgets).where(and(eq(budgets.scope, d.scope), eq(budgets.scopeId, d.scopeId), eq(budgets.period, d.period))).limit(1))[0]) {
    throw new ConflictError(`This ${d.scope} already has a ${d.period === "day" ? "daily" : "monthly"} budget; edit it instead.`);
  }
  const now = Date.now();
  const row: Budget = { id: newId("bgt"), scope: d.scope, scopeId: d.scopeId, period: d.period, limitUsd: d.limitUsd, thresholds: d.thresholds, createdAt: now, updatedAt: now };
  await withTransaction(async (tx) => {
    (await tx.insert(budgets).values(row));
    (await writeAudit(tx, actor, { action: "budget.create", targetType: "budget", targetId: row.id, teamId: s.teamId, after: row }));
    await bumpConfigVersion(tx);
  });
  return { ...row, scopeName: s.name, teamId: s.teamId, ...(await spendOf(row)) };
}

export async function updateBudget({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<BudgetView> {
  const { row: before, teamId, name } = (await loadBudget(actor, id));
  const d = parseWith(updateBudgetInput, input, "budget");
  const after: Budget = { ...before, limitUsd: d.limitUsd ?? before.limitUsd, thresholds: d.thresholds ?? before.thresholds, updatedAt: Date.now() };
  await withTransaction(async (tx) => {
    (await tx.update(budgets).set(after).where(eq(budgets.id, id)));
    (await writeAudit(tx, actor, { action: "budget.update", targetType: "budget", targetId: id, teamId, before, after }));
    await bumpConfigVersion(tx);
  });
  return { ...after, scopeName: name, teamId, ...(await spendOf(after)) };
}

export async function deleteBudget({ actor, id }: { actor: Actor; id: string }) {
  const { row, teamId } = (await loadBudget(actor, id));
  await withTransaction(async (tx) => {
    (await tx.delete(budgets).where(eq(budgets.id, id)));
    (await writeAudit(tx, actor, { action: "budget.delete", targetType: "budget", targetId: id, teamId, before: row }));
    await bumpConfigVersion(tx);
  });
  return { ok: true as const };
}

/** In-app list of thresholds crossed, newest first: admins all, others their teams'. */
export async function listBudgetNotifications({ actor, limit = 50 }: { actor: Actor; limit?: number }) {
  const teamIds = isAdmin(actor) ? null : actor.memberships.map((m) => m.teamId);
  const rows = (await getDb()
    .select({ n: budgetNotifications, b: budgets })
    .from(budgetNotifications)
    .innerJoin(budgets, eq(budgets.id, budgetNotifications.budgetId))
    .where(teamIds === null ? undefined : teamIds.length ? inArray(budgetNotifications.teamId, teamIds) : eq(budgetNotifications.id, ""))
    .orderBy(desc(budgetNotifications.at))
    .limit(limit));
  return {
    items: await Promise.all(rows.map(async ({ n, b }) => ({ ...n, scope: b.scope, scopeId: b.scopeId, period: b.period, scopeName: await safeName(b.scope, b.scopeId) }))),
  };
}

async function safeName(scope: string, id: string): Promise<string> {
  try {
    return (await resolveScope(scope, id)).name;
  } catch {
    return id;
  }
}

// ---------------------------------------------------------------- portal

export interface PolicyEntry {
  limit: Pick<RateLimit, "requestsPerMinute" | "tokensPerMinute" | "burst"> | null;
  budgets: (Pick<Budget, "id" | "period" | "limitUsd" | "thresholds"> & BudgetSpend)[];
}

/** What a developer sees on the app page: the limits and budgets of the app, each of its keys, and its team. */
export async function getAppPolicies({ actor, appId }: { actor: Actor; appId: string }) {
  const db = getDb();
  const app = (await db.select().from(apps).where(eq(apps.id, appId)).limit(1))[0];
  if (!app) throw new NotFoundError("App");
  requireTeamMember(actor, app.teamId);
  const team = (await db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.id, app.teamId)).limit(1))[0]!;
  const keyRows = (await db.select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.appId, appId)).orderBy(asc(apiKeys.createdAt)));
  const entry = async (scope: string, id: string): Promise<PolicyEntry> => {
    const l = (await db.select().from(rateLimits).where(and(eq(rateLimits.scope, scope as RateLimit["scope"]), eq(rateLimits.scopeId, id))).limit(1))[0];
    const bs = (await db.select().from(budgets).where(and(eq(budgets.scope, scope as Budget["scope"]), eq(budgets.scopeId, id))).orderBy(asc(budgets.period)));
    return {
      limit: l ? { requestsPerMinute: l.requestsPerMinute, tokensPerMinute: l.tokensPerMinute, burst: l.burst } : null,
      budgets: await Promise.all(bs.map(async (b) => ({ id: b.id, period: b.period, limitUsd: b.limitUsd, thresholds: b.thresholds, ...(await spendOf(b)) }))),
    };
  };
  // Global per-model limits of the routes this app may call (its approved subscriptions).
  const aliases = new Set<string>();
  const approved = (await db
    .select({ apiId: apis.id, apiName: apis.name, routeAliases: apis.routeAliases })
    .from(subscriptions)
    .innerJoin(apis, eq(apis.id, subscriptions.apiId))
    .where(and(eq(subscriptions.appId, appId), eq(subscriptions.state, "approved"))));
  for (const a of approved) for (const al of a.routeAliases) aliases.add(al);
  const routeLimits = aliases.size
    ? (await db
        .select({ alias: routes.alias, l: rateLimits })
        .from(routes)
        .innerJoin(rateLimits, and(eq(rateLimits.scope, "route"), eq(rateLimits.scopeId, routes.id)))
        .where(inArray(routes.alias, [...aliases]))
        .orderBy(asc(routes.alias)))
        .map((r) => ({ alias: r.alias, limit: { requestsPerMinute: r.l.requestsPerMinute, tokensPerMinute: r.l.tokensPerMinute, burst: r.l.burst } }))
    : [];
  // Global limits of the APIs this app is approved for.
  const apiLimits = (
    await Promise.all(
      approved.map(async (a) => {
    const l = (await db.select().from(rateLimits).where(and(eq(rateLimits.scope, "api"), eq(rateLimits.scopeId, a.apiId))).limit(1))[0];
    return l ? [{ name: a.apiName, limit: { requestsPerMinute: l.requestsPerMinute, tokensPerMinute: l.tokensPerMinute, burst: l.burst } }] : [];
      }),
    )
  ).flat();
  return {
    apis: apiLimits,
    routes: routeLimits,
    app: { id: app.id, name: app.name, ...(await entry("app", app.id)) },
    team: { id: team.id, name: team.name, ...(await entry("team", team.id)) },
    keys: await Promise.all(keyRows.filter((k) => !k.revokedAt).map(async (k) => ({ id: k.id, name: k.name, prefix: k.prefix, ...(await entry("key", k.id)) }))),
  };
}
