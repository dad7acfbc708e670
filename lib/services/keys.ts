import { runSql, withTransaction } from "@/lib/db/sql";
/**
 * Gateway keys. A key belongs to an app (its team derives from the app);
 * `pk_` + 32 random bytes in base62, stored as sha256 + a display prefix, the
 * plaintext returned once by create/rotate and nowhere else.
 *
 * Two surfaces: the portal (`createAppKey`, `rotateKey`, `revokeAppKey`: any
 * member of the app's team) and the admin Keys page (`createKey`, `listKeys`,
 * `getKey`, `updateKey`, `revokeKey`: platform admins).
 */
import { z } from "zod";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { apiKeys, apps, budgets, rateLimits, spendLedger, teams, type ApiKey, type App } from "@/lib/db/schema";
import { newId, randomBase62, sha256Hex } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import { updateKeyInput, KEY_PREFIX_LENGTH } from "./gateway-validation";
import { keyStatus, keyView, loadApp, type KeyStatus, type KeyView } from "./access-views";
import { requireAppAccess } from "./apps";

const keyName = z.string().trim().min(1, "Give the key a name.").max(80, "At most 80 characters.");
const expiresInDays = z.number().int("Use a whole number of days.").min(1, "At least 1 day.").max(3650, "At most 3650 days.");

/** Portal: `POST /api/portal/apps/{id}/keys`. */
export const createAppKeyInput = z.strictObject({
  name: keyName,
  expiresInDays: expiresInDays.nullable().optional(),
});

/** Admin Keys page: the same plus the app (the key's team is the app's team). */
export const createKeyInput = createAppKeyInput.extend({
  appId: z.string({ message: "Choose an app." }).trim().min(1, "Choose an app."),
});

export const MAX_GRACE_HOURS = 168;

export const rotateKeyInput = z.strictObject({
  graceHours: z
    .number({ message: "graceHours must be a number of hours (0–168)." })
    .int("Use a whole number of hours.")
    .min(0, "Grace cannot be negative.")
    .max(MAX_GRACE_HOURS, `At most ${MAX_GRACE_HOURS} hours (7 days).`),
});

/** What the admin API shows of a key: never the hash. */
export type PublicKey = Omit<ApiKey, "keyHash"> & { teamName: string | null; appName: string | null; status: KeyStatus };

export function publicKey(k: ApiKey, teamName: string | null = null, appName: string | null = null): PublicKey {
  const { keyHash, ...rest } = k;
  void keyHash;
  return { ...rest, teamName, appName, status: keyStatus(k) };
}

type Tx = ReturnType<typeof getDb>;

/** Builds a new key row for `app`; the plaintext is returned beside it, never stored. */
function newKeyRow(actor: Actor, app: App, name: string, now: number, expiresAt: number | null, rotatedFromId: string | null): { row: ApiKey; key: string } {
  const key = `pk_${randomBase62(32)}`;
  const row: ApiKey = {
    id: newId("key"),
    name,
    keyHash: sha256Hex(key),
    prefix: key.slice(0, KEY_PREFIX_LENGTH),
    teamId: app.teamId,
    appId: app.id,
    rotatedFromId,
    createdBy: actor.userId,
    createdAt: now,
    lastUsedAt: null,
    expiresAt,
    revokedAt: null,
  };
  return { row, key };
}

async function insertKey(tx: Tx, actor: Actor, row: ApiKey, action: string): Promise<void> {
  (await tx.insert(apiKeys).values(row));
  (await writeAudit(tx, actor, { action, targetType: "api_key", targetId: row.id, teamId: row.teamId, after: keyView(row) }));
}

async function issueKey(actor: Actor, app: App, name: string, days: number | null | undefined): Promise<{ row: ApiKey; key: string }> {
  const now = Date.now();
  const made = newKeyRow(actor, app, name, now, days ? now + days * 86_400_000 : null, null);
  await withTransaction(async (tx) => {
    (await insertKey(tx, actor, made.row, "api_key.create"));
    await bumpConfigVersion(tx);
  });
  return made;
}

