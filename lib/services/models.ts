import { withTransaction } from "@/lib/db/sql";
import { asc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { models, providers, type Model } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { lookupPrice } from "@/lib/pricing/catalog";
import { writeAudit } from "./audit";
import { routeAliasesUsing, routeUsageByModel } from "./routes-usage";
import { createModelInput, prefillFromCatalog, updateModelInput } from "./gateway-validation";

function duplicate(upstreamModel: string): ConflictError {
  return new ConflictError(`This provider already has a model "${upstreamModel}".`, { field: "upstreamModel" });
}

async function providerOf(id: string) {
  const p = (await getDb().select({ id: providers.id, name: providers.name, type: providers.type }).from(providers).where(eq(providers.id, id)).limit(1))[0];
  if (!p) throw new ValidationError("Invalid model: providerId: Provider not found.", [{ field: "providerId", message: "Provider not found." }]);
  return p;
}

export async function createModel({ actor, input }: { actor: Actor; input: unknown }) {
  requireAdmin(actor);
  const data = parseWith(createModelInput, input, "model");
  const provider = (await providerOf(data.providerId));
  const { values, prefilled } = prefillFromCatalog(data, lookupPrice(data.upstreamModel));
  const now = Date.now();
  const row: Model = {
    id: newId("mdl"),
    providerId: data.providerId,
    upstreamModel: data.upstreamModel,
    ...values,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(models).values(row));
      (await writeAudit(tx, actor, { action: "model.create", targetType: "model", targetId: row.id, after: { ...row, prefilled } }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw duplicate(row.upstreamModel);
    throw e;
  }
  return { ...row, providerName: provider.name, providerType: provider.type, prefilled };
}

export async function updateModel({ actor, id, input }: { actor: Actor; id: string; input: unknown }) {
  requireAdmin(actor);
  const patch = parseWith(updateModelInput, input, "model");
  const db = getDb();
  const before = (await db.select().from(models).where(eq(models.id, id)).limit(1))[0];
  if (!before) throw new NotFoundError("Model");
  const provider = (await providerOf(patch.providerId ?? before.providerId));
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<Model>;
  const after: Model = { ...before, ...defined, updatedAt: Date.now() };
  try {
    await withTransaction(async (tx) => {
      if (after.kind !== before.kind) {
        const aliases = (await routeAliasesUsing(tx, [id]));
        if (aliases.length) {
          throw new ConflictError(`This model is used by route${aliases.length > 1 ? "s" : ""} ${aliases.join(", ")}; its kind cannot change while routes serve it.`, {
            field: "kind",
            routes: aliases,
          });
        }
      }
      (await tx.update(models).set(after).where(eq(models.id, id)));
      (await writeAudit(tx, actor, { action: "model.update", targetType: "model", targetId: id, before, after }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw duplicate(after.upstreamModel);
    throw e;
  }
  return { ...after, providerName: provider.name, providerType: provider.type };
}

/** Refused with 409 while a route sends traffic to it. */
export async function deleteModel({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  await withTransaction(async (tx) => {
    const before = (await tx.select().from(models).where(eq(models.id, id)).limit(1))[0];
    if (!before) throw new NotFoundError("Model");
    const aliases = (await routeAliasesUsing(tx, [id]));
    if (aliases.length) {
      throw new ConflictError(
        `Model "${before.upstreamModel}" is used by route${aliases.length > 1 ? "s" : ""} ${aliases.join(", ")}. Remove it from ${aliases.length > 1 ? "those routes" : "that route"} first.`,
        { routes: aliases },
      );
    }
    (await tx.delete(models).where(eq(models.id, id)));
    (await writeAudit(tx, actor, { action: "model.delete", targetType: "model", targetId: id, before }));
    await bumpConfigVersion(tx);
  });
  return { ok: true };
}

function selectWithProvider() {
  return getDb()
    .select({ model: models, providerName: providers.name, providerType: providers.type, providerEnabled: providers.enabled })
    .from(models)
    .innerJoin(providers, eq(providers.id, models.providerId));
}

export async function listModels({ actor, providerId }: { actor: Actor; providerId?: string }) {
  requireAdmin(actor);
  const usage = (await routeUsageByModel(getDb()));
  const q = selectWithProvider();
  const rows = (await (providerId ? q.where(eq(models.providerId, providerId)) : q).orderBy(asc(providers.name), asc(models.upstreamModel)));
  return {
    items: rows.map((r) => ({
      ...r.model,
      providerName: r.providerName,
      providerType: r.providerType,
      providerEnabled: r.providerEnabled,
      usedBy: usage.get(r.model.id) ?? [],
    })),
  };
}

export async function getModel({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const r = (await selectWithProvider().where(eq(models.id, id)).limit(1))[0];
  if (!r) throw new NotFoundError("Model");
  return {
    ...r.model,
    providerName: r.providerName,
    providerType: r.providerType,
    providerEnabled: r.providerEnabled,
    usedBy: (await routeAliasesUsing(getDb(), [id])),
  };
}
