import { asc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { models, providers, routes, type Route } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/handler";
import { writeAudit } from "./audit";
import {
  assertNoIssues,
  createRouteInput,
  normalizeTargets,
  routeFields,
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

function modelIndex(db: Reader): Map<string, ModelLabel> {
  const rows = db
    .select({ id: models.id, kind: models.kind, upstreamModel: models.upstreamModel, providerId: providers.id, providerName: providers.name })
    .from(models)
    .innerJoin(providers, eq(providers.id, models.providerId))
    .all();
  return new Map(rows.map((r) => [r.id, { kind: r.kind, label: `${r.providerName} / ${r.upstreamModel}`, providerId: r.providerId, providerName: r.providerName, upstreamModel: r.upstreamModel }]));
}

/** Validates a full route candidate against the models that exist now; returns the row fields to store. */
function checkRoute(db: Reader, data: RouteFields): RouteFields {
  assertNoIssues(validateRouteConfig(data, modelIndex(db)), "route");
  return {
    ...data,
    targets: normalizeTargets(data.strategy, data.targets),
    conditions: data.conditions.map((c) => ({ ...c, targets: normalizeTargets(c.strategy, c.targets) })),
  };
}

function aliasTaken(alias: string): ConflictError {
  return new ConflictError(`A route with alias "${alias}" already exists.`, { field: "alias" });
}

/** A route with its targets spelled out (provider / model) for list and detail views. */
function expand(r: Route, index: Map<string, ModelLabel>) {
  const describe = (t: { modelId: string; weight?: number }) => {
    const m = index.get(t.modelId);
    return { ...t, label: m?.label ?? `missing model ${t.modelId}`, kind: m?.kind ?? null, providerId: m?.providerId ?? null, upstreamModel: m?.upstreamModel ?? null };
  };
  return {
    ...r,
    kind: r.targets.map((t) => index.get(t.modelId)?.kind).find(Boolean) ?? null,
    targetDetails: r.targets.map(describe),
    conditionDetails: r.conditions.map((c) => ({ ...c, targets: c.targets.map(describe) })),
  };
}

export function createRoute({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const db = getDb();
  const data = checkRoute(db, parseWith(createRouteInput, input, "route"));
  if (db.select({ id: routes.id }).from(routes).where(eq(routes.alias, data.alias)).get()) throw aliasTaken(data.alias);
  const now = Date.now();
  const row: Route = { id: newId("rt"), ...data, createdAt: now, updatedAt: now };
  try {
    db.transaction((tx) => {
      tx.insert(routes).values(row).run();
      writeAudit(tx, actor, { action: "route.create", targetType: "route", targetId: row.id, after: row });
      bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw aliasTaken(data.alias);
    throw e;
  }
  return expand(row, modelIndex(db));
}

/** Partial update: the merged route (retry merged field by field) is validated as a whole. */
export function updateRoute({ actor, id, input }: { actor: Actor; id: string; input: unknown }) {
  requireAdmin(actor);
  const patch = parseWith(updateRouteInput, input, "route");
  const db = getDb();
  const before = db.select().from(routes).where(eq(routes.id, id)).get();
  if (!before) throw new NotFoundError("Route");
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const current = { alias: before.alias, description: before.description, strategy: before.strategy, targets: before.targets, conditions: before.conditions, enabled: before.enabled };
  // retry merges field by field; a null clears an optional timeout.
  const retry =
    patch.retry && typeof patch.retry === "object" && !Array.isArray(patch.retry)
      ? Object.fromEntries(Object.entries({ ...before.retry, ...(patch.retry as object) }).filter(([, v]) => v !== null))
      : (patch.retry ?? before.retry);
  const data = checkRoute(db, parseWith(routeFields, { ...current, ...defined, retry }, "route"));
  if (data.alias !== before.alias && db.select({ id: routes.id }).from(routes).where(eq(routes.alias, data.alias)).get()) throw aliasTaken(data.alias);
  const after: Route = { ...before, ...data, updatedAt: Date.now() };
  try {
    db.transaction((tx) => {
      tx.update(routes).set(after).where(eq(routes.id, id)).run();
      const action = patch.enabled === false && before.enabled ? "route.disable" : patch.enabled === true && !before.enabled ? "route.enable" : "route.update";
      writeAudit(tx, actor, { action, targetType: "route", targetId: id, before, after });
      bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw aliasTaken(data.alias);
    throw e;
  }
  return expand(after, modelIndex(db));
}

export function deleteRoute({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  getDb().transaction((tx) => {
    const before = tx.select().from(routes).where(eq(routes.id, id)).get();
    if (!before) throw new NotFoundError("Route");
    tx.delete(routes).where(eq(routes.id, id)).run();
    writeAudit(tx, actor, { action: "route.delete", targetType: "route", targetId: id, before });
    bumpConfigVersion(tx);
  });
  return { ok: true };
}

export function listRoutes({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  const db = getDb();
  const index = modelIndex(db);
  const rows = db.select().from(routes).orderBy(asc(routes.alias)).all();
  return { items: rows.map((r) => expand(r, index)) };
}

export function getRoute({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const r = db.select().from(routes).where(eq(routes.id, id)).get();
  if (!r) throw new NotFoundError("Route");
  return expand(r, modelIndex(db));
}
