import { removeScopeRows } from "@/lib/policy/scope-cleanup";
import { withTransaction } from "@/lib/db/sql";
import { and, asc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { models, providers, routeGrants, routes, teams, type Route } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import {
  assertNoIssues,
  createRouteInput,
  normalizeTargets,
  routeFields,
  routeGrantsInput,
  updateRouteInput,
  validateRouteConfig,
  type ModelInfo,
  type RouteFields,
} from "./gateway-validation";

type Reader = Pick<ReturnType<typeof getDb>, "select">;

interface ModelLabel extends ModelInfo {
  label: string;
  providerId: string;
  providerName: string;
  upstreamModel: string;
}

async function modelIndex(db: Reader): Promise<Map<string, ModelLabel>> {
  const rows = (await db
    .select({ id: models.id, kind: models.kind, upstreamModel: models.upstreamModel, providerId: providers.id, providerName: providers.name })
    .from(models)
    .innerJoin(providers, eq(providers.id, models.providerId)));
  return new Map(rows.map((r) => [r.id, { kind: r.kind, label: `${r.providerName} / ${r.upstreamModel}`, providerId: r.providerId, providerName: r.providerName, upstreamModel: r.upstreamModel }]));
}

async function teamNames(db: Reader): Promise<Map<string, string>> {
  return new Map((await db.select({ id: teams.id, name: teams.name }).from(teams)).map((t) => [t.id, t.name]));
}

/** Validates a full route candidate against the models that exist now; returns the row fields to store. */
async function checkRoute(db: Reader, data: RouteFields): Promise<RouteFields> {
  assertNoIssues(validateRouteConfig(data, (await modelIndex(db))), "route");
  if (data.teamId !== null && !(await db.select({ id: teams.id }).from(teams).where(eq(teams.id, data.teamId)).limit(1))[0]) {
    throw new ValidationError("Invalid route: teamId: Team not found.", [{ field: "teamId", message: "Team not found." }]);
  }
  return {
    ...data,
    targets: normalizeTargets(data.strategy, data.targets),
    conditions: data.conditions.map((c) => ({ ...c, targets: normalizeTargets(c.strategy, c.targets) })),
  };
}

function aliasTaken(alias: string): ConflictError {
  return new ConflictError(`A route with alias "${alias}" already exists.`, { field: "alias" });
}

interface Owners {
  names: Map<string, string>;
  /** routeId → granted team ids */
  grants: Map<string, string[]>;
}

async function owners(db: Reader, routeIds?: string[]): Promise<Owners> {
  const rows = (await db
    .select({ routeId: routeGrants.routeId, teamId: routeGrants.teamId })
    .from(routeGrants)
    .where(routeIds ? inArray(routeGrants.routeId, routeIds) : undefined));
  const grants = new Map<string, string[]>();
  for (const g of rows) {
    const l = grants.get(g.routeId);
    if (l) l.push(g.teamId);
    else grants.set(g.routeId, [g.teamId]);
  }
  return { names: (await teamNames(db)), grants };
}

/** A route with its targets spelled out (provider / model) and its owner and grants, for list and detail views. */
function expand(r: Route, index: Map<string, ModelLabel>, o: Owners) {
  const describe = (t: { modelId: string; weight?: number }) => {
    const m = index.get(t.modelId);
    return { ...t, label: m?.label ?? `missing model ${t.modelId}`, kind: m?.kind ?? null, providerId: m?.providerId ?? null, upstreamModel: m?.upstreamModel ?? null };
  };
  const granted = (o.grants.get(r.id) ?? []).map((id) => ({ id, name: o.names.get(id) ?? id })).sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...r,
    owner: r.teamId ? { kind: "team" as const, teamId: r.teamId, teamName: o.names.get(r.teamId) ?? r.teamId } : { kind: "platform" as const, teamId: null, teamName: null },
    grantedTeams: granted,
    kind: r.targets.map((t) => index.get(t.modelId)?.kind).find(Boolean) ?? null,
    targetDetails: r.targets.map(describe),
    conditionDetails: r.conditions.map((c) => ({ ...c, targets: c.targets.map(describe) })),
  };
}

