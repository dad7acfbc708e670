import { getDb } from "@/lib/db/client";
import { eq } from "drizzle-orm";
import { contentDetectors, contentPolicies, settings, type ContentDetector, type ContentPolicy } from "@/lib/db/schema";
import { derivedSnapshot } from "@/lib/gateway/snapshot";
import { BUILTIN_DETECTORS, builtinDetector, compileCustomDetector, type BuiltinDetector, type Detector } from "./pii";
import { runtime } from "@/lib/runtime";

/**
 * Cache + guard policies in memory, keyed on the gateway snapshot object: every
 * admin write bumps the config version, getSnapshot() hands out a new object and
 * the policies are reloaded once (no database read per request).
 */
export interface ResolvedPolicy {
  id: string;
  scopeType: ContentPolicy["scopeType"];
  scopeId: string;
  cacheEnabled: boolean;
  cacheTtlSeconds: number;
  cacheStreamReplay: boolean;
  promptMode: ContentPolicy["promptMode"];
  responseMode: ContentPolicy["responseMode"];
  injectionMode: ContentPolicy["injectionMode"];
  /** detectors to run, in priority order (built-ins first) */
  detectors: Detector[];
}

export interface ContentSnapshot {
  global: ResolvedPolicy | null;
  byApi: Map<string, ResolvedPolicy>;
  byRoute: Map<string, ResolvedPolicy>;
  /** every enabled custom detector (log scrubbing uses them too) */
  custom: Detector[];
  /** response cache generation: part of every cache key; an admin purge bumps it */
  generation: number;
}

const snaps = runtime().views.content;

export const contentSnapshot = derivedSnapshot<ContentSnapshot>(snaps, async (snap) => {
  let c = snaps.get(snap);
  if (!c) {
    const db = getDb();
    const gen = (await db.select().from(settings).where(eq(settings.key, "cache_generation")).limit(1))[0];
    c = buildContentSnapshot((await db.select().from(contentPolicies)), (await db.select().from(contentDetectors)), Number(gen?.value ?? 0));
    snaps.set(snap, c);
  }
  return c;
});

export function buildContentSnapshot(policies: ContentPolicy[], detectorRows: ContentDetector[], generation = 0): ContentSnapshot {
  const custom: Detector[] = [];
  for (const d of detectorRows) {
    if (!d.enabled) continue;
    const c = compileCustomDetector(d);
    if (c) custom.push(c);
    else console.error(`[portico] content detector '${d.name}' does not compile; it is skipped`);
  }
  const customByName = new Map(custom.map((d) => [d.name, d]));
  const resolve = (p: ContentPolicy): ResolvedPolicy => {
    let detectors: Detector[];
    if (p.detectors === null || p.detectors === undefined) {
      detectors = [...BUILTIN_DETECTORS.map((n) => builtinDetector(n)), ...custom];
    } else {
      const wanted = new Set(p.detectors);
      detectors = [
        ...BUILTIN_DETECTORS.filter((n) => wanted.has(n)).map((n) => builtinDetector(n as BuiltinDetector)),
        ...[...wanted].map((n) => customByName.get(n)).filter((d): d is Detector => !!d),
      ];
    }
    return {
      id: p.id,
      scopeType: p.scopeType,
      scopeId: p.scopeId,
      cacheEnabled: p.cacheEnabled,
      cacheTtlSeconds: p.cacheTtlSeconds,
      cacheStreamReplay: p.cacheStreamReplay,
      promptMode: p.promptMode,
      responseMode: p.responseMode,
      injectionMode: p.injectionMode,
      detectors,
    };
  };
  const out: ContentSnapshot = { global: null, byApi: new Map(), byRoute: new Map(), custom, generation };
  for (const p of policies) {
    const r = resolve(p);
    if (p.scopeType === "global") out.global = r;
    else if (p.scopeType === "api") out.byApi.set(p.scopeId, r);
    else out.byRoute.set(p.scopeId, r);
  }
  return out;
}

/** The policy of a call: the route's, else the API's, else the global one (the most specific row wins as a whole). */
export function resolvePolicy(cs: ContentSnapshot, routeId: string | null, apiId: string | null): ResolvedPolicy | null {
  return (routeId ? cs.byRoute.get(routeId) : undefined) ?? (apiId ? cs.byApi.get(apiId) : undefined) ?? cs.global;
}