/** Portal: a new key for an app of the caller's team. */
export async function createAppKey({ actor, appId, input }: { actor: Actor; appId: string; input: unknown }): Promise<KeyView & { key: string }> {
  const app = (await requireAppAccess(actor, appId));
  const data = parseWith(createAppKeyInput, input, "key");
  const { row, key } = (await issueKey(actor, app, data.name, data.expiresInDays));
  return { ...keyView(row), key };
}

export async function listAppKeys({ actor, appId }: { actor: Actor; appId: string }): Promise<{ items: KeyView[] }> {
  (await requireAppAccess(actor, appId));
  const rows = (await getDb().select().from(apiKeys).where(eq(apiKeys.appId, appId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)));
  return { items: rows.map(keyView) };
}

async function appKey(actor: Actor, appId: string, keyId: string): Promise<{ app: App; key: ApiKey }> {
  const app = (await requireAppAccess(actor, appId));
  const key = (await getDb().select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.appId, appId))).limit(1))[0];
  if (!key) throw new NotFoundError("API key");
  return { app, key };
}

/** Portal: revokes a key of an app; the next request with it gets 401. 409 if already revoked. */
export async function revokeAppKey({ actor, appId, keyId }: { actor: Actor; appId: string; keyId: string }): Promise<KeyView> {
  const { key: before } = (await appKey(actor, appId, keyId));
  if (before.revokedAt) throw new ConflictError("This key is already revoked.", { key: keyView(before) });
  const after: ApiKey = { ...before, revokedAt: Date.now() };
  await withTransaction(async (tx) => {
    (await tx.update(apiKeys).set({ revokedAt: after.revokedAt }).where(eq(apiKeys.id, keyId)));
    (await writeAudit(tx, actor, { action: "api_key.revoke", targetType: "api_key", targetId: keyId, teamId: before.teamId, before: keyView(before), after: keyView(after) }));
    await bumpConfigVersion(tx);
  });
  return keyView(after);
}

/**
 * Rotation keeps the key's rate limit, budgets and this period's spend: the
 * policy rows move to the new key id and the old key's spend-ledger rows are
 * added to the new key's. The data plane maps the old key (valid during the
 * grace period) to its successor, and keeps the rate-limit bucket on the first
 * key of the chain, so rotating neither resets nor escapes a limit
 * (lib/policy/policy-snapshot.ts).
 */
async function carryKeyPolicies(tx: Tx, fromId: string, toId: string): Promise<void> {
  (await tx.update(rateLimits).set({ scopeId: toId, updatedAt: Date.now() }).where(and(eq(rateLimits.scope, "key"), eq(rateLimits.scopeId, fromId))));
  (await tx.update(budgets).set({ scopeId: toId, updatedAt: Date.now() }).where(and(eq(budgets.scope, "key"), eq(budgets.scopeId, fromId))));
  (await runSql(sql`INSERT INTO spend_ledger (scope, scope_id, period, period_start, spend_usd, requests, updated_at)
    SELECT scope, ${toId}, period, period_start, spend_usd, requests, updated_at FROM spend_ledger WHERE scope = 'key' AND scope_id = ${fromId}
    ON CONFLICT(scope, scope_id, period, period_start) DO UPDATE SET spend_usd = spend_usd + excluded.spend_usd, requests = requests + excluded.requests, updated_at = excluded.updated_at`, tx));
  (await tx.delete(spendLedger).where(and(eq(spendLedger.scope, "key"), eq(spendLedger.scopeId, fromId))));
}

/**
 * Rotation: a new key (same name, `rotatedFromId` = the old one, the same
 * lifetime if the old one had an expiry) and the old key's `expiresAt`
 * becomes now + grace (never later than it already was). graceHours 0 ends
 * the old key at once. Only an active key can be rotated (409 otherwise).
 */
