import type { Api, App, Subscription, SubscriptionState } from "@/lib/db/schema";

export interface AppInfo {
  id: string;
  name: string;
  teamId: string;
}

export interface ApiInfo {
  id: string;
  slug: string;
  name: string;
  teamId: string;
  kind: "llm" | "prompt" | "mcp";
  state: "draft" | "published" | "deprecated" | "retired";
  visibility: "all" | "teams";
  visibleTeamIds: Set<string>;
  routeAliases: string[];
  /** aliases this API lists but its team may not expose (not owned, not granted): refused at request time */
  blockedAliases: Set<string>;
  deprecatedAt: number | null;
}

/** Route ownership for the snapshot: owner team (null = platform) and the teams granted each route. */
export interface RouteOwnerRows {
  routes: { id: string; alias: string; teamId: string | null }[];
  grants: { routeId: string; teamId: string }[];
}

/** The access part of the snapshot: who may call what, decided without a database read. */
export interface AccessSnapshot {
  apps: Map<string, AppInfo>;
  apis: Map<string, ApiInfo>;
  /** alias → APIs (not draft) exposing it */
  apisByAlias: Map<string, ApiInfo[]>;
  /** appId → apiId → the state of the app's newest subscription to it */
  subs: Map<string, Map<string, SubscriptionState>>;
  /**
   * May an API of `teamId` expose `alias`? (owner or grant; docs/access.md "Route ownership").
   * The services refuse such APIs; this re-checks at request time from memory (defence in depth).
   */
  teamMayUse(teamId: string, alias: string): boolean;
}

/** alias → who may expose it; without ownership rows (unit tests of subscription logic) every team may. */
function routeUse(rows: RouteOwnerRows | undefined): (teamId: string, alias: string) => boolean {
  if (!rows) return () => true;
  const byAlias = new Map<string, { owner: string | null; granted: Set<string> }>();
  const byId = new Map<string, { owner: string | null; granted: Set<string> }>();
  for (const r of rows.routes) {
    const e = { owner: r.teamId, granted: new Set<string>() };
    byAlias.set(r.alias, e);
    byId.set(r.id, e);
  }
  for (const g of rows.grants) byId.get(g.routeId)?.granted.add(g.teamId);
  return (teamId, alias) => {
    const e = byAlias.get(alias);
    // An alias with no route: nothing to protect here; the route stage answers 404.
    if (!e) return true;
    return e.owner === teamId || e.granted.has(teamId);
  };
}

export function buildAccess(appRows: App[], apiRows: Api[], subRows: Subscription[], owners?: RouteOwnerRows): AccessSnapshot {
  const teamMayUse = routeUse(owners);
  const apps = new Map<string, AppInfo>(appRows.map((a) => [a.id, { id: a.id, name: a.name, teamId: a.teamId }]));
  const apis = new Map<string, ApiInfo>();
  const apisByAlias = new Map<string, ApiInfo[]>();
  for (const a of apiRows) {
    const info: ApiInfo = {
      id: a.id,
      slug: a.slug,
      name: a.name,
      teamId: a.teamId,
      kind: a.kind,
      state: a.state,
      visibility: a.visibility,
      visibleTeamIds: new Set(a.visibleTeamIds),
      routeAliases: a.routeAliases,
      blockedAliases: new Set(a.kind === "llm" ? a.routeAliases.filter((x) => !teamMayUse(a.teamId, x)) : []),
      deprecatedAt: a.deprecatedAt,
    };
    apis.set(a.id, info);
    if (a.state === "draft" || a.kind !== "llm") continue;
    for (const alias of a.routeAliases) {
      const list = apisByAlias.get(alias);
      if (list) list.push(info);
      else apisByAlias.set(alias, [info]);
    }
  }
  // Newest subscription per app × API wins (older rejected/cancelled rows are history).
  const sorted = [...subRows].sort((x, y) => x.requestedAt - y.requestedAt);
  const subs = new Map<string, Map<string, SubscriptionState>>();
  for (const s of sorted) {
    let m = subs.get(s.appId);
    if (!m) subs.set(s.appId, (m = new Map()));
    m.set(s.apiId, s.state);
  }
  return { apps, apis, apisByAlias, subs, teamMayUse };
}
