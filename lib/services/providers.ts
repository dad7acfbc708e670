import { withTransaction } from "@/lib/db/sql";
import { asc, eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { providers, models, type Provider } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { encryptSecret } from "@/lib/secret";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import { routeAliasesUsing } from "./routes-usage";
import {
  assertNoIssues,
  createProviderInput,
  keyLast4,
  providerFields,
  updateProviderInput,
  validateCredential,
  validateProviderConfig,
  type ProviderFields,
} from "./gateway-validation";

/** What the API shows of a provider: never the key, only whether there is one and its last 4 characters. */
export type PublicProvider = Omit<Provider, "encryptedKey"> & { hasKey: boolean };

export function publicProvider(p: Provider): PublicProvider {
  const { encryptedKey, ...rest } = p;
  return { ...rest, hasKey: !!encryptedKey };
}

function isUnique(e: unknown): boolean {
  return String(e).includes("UNIQUE");
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`A provider named "${name}" already exists.`, { field: "name" });
}

function fieldsOf(p: Provider): ProviderFields {
  return {
    name: p.name,
    type: p.type,
    baseUrl: p.baseUrl,
    headers: p.headers,
    apiVersion: p.apiVersion,
    options: p.options,
    firstByteTimeoutMs: p.firstByteTimeoutMs,
    totalTimeoutMs: p.totalTimeoutMs,
    enabled: p.enabled,
  };
}

export async function createProvider({ actor, input }: { actor: Actor; input: unknown }): Promise<PublicProvider> {
  requireAdmin(actor);
  const data = parseWith(createProviderInput, input, "provider");
  const { apiKey, ...fields } = data;
  assertNoIssues([...validateProviderConfig(fields), ...(apiKey ? validateCredential(fields.type, fields.options, apiKey) : [])], "provider");
  const db = getDb();
  if ((await db.select({ id: providers.id }).from(providers).where(eq(providers.name, fields.name)).limit(1))[0]) throw nameTaken(fields.name);
  const now = Date.now();
  const row: Provider = {
    id: newId("prov"),
    ...fields,
    baseUrl: fields.baseUrl.replace(/\/+$/, ""),
    encryptedKey: apiKey ? encryptSecret(apiKey) : null,
    keyLast4: apiKey ? keyLast4(apiKey) : null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(providers).values(row));
      (await writeAudit(tx, actor, { action: "provider.create", targetType: "provider", targetId: row.id, after: publicProvider(row) }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (isUnique(e)) throw nameTaken(fields.name);
    throw e;
  }
  return publicProvider(row);
}

/**
 * Partial update; the merged result is validated as a whole (switching a mock
 * provider to openai needs a base URL). `apiKey: "..."` rotates the key (its
 * own audit action, provider.rotate_key), `apiKey: null` removes it.
 */
export async function updateProvider({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<PublicProvider> {
  requireAdmin(actor);
  const patch = parseWith(updateProviderInput, input, "provider");
  const db = getDb();
  const before = (await db.select().from(providers).where(eq(providers.id, id)).limit(1))[0];
  if (!before) throw new NotFoundError("Provider");
  const { apiKey, ...fieldPatch } = patch;
  const defined = Object.fromEntries(Object.entries(fieldPatch).filter(([, v]) => v !== undefined));
  const fields = parseWith(providerFields, { ...fieldsOf(before), ...defined }, "provider");
  fields.baseUrl = fields.baseUrl.replace(/\/+$/, "");
  assertNoIssues([...validateProviderConfig(fields), ...(apiKey ? validateCredential(fields.type, fields.options, apiKey) : [])], "provider");
  if (fields.name !== before.name && (await db.select({ id: providers.id }).from(providers).where(eq(providers.name, fields.name)).limit(1))[0]) {
    throw nameTaken(fields.name);
  }
  const now = Date.now();
  const after: Provider = { ...before, ...fields, updatedAt: now };
  const keyChanged = apiKey !== undefined;
  if (apiKey !== undefined) {
    after.encryptedKey = apiKey === null ? null : encryptSecret(apiKey);
    after.keyLast4 = apiKey === null ? null : keyLast4(apiKey);
  }
  const otherChanged = Object.keys(defined).some((k) => JSON.stringify(before[k as keyof Provider]) !== JSON.stringify(after[k as keyof Provider]));
  try {
    await withTransaction(async (tx) => {
      (await tx.update(providers).set(after).where(eq(providers.id, id)));
      if (otherChanged || !keyChanged) {
        (await writeAudit(tx, actor, { action: "provider.update", targetType: "provider", targetId: id, before: publicProvider(before), after: publicProvider(after) }));
      }
      if (keyChanged) {
        // Only hasKey/keyLast4 go to the audit row: never the key, never its ciphertext.
        (await writeAudit(tx, actor, {
          action: apiKey === null ? "provider.remove_key" : "provider.rotate_key",
          targetType: "provider",
          targetId: id,
          before: { hasKey: !!before.encryptedKey, keyLast4: before.keyLast4 },
          after: { hasKey: !!after.encryptedKey, keyLast4: after.keyLast4 },
        }));
      }
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (isUnique(e)) throw nameTaken(fields.name);
    throw e;
  }
  return publicProvider(after);
}

/** Refused with 409 while any route sends traffic to one of its models (their aliases are listed). */
export async function deleteProvider({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  await withTransaction(async (tx) => {
    const before = (await tx.select().from(providers).where(eq(providers.id, id)).limit(1))[0];
    if (!before) throw new NotFoundError("Provider");
    const modelIds = (await tx.select({ id: models.id }).from(models).where(eq(models.providerId, id))).map((m) => m.id);
    const aliases = (await routeAliasesUsing(tx, modelIds));
    if (aliases.length) {
      throw new ConflictError(
        `Provider "${before.name}" is used by route${aliases.length > 1 ? "s" : ""} ${aliases.join(", ")}. Remove its models from ${aliases.length > 1 ? "those routes" : "that route"} first.`,
        { routes: aliases },
      );
    }
    // Its models go with it (ON DELETE CASCADE).
    (await tx.delete(providers).where(eq(providers.id, id)));
    (await writeAudit(tx, actor, { action: "provider.delete", targetType: "provider", targetId: id, before: { ...publicProvider(before), models: modelIds } }));
    await bumpConfigVersion(tx);
  });
  return { ok: true };
}

export async function listProviders({ actor }: { actor: Actor }) {
  requireAdmin(actor);
  const db = getDb();
  const counts = new Map(
    (await db
      .select({ providerId: models.providerId, n: sql<number>`count(*)` })
      .from(models)
      .groupBy(models.providerId))
      .map((c) => [c.providerId, c.n]),
  );
  const rows = (await db.select().from(providers).orderBy(asc(providers.name)));
  return { items: rows.map((p) => ({ ...publicProvider(p), modelCount: counts.get(p.id) ?? 0 })) };
}

export async function getProvider({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const db = getDb();
  const p = (await db.select().from(providers).where(eq(providers.id, id)).limit(1))[0];
  if (!p) throw new NotFoundError("Provider");
  const ms = (await db.select().from(models).where(eq(models.providerId, id)).orderBy(asc(models.upstreamModel)));
  return { ...publicProvider(p), models: ms };
}
