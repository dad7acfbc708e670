import { getDb } from "@/lib/db/client";
import { budgets, rateLimits, teams, type Budget, type RateLimit } from "@/lib/db/schema";
import { getSnapshot, type KeyInfo, type Snapshot } from "@/lib/gateway/snapshot";

/**
 * Rate-limit policies and budgets in memory, rebuilt together with the
 * gateway snapshot (same config version: admin writes bump it), so the guard
 * reads no database per request. Keyed on the gateway snapshot object: when
 * getSnapshot() hands out a new one, the policies are reloaded once.
 */
export interface PolicySnapshot {
  limits: Map<string, RateLimit>;
  /** "scope:id" → budgets (day and/or month) */
  budgets: Map<string, Budget[]>;
  teamNames: Map<string, string>;
  /** key id → key (the gateway snapshot indexes keys by hash) */
  keysById: Map<string, KeyInfo>;
}

const g = globalThis as unknown as { __porticoPolicySnap?: WeakMap<Snapshot, PolicySnapshot> };
const cache = (g.__porticoPolicySnap ??= new WeakMap());

export const scopeKey = (scope: string, id: string) => `${scope}:${id}`;

export function policySnapshot(snap: Snapshot = getSnapshot()): PolicySnapshot {
  let p = cache.get(snap);
  if (!p) {
    p = loadPolicies(snap);
    cache.set(snap, p);
  }
  return p;
}

export function loadPolicies(snap: Snapshot): PolicySnapshot {
  const db = getDb();
  const limits = new Map<string, RateLimit>();
  for (const r of db.select().from(rateLimits).all()) limits.set(scopeKey(r.scope, r.scopeId), r);
  const bmap = new Map<string, Budget[]>();
  for (const b of db.select().from(budgets).all()) {
    const k = scopeKey(b.scope, b.scopeId);
    const list = bmap.get(k);
    if (list) list.push(b);
    else bmap.set(k, [b]);
  }
  const teamNames = new Map(db.select({ id: teams.id, name: teams.name }).from(teams).all().map((t) => [t.id, t.name]));
  const keysById = new Map<string, KeyInfo>();
  for (const k of snap.keys.values()) keysById.set(k.id, k);
  return { limits, budgets: bmap, teamNames, keysById };
}
