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
  deprecatedAt: number | null;
}

/** The access part of the snapshot: who may call what, decided without a database read. */
export interface AccessSnapshot {
  apps: Map<string, AppInfo>;
  apis: Map<string, ApiInfo>;
  /** alias → APIs (not draft) exposing it */
  apisByAlias: Map<string, ApiInfo[]>;
  /** appId → apiId → the state of the app's newest subscription to it */
  subs: Map<string, Map<string, SubscriptionState>>;
}

export function buildAccess(appRows: App[], apiRows: Api[], subRows: Subscription[]): AccessSnapshot {
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
  return { apps, apis, apisByAlias, subs };
}