export async function rotateKey({ actor, appId, keyId, input }: { actor: Actor; appId: string; keyId: string; input: unknown }): Promise<{
  key: KeyView & { key: string };
  previous: KeyView;
}> {
  const { app, key: old } = (await appKey(actor, appId, keyId));
  const data = parseWith(rotateKeyInput, input, "rotation");
  const status = keyStatus(old);
  if (status !== "active") throw new ConflictError(`Only an active key can be rotated; this one is ${status}. Create a new key instead.`, { key: keyView(old) });
  const now = Date.now();
  const graceEnd = now + data.graceHours * 3_600_000;
  const previous: ApiKey = { ...old, expiresAt: old.expiresAt !== null ? Math.min(old.expiresAt, graceEnd) : graceEnd };
  const lifetime = old.expiresAt !== null ? old.expiresAt - old.createdAt : null;
  const made = newKeyRow(actor, app, old.name, now, lifetime !== null ? now + lifetime : null, old.id);
  await withTransaction(async (tx) => {
    (await insertKey(tx, actor, made.row, "api_key.rotate"));
    (await tx.update(apiKeys).set({ expiresAt: previous.expiresAt }).where(eq(apiKeys.id, old.id)));
    (await carryKeyPolicies(tx, old.id, made.row.id));
    (await writeAudit(tx, actor, {
      action: "api_key.rotate_out",
      targetType: "api_key",
      targetId: old.id,
      teamId: old.teamId,
      before: keyView(old),
      after: { ...keyView(previous), graceHours: data.graceHours, replacedBy: made.row.id },
    }));
    await bumpConfigVersion(tx);
  });
  return { key: { ...keyView(made.row), key: made.key }, previous: keyView(previous) };
}

// ---------------------------------------------------------------- admin Keys page

async function keyRowWithNames(id: string) {
  return (await getDb()
    .select({ key: apiKeys, teamName: teams.name, appName: apps.name })
    .from(apiKeys)
    .leftJoin(teams, eq(teams.id, apiKeys.teamId))
    .leftJoin(apps, eq(apps.id, apiKeys.appId))
    .where(eq(apiKeys.id, id)).limit(1))[0];
}

/** Admin: a key for any app (`{appId, name, expiresInDays?}`); the response carries the plaintext once. */
export async function createKey({ actor, input }: { actor: Actor; input: unknown }): Promise<PublicKey & { key: string }> {
  requireAdmin(actor);
  const data = parseWith(createKeyInput, input, "key");
  const app = (await loadApp(getDb(), data.appId));
  if (!app) throw new ValidationError("Invalid key: appId: App not found.", [{ field: "appId", message: "App not found." }]);
  const { row, key } = (await issueKey(actor, app, data.name, data.expiresInDays));
  const named = (await keyRowWithNames(row.id))!;
  return { ...publicKey(row, named.teamName, named.appName), key };
}

export async function listKeys({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  const rows = (await getDb()
    .select({ key: apiKeys, teamName: teams.name, appName: apps.name })
    .from(apiKeys)
    .leftJoin(teams, eq(teams.id, apiKeys.teamId))
    .leftJoin(apps, eq(apps.id, apiKeys.appId))
    .orderBy(desc(apiKeys.createdAt)));
  return { items: rows.map((r) => publicKey(r.key, r.teamName, r.appName)) };
}

export async function getKey({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const r = (await keyRowWithNames(id));
  if (!r) throw new NotFoundError("API key");
  return publicKey(r.key, r.teamName, r.appName);
}

/** Renames a key (the only mutable field; the secret itself never changes — rotate instead). */
export async function updateKey({ actor, id, input }: { actor: Actor; id: string; input: unknown }) {
  requireAdmin(actor);
  const data = parseWith(updateKeyInput, input, "key");
  const db = getDb();
  const before = (await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1))[0];
  if (!before) throw new NotFoundError("API key");
  const after = { ...before, name: data.name };
  await withTransaction(async (tx) => {
    (await tx.update(apiKeys).set({ name: data.name }).where(eq(apiKeys.id, id)));
    (await writeAudit(tx, actor, { action: "api_key.update", targetType: "api_key", targetId: id, teamId: before.teamId, before: publicKey(before), after: publicKey(after) }));
    await bumpConfigVersion(tx);
  });
  return (await getKey({ actor, id }));
}

export async function revokeKey({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const before = (await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1))[0];
  if (!before || before.revokedAt) throw new NotFoundError("Active API key");
  const revokedAt = Date.now();
  await withTransaction(async (tx) => {
    (await tx.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, id)));
    (await writeAudit(tx, actor, { action: "api_key.revoke", targetType: "api_key", targetId: id, teamId: before.teamId, before: publicKey(before), after: publicKey({ ...before, revokedAt }) }));
    await bumpConfigVersion(tx);
  });
  return { ok: true };
}
