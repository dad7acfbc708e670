import { withTransaction } from "@/lib/db/sql";
import { z } from "zod";
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { adminTokens } from "@/lib/db/schema";
import { newId, randomBase62, sha256Hex } from "@/lib/ids";
import { NotFoundError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { writeAudit } from "./audit";
import { parseWith } from "@/lib/api/parse";

export const createTokenInput = z.strictObject({
  name: z.string().trim().min(1, "Give the token a name.").max(80),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** Creates an admin API token; the plaintext is returned once and never stored. */
export async function createAdminToken({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const data = parseWith(createTokenInput, input, "token");
  const token = `pat_${randomBase62(32)}`;
  const now = Date.now();
  const row = {
    id: newId("tok"),
    name: data.name,
    tokenHash: sha256Hex(token),
    prefix: token.slice(0, 10),
    userId: actor.userId,
    createdAt: now,
    lastUsedAt: null,
    expiresAt: data.expiresInDays ? now + data.expiresInDays * 86_400_000 : null,
    revokedAt: null,
  };
  await withTransaction(async (tx) => {
    (await tx.insert(adminTokens).values(row));
    (await writeAudit(tx, actor, { action: "admin_token.create", targetType: "admin_token", targetId: row.id, after: row }));
  });
  const { tokenHash, ...shown } = row;
  return { ...shown, token };
}

export async function listAdminTokens({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  const rows = (await getDb().select().from(adminTokens).orderBy(desc(adminTokens.createdAt)));
  return { items: rows.map(({ tokenHash, ...r }) => r) };
}

export async function revokeAdminToken({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const before = (await db.select().from(adminTokens).where(and(eq(adminTokens.id, id), isNull(adminTokens.revokedAt))).limit(1))[0];
  if (!before) throw new NotFoundError("Active admin token");
  const revokedAt = Date.now();
  await withTransaction(async (tx) => {
    (await tx.update(adminTokens).set({ revokedAt }).where(eq(adminTokens.id, id)));
    (await writeAudit(tx, actor, { action: "admin_token.revoke", targetType: "admin_token", targetId: id, before, after: { ...before, revokedAt } }));
  });
  return { ok: true };
}
