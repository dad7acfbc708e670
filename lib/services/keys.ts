import { desc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { apiKeys, teams, type ApiKey } from "@/lib/db/schema";
import { newId, randomBase62, sha256Hex } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/handler";
import { writeAudit } from "./audit";
import { createKeyInput, updateKeyInput, KEY_PREFIX_LENGTH } from "./gateway-validation";

/** What the API shows of a key: never the hash (and the plaintext only once, from createKey). */
export type PublicKey = Omit<ApiKey, "keyHash"> & { teamName: string | null; status: "active" | "revoked" | "expired" };

function keyStatus(k: Pick<ApiKey, "revokedAt" | "expiresAt">, now = Date.now()): PublicKey["status"] {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt <= now) return "expired";
  return "active";
}

export function publicKey(k: ApiKey, teamName: string | null = null): PublicKey {
  const { keyHash, ...rest } = k;
  return { ...rest, teamName, status: keyStatus(k) };
}

function teamName(teamId: string | null): string | null {
  if (!teamId) return null;
  const t = getDb().select({ name: teams.name }).from(teams).where(eq(teams.id, teamId)).get();
  if (!t) throw new ValidationError("Invalid key: teamId: Team not found.", [{ field: "teamId", message: "Team not found." }]);
  return t.name;
}

/**
 * Creates a gateway key `pk_` + 32 random bytes in base62. Only its sha256 and a
 * display prefix are stored; the plaintext is in this return value and nowhere else.
 */
export function createKey({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const data = parseWith(createKeyInput, input, "key");
  const team = teamName(data.teamId ?? null);
  const key = `pk_${randomBase62(32)}`;
  const now = Date.now();
  const row: ApiKey = {
    id: newId("key"),
    name: data.name,
    keyHash: sha256Hex(key),
    prefix: key.slice(0, KEY_PREFIX_LENGTH),
    teamId: data.teamId ?? null,
    createdBy: actor.userId,
    createdAt: now,
    lastUsedAt: null,
    expiresAt: data.expiresInDays ? now + data.expiresInDays * 86_400_000 : null,
    revokedAt: null,
  };
  getDb().transaction((tx) => {
    tx.insert(apiKeys).values(row).run();
    writeAudit(tx, actor, { action: "api_key.create", targetType: "api_key", targetId: row.id, teamId: row.teamId, after: publicKey(row, team) });
    bumpConfigVersion(tx);
  });
  return { ...publicKey(row, team), key };
}

export function listKeys({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  const rows = getDb()
    .select({ key: apiKeys, teamName: teams.name })
    .from(apiKeys)
    .leftJoin(teams, eq(teams.id, apiKeys.teamId))
    .orderBy(desc(apiKeys.createdAt))
    .all();
  return { items: rows.map((r) => publicKey(r.key, r.teamName)) };
}

export function getKey({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const r = getDb().select({ key: apiKeys, teamName: teams.name }).from(apiKeys).leftJoin(teams, eq(teams.id, apiKeys.teamId)).where(eq(apiKeys.id, id)).get();
  if (!r) throw new NotFoundError("API key");
  return publicKey(r.key, r.teamName);
}

/** Renames a key (the only mutable field; the secret itself never changes — revoke and create instead). */
export function updateKey({ actor, id, input }: { actor: Actor; id: string; input: unknown }) {
  requireAdmin(actor);
  const data = parseWith(updateKeyInput, input, "key");
  const db = getDb();
  const before = db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!before) throw new NotFoundError("API key");
  const after = { ...before, name: data.name };
  db.transaction((tx) => {
    tx.update(apiKeys).set({ name: data.name }).where(eq(apiKeys.id, id)).run();
    writeAudit(tx, actor, { action: "api_key.update", targetType: "api_key", targetId: id, teamId: before.teamId, before: publicKey(before), after: publicKey(after) });
    bumpConfigVersion(tx);
  });
  return getKey({ actor, id });
}

export function revokeKey({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const before = db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!before || before.revokedAt) throw new NotFoundError("Active API key");
  const revokedAt = Date.now();
  db.transaction((tx) => {
    tx.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, id)).run();
    writeAudit(tx, actor, { action: "api_key.revoke", targetType: "api_key", targetId: id, teamId: before.teamId, before: publicKey(before), after: publicKey({ ...before, revokedAt }) });
    bumpConfigVersion(tx);
  });
  return { ok: true };
}