export async function createRoute({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const db = getDb();
  const data = (await checkRoute(db, parseWith(createRouteInput, input, "route")));
  if ((await db.select({ id: routes.id }).from(routes).where(eq(routes.alias, data.alias)).limit(1))[0]) throw aliasTaken(data.alias);
  const now = Date.now();
  const row: Route = { id: newId("rt"), ...data, createdAt: now, updatedAt: now };
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(routes).values(row));
      (await writeAudit(tx, actor, { action: "route.create", targetType: "route", targetId: row.id, after: row }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw aliasTaken(data.alias);
    throw e;
  }
  return expand(row, (await modelIndex(db)), (await owners(db, [row.id])));
}

/** Partial update: the merged route (retry merged field by field) is validated as a whole. */
export async function updateRoute({ actor, id, input }: { actor: Actor; id: string; input: unknown }) {
  requireAdmin(actor);
  const patch = parseWith(updateRouteInput, input, "route");
  const db = getDb();
  const before = (await db.select().from(routes).where(eq(routes.id, id)).limit(1))[0];
  if (!before) throw new NotFoundError("Route");
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const current = { alias: before.alias, description: before.description, strategy: before.strategy, targets: before.targets, conditions: before.conditions, enabled: before.enabled, teamId: before.teamId };
  // retry merges field by field; a null clears an optional timeout.
  const retry =
    patch.retry && typeof patch.retry === "object" && !Array.isArray(patch.retry)
      ? Object.fromEntries(Object.entries({ ...before.retry, ...(patch.retry as object) }).filter(([, v]) => v !== null))
      : (patch.retry ?? before.retry);
  const data = (await checkRoute(db, parseWith(routeFields, { ...current, ...defined, retry }, "route")));
  if (data.alias !== before.alias && (await db.select({ id: routes.id }).from(routes).where(eq(routes.alias, data.alias)).limit(1))[0]) throw aliasTaken(data.alias);
  const after: Route = { ...before, ...data, updatedAt: Date.now() };
  try {
    await withTransaction(async (tx) => {
      (await tx.update(routes).set(after).where(eq(routes.id, id)));
      const action = patch.enabled === false && before.enabled ? "route.disable" : patch.enabled === true && !before.enabled ? "route.enable" : "route.update";
      (await writeAudit(tx, actor, { action, targetType: "route", targetId: id, before, after }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw aliasTaken(data.alias);
    throw e;
  }
  return expand(after, (await modelIndex(db)), (await owners(db, [after.id])));
}

export async function deleteRoute({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  await withTransaction(async (tx) => {
    const before = (await tx.select().from(routes).where(eq(routes.id, id)).limit(1))[0];
    if (!before) throw new NotFoundError("Route");
    (await tx.delete(routes).where(eq(routes.id, id)));
    const policyRowsRemoved = await removeScopeRows(tx, "route", [id]);
    (await writeAudit(tx, actor, { action: "route.delete", targetType: "route", targetId: id, before, after: { policyRowsRemoved } }));
    await bumpConfigVersion(tx);
  });
  return { ok: true };
}

export async function listRoutes({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  const db = getDb();
  const index = (await modelIndex(db));
  const rows = (await db.select().from(routes).orderBy(asc(routes.alias)));
  const o = (await owners(db));
  return { items: rows.map((r) => expand(r, index, o)) };
}

export async function getRoute({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const r = (await db.select().from(routes).where(eq(routes.id, id)).limit(1))[0];
  if (!r) throw new NotFoundError("Route");
  return expand(r, (await modelIndex(db)), (await owners(db, [r.id])));
}

/**
 * Sets the teams that may expose a route in their APIs (besides its owner).
 * Revoking a grant does not edit APIs: the data plane stops serving the alias
 * through that team's APIs at once (403 route_not_granted), so it is visible.
 */
export async function setRouteGrants({ actor, id, input }: { actor: Actor; id: string; input: unknown }) {
  requireAdmin(actor);
  const { teamIds } = parseWith(routeGrantsInput, input, "grants");
  const db = getDb();
  const r = (await db.select().from(routes).where(eq(routes.id, id)).limit(1))[0];
  if (!r) throw new NotFoundError("Route");
  const wanted = [...new Set(teamIds)].filter((t) => t !== r.teamId);
  const known = new Set(wanted.length ? (await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, wanted))).map((t) => t.id) : []);
  const unknown = wanted.map((t, i) => ({ t, i })).filter((x) => !known.has(x.t));
  if (unknown.length) throw new ValidationError("Invalid grants: teamIds: Team not found.", unknown.map((x) => ({ field: `teamIds.${x.i}`, message: "Team not found." })));
  const before = (await db.select({ teamId: routeGrants.teamId }).from(routeGrants).where(eq(routeGrants.routeId, id))).map((g) => g.teamId);
  const add = wanted.filter((t) => !before.includes(t));
  const drop = before.filter((t) => !wanted.includes(t));
  if (add.length || drop.length) {
    const now = Date.now();
    await withTransaction(async (tx) => {
      for (const t of add) {
        (await tx.insert(routeGrants).values({ routeId: id, teamId: t, grantedBy: actor.userId, createdAt: now }).onConflictDoNothing());
        (await writeAudit(tx, actor, { action: "route.grant", targetType: "route", targetId: id, teamId: t, after: { alias: r.alias, teamId: t } }));
      }
      for (const t of drop) {
        (await tx.delete(routeGrants).where(and(eq(routeGrants.routeId, id), eq(routeGrants.teamId, t))));
        (await writeAudit(tx, actor, { action: "route.revoke_grant", targetType: "route", targetId: id, teamId: t, before: { alias: r.alias, teamId: t } }));
      }
      await bumpConfigVersion(tx);
    });
  }
  return expand(r, (await modelIndex(db)), (await owners(db, [id])));
}
