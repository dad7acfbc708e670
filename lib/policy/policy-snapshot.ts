import { getDb } from "@/lib/db/client";
import { apiKeys, budgets, rateLimits, teams, type Budget, type RateLimit } from "@/lib/db/schema";
import { derivedSnapshot, type KeyInfo, type Snapshot } from "@/lib/gateway/snapshot";
import { runtime } from "@/lib/runtime";

/**
 * Rate-limit policies and budgets in memory, rebuilt together with the
 * gateway snapshot (same config version: admin writes bump it), so the guard
 * reads no database per request. Keyed on the gateway snapshot object: when
 * getSnapshot() hands out a new one, the policies are reloaded once.
 */
export interface PolicySnapshot {
  /** the config snapshot these policies were loaded for */
  snap: Snapshot;
  limits: Map<string, RateLimit>;
  /** "scope:id" → budgets (day and/or month) */
  budgets: Map<string, Budget[]>;
  teamNames: Map<string, string>;
  /** key id → key (the gateway snapshot indexes keys by hash) */
  keysById: Map<string, KeyInfo>;
  /**
   * Key rotation chains (only keys that were rotated or are rotations): key id →
   * the newest key of its chain, whose id the key-scoped limit, budgets and
   * spend live under (rotation moves them there: lib/services/keys.ts), and
   * key id → the first key of its chain, whose id names the rate-limit bucket
   * (so rotating does not hand out a full bucket).
   */
  keyCurrent: Map<string, string>;
  keyRoot: Map<string, string>;
}

/** Pure: current (newest successor) and root of every key in a rotation chain. */
export function keyChains(rows: { id: string; rotatedFromId: string | null; createdAt: number }[]): { current: Map<string, string>; root: Map<string, string> } {
  const parent = new Map<string, string>();
  const child = new Map<string, { id: string; createdAt: number }>();
  for (const r of rows) {
    if (!r.rotatedFromId) continue;
    parent.set(r.id, r.rotatedFromId);
    const c = child.get(r.rotatedFromId);
    if (!c || r.createdAt > c.createdAt || (r.createdAt === c.createdAt && r.id > c.id)) child.set(r.rotatedFromId, { id: r.id, createdAt: r.createdAt });
  }
  const current = new Map<string, string>();
  const root = new Map<string, string>();
  const members = new Set([...parent.keys(), ...child.keys()]);
  for (const id of members) {
    let cur = id;
    for (let i = 0; i < 1000 && child.has(cur); i++) cur = child.get(cur)!.id;
    let top = id;
    for (let i = 0; i < 1000 && parent.has(top); i++) top = parent.get(top)!;
    current.set(id, cur);
    root.set(id, top);
  }
  return { current, root };
}

const cache = runtime().views.policy;

export const scopeKey = (scope: string, id: string) => `${scope}:${id}`;

export const policySnapshot = derivedSnapshot<PolicySnapshot>(cache, async (snap) => {
  let p = cache.get(snap);
  if (!p) {
    p = (await loadPolicies(snap));
    cache.set(snap, p);
  }
  return p;
});

export async function loadPolicies(snap: Snapshot): Promise<PolicySnapshot> {
  const db = getDb();
  const limits = new Map<string, RateLimit>();
  for (const r of (await db.select().from(rateLimits))) limits.set(scopeKey(r.scope, r.scopeId), r);
  const bmap = new Map<string, Budget[]>();
  for (const b of (await db.select().from(budgets))) {
    const k = scopeKey(b.scope, b.scopeId);
    const list = bmap.get(k);
    if (list) list.push(b);
    else bmap.set(k, [b]);
  }
  const teamNames = new Map((await db.select({ id: teams.id, name: teams.name }).from(teams)).map((t) => [t.id, t.name]));
  const keysById = new Map<string, KeyInfo>();
  for (const k of snap.keys.values()) keysById.set(k.id, k);
  const chains = keyChains((await db.select({ id: apiKeys.id, rotatedFromId: apiKeys.rotatedFromId, createdAt: apiKeys.createdAt }).from(apiKeys)));
  return { snap, limits, budgets: bmap, teamNames, keysById, keyCurrent: chains.current, keyRoot: chains.root };
}
