import { routes } from "@/lib/db/schema";
import type { Db } from "@/lib/db/client";
import { routeModelIds } from "./gateway-validation";

type Reader = Pick<Db, "select">;

/**
 * Aliases of routes that send traffic to any of these models (own targets or a
 * condition's). Routes keep targets as JSON, so there is no foreign key to lean
 * on: deleting a model or provider checks this first and refuses with 409.
 */
export async function routeAliasesUsing(db: Reader, modelIds: Iterable<string>): Promise<string[]> {
  const wanted = new Set(modelIds);
  if (!wanted.size) return [];
  const rows = (await db.select({ alias: routes.alias, targets: routes.targets, conditions: routes.conditions }).from(routes));
  const out: string[] = [];
  for (const r of rows) {
    for (const id of routeModelIds(r)) {
      if (wanted.has(id)) {
        out.push(r.alias);
        break;
      }
    }
  }
  return out.sort();
}

/** modelId → aliases of the routes that use it, for list views. */
export async function routeUsageByModel(db: Reader): Promise<Map<string, string[]>> {
  const rows = (await db.select({ alias: routes.alias, targets: routes.targets, conditions: routes.conditions }).from(routes));
  const out = new Map<string, string[]>();
  for (const r of rows) {
    for (const id of routeModelIds(r)) {
      const list = out.get(id) ?? [];
      list.push(r.alias);
      out.set(id, list);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}
