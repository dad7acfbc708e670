import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apiLogSettings, budgets, contentPolicies, rateLimits, spendLedger } from "@/lib/db/schema";

/**
 * The scope tables (rate limits, budgets and their ledger, content policies, log settings) name
 * their target by (scope, id) rather than by a foreign key, since one table serves several
 * kinds of target. Deleting an app, API or route removes its rows here, in the deleting
 * transaction, so nothing is left behind that a new object could inherit.
 */
export type CleanupScope = "app" | "api" | "route" | "key";

export async function removeScopeRows(tx: Db, scope: CleanupScope, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0;
  const list = [...ids];
  let n = 0;
  n += (await tx.delete(rateLimits).where(and(eq(rateLimits.scope, scope), inArray(rateLimits.scopeId, list))).returning({ id: rateLimits.id })).length;
  if (scope === "app" || scope === "key") {
    // notifications go with their budget (ON DELETE CASCADE)
    n += (await tx.delete(budgets).where(and(eq(budgets.scope, scope), inArray(budgets.scopeId, list))).returning({ id: budgets.id })).length;
    n += (await tx.delete(spendLedger).where(and(eq(spendLedger.scope, scope), inArray(spendLedger.scopeId, list))).returning({ s: spendLedger.scopeId })).length;
  }
  if (scope === "api" || scope === "route") {
    n += (await tx.delete(contentPolicies).where(and(eq(contentPolicies.scopeType, scope), inArray(contentPolicies.scopeId, list))).returning({ id: contentPolicies.id })).length;
  }
  if (scope === "api") {
    n += (await tx.delete(apiLogSettings).where(inArray(apiLogSettings.apiId, list)).returning({ id: apiLogSettings.apiId })).length;
  }
  return n;
}
