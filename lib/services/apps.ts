import { removeScopeRows } from "@/lib/policy/scope-cleanup";
import { withTransaction } from "@/lib/db/sql";
/**
 * Apps: a team's application; it holds keys and subscriptions. Any member of
 * the team may manage its apps (docs/access.md, "Who may do what").
 */
import { z } from "zod";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { apiKeys, apps, subscriptions, teams, type App } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireTeamMember, visibleTeamIds, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import {
  adminTeamIds,
  appView,
  appViews,
  inIds,
  keyView,
  loadApp,
  publicSubscription,
  subscriptionViews,
  type AppView,
  type KeyView,
  type SubscriptionView,
} from "./access-views";

const appName = z.string().trim().min(1, "Give the app a name.").max(80, "At most 80 characters.");
const appDescription = z.string().trim().max(500, "At most 500 characters.");

export const createAppInput = z.strictObject({
  teamId: z.string({ message: "Choose a team." }).trim().min(1, "Choose a team."),
  name: appName,
  description: appDescription.default(""),
});

export const updateAppInput = z.strictObject({
  name: appName.optional(),
  description: appDescription.optional(),
});

function nameTaken(name: string): ConflictError {
  return new ConflictError(`This team already has an app named "${name}".`, { field: "name" });
}

/** Loads an app the actor may manage (admin, or a member of its team): 404, then 403. */
export async function requireAppAccess(actor: Actor, id: string): Promise<App> {
  const app = (await loadApp(getDb(), id));
  if (!app) throw new NotFoundError("App");
  requireTeamMember(actor, app.teamId);
  return app;
}

export async function createApp({ actor, input }: { actor: Actor; input: unknown }): Promise<AppView> {
  const data = parseWith(createAppInput, input, "app");
  requireTeamMember(actor, data.teamId);
  const db = getDb();
  if (!(await db.select({ id: teams.id }).from(teams).where(eq(teams.id, data.teamId)).limit(1))[0]) {
    throw new ValidationError("Invalid app: teamId: Team not found.", [{ field: "teamId", message: "Team not found." }]);
  }
  if ((await db.select({ id: apps.id }).from(apps).where(and(eq(apps.teamId, data.teamId), eq(apps.name, data.name))).limit(1))[0]) throw nameTaken(data.name);
  const now = Date.now();
  const row: App = { id: newId("app"), teamId: data.teamId, name: data.name, description: data.description, ownerId: actor.userId, createdAt: now, updatedAt: now };
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(apps).values(row));
      (await writeAudit(tx, actor, { action: "app.create", targetType: "app", targetId: row.id, teamId: row.teamId, after: row }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw nameTaken(data.name);
    throw e;
  }
  return (await appView(db, row));
}

export async function updateApp({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<AppView> {
  const before = (await requireAppAccess(actor, id));
  const data = parseWith(updateAppInput, input, "app");
  const after: App = { ...before, ...data, updatedAt: Date.now() };
  const db = getDb();
  if (data.name !== undefined && data.name !== before.name) {
    if ((await db.select({ id: apps.id }).from(apps).where(and(eq(apps.teamId, before.teamId), eq(apps.name, data.name))).limit(1))[0]) throw nameTaken(data.name);
  }
  try {
    await withTransaction(async (tx) => {
      (await tx.update(apps).set({ name: after.name, description: after.description, updatedAt: after.updatedAt }).where(eq(apps.id, id)));
      (await writeAudit(tx, actor, { action: "app.update", targetType: "app", targetId: id, teamId: before.teamId, before, after }));
      // The snapshot holds app names (they appear in refusal messages).
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw nameTaken(after.name);
    throw e;
  }
  return (await appView(db, after));
}

/**
 * Deletes an app and its subscriptions. Its keys are revoked and detached
 * (not deleted: request logs still name them), so they stop working at once.
 */
export async function deleteApp({ actor, id }: { actor: Actor; id: string }) {
  const before = (await requireAppAccess(actor, id));
  const now = Date.now();
  await withTransaction(async (tx) => {
    const keys = (await tx.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.appId, id)));
    const subs = (await tx.select({ id: subscriptions.id, apiId: subscriptions.apiId, state: subscriptions.state }).from(subscriptions).where(eq(subscriptions.appId, id)));
    (await tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.appId, id), isNull(apiKeys.revokedAt))));
    (await tx.update(apiKeys).set({ appId: null }).where(eq(apiKeys.appId, id)));
    (await tx.delete(apps).where(eq(apps.id, id)));
    // the app's limits and budgets, and those of its keys (revoked above: they never serve again)
    const scopeRows = (await removeScopeRows(tx, "app", [id])) + (await removeScopeRows(tx, "key", keys.map((k) => k.id)));
    (await writeAudit(tx, actor, {
      action: "app.delete",
      targetType: "app",
      targetId: id,
      teamId: before.teamId,
      before: { ...before, keys: keys.map((k) => k.id), subscriptions: subs },
      after: { keysRevoked: keys.filter((k) => !k.revokedAt).length, subscriptionsRemoved: subs.length, policyRowsRemoved: scopeRows },
    }));
    await bumpConfigVersion(tx);
  });
  return { ok: true as const };
}

/** Portal: the apps of the caller's teams (admins: all). */
export async function listApps({ actor }: { actor: Actor }): Promise<{ items: AppView[] }> {
  const ids = visibleTeamIds(actor);
  const db = getDb();
  const rows = (await db
    .select()
    .from(apps)
    .where(ids === null ? undefined : inIds(apps.teamId, ids))
    .orderBy(asc(apps.name), asc(apps.id)));
  return { items: (await appViews(db, rows)) };
}

/** Admin: every app (admin) or the apps of the teams the caller administers (team admin). */
export async function listAllApps({ actor }: { actor: Actor }): Promise<{ items: AppView[] }> {
  const ids = adminTeamIds(actor);
  const db = getDb();
  const rows = (await db
    .select()
    .from(apps)
    .where(ids === null ? undefined : inIds(apps.teamId, ids))
    .orderBy(desc(apps.createdAt), asc(apps.id)));
  return { items: (await appViews(db, rows)) };
}

export async function getApp({ actor, id }: { actor: Actor; id: string }): Promise<{ app: AppView; keys: KeyView[]; subscriptions: SubscriptionView[] }> {
  const app = (await requireAppAccess(actor, id));
  const db = getDb();
  const keys = (await db.select().from(apiKeys).where(eq(apiKeys.appId, id)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)));
  return {
    app: (await appView(db, app)),
    keys: keys.map(keyView),
    subscriptions: (await subscriptionViews(db, eq(subscriptions.appId, id))).map(publicSubscription),
  };
}
