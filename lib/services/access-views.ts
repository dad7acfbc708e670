/**
 * Read side of the access layer (apps, keys, APIs, subscriptions): the JSON
 * shapes of docs/access.md and the scoping helpers every access service uses.
 * Kept apart from the verbs so apps.ts, apis.ts and subscriptions.ts can all
 * build views without importing each other.
 */
import { and, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "@/lib/db/client";
import { apis, apiKeys, apps, subscriptions, teams, users, type Api, type ApiKey, type App, type SubscriptionState } from "@/lib/db/schema";
import { isAdmin, teamRoleOf, type Actor } from "@/lib/auth/actor";
import type { KeyStatus, KeyView } from "@/lib/contracts/keys";

export type Reader = Pick<Db, "select">;

// ---------------------------------------------------------------- scope

/** Teams whose APIs (and the subscriptions to them) this actor administers; null = all (admin). */
export function adminTeamIds(actor: Actor): string[] | null {
  if (isAdmin(actor)) return null;
  return actor.memberships.filter((m) => m.role === "team_admin").map((m) => m.teamId);
}

export function isTeamAdminOf(actor: Actor, teamId: string): boolean {
  return isAdmin(actor) || teamRoleOf(actor, teamId) === "team_admin";
}

export function isMemberOf(actor: Actor, teamId: string): boolean {
  return isAdmin(actor) || teamRoleOf(actor, teamId) !== null;
}

/** Whether a team may see (and so subscribe its apps to) an API: everyone, the owner, or a listed team. */
export function teamCanSeeApi(api: Pick<Api, "visibility" | "visibleTeamIds" | "teamId">, teamId: string): boolean {
  return api.visibility === "all" || api.teamId === teamId || api.visibleTeamIds.includes(teamId);
}

/** Whether the actor sees the API in the catalog (any of their teams can; admins see all). */
export function actorCanSeeApi(actor: Actor, api: Pick<Api, "visibility" | "visibleTeamIds" | "teamId">): boolean {
  if (isAdmin(actor) || api.visibility === "all") return true;
  return actor.memberships.some((m) => teamCanSeeApi(api, m.teamId));
}

/** `inArray` that stays valid SQL for an empty list (matches nothing). */
export function inIds(col: Parameters<typeof inArray>[0], ids: string[]): SQL {
  return ids.length ? inArray(col, ids) : sql`1 = 0`;
}

// ---------------------------------------------------------------- keys

// The shapes are defined once in lib/contracts/keys.ts (OpenAPI and UI types derive from them).
export type { KeyStatus, KeyView } from "@/lib/contracts/keys";

export function keyStatus(k: Pick<ApiKey, "revokedAt" | "expiresAt">, now = Date.now()): KeyStatus {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt <= now) return "expired";
  return "active";
}

export function keyView(k: ApiKey): KeyView {
  return {
    id: k.id,
    appId: k.appId,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    status: keyStatus(k),
    rotatedFromId: k.rotatedFromId,
  };
}

// ---------------------------------------------------------------- subscriptions

export interface SubscriptionView {
  id: string;
  appId: string;
  appName: string;
  teamId: string;
  teamName: string;
  apiId: string;
  apiSlug: string;
  apiName: string;
  state: SubscriptionState;
  reason: string;
  decisionNote: string | null;
  requestedBy: string | null;
  requestedByEmail: string | null;
  decidedBy: string | null;
  decidedByEmail: string | null;
  requestedAt: number;
  decidedAt: number | null;
}

const requester = alias(users, "requester");
const decider = alias(users, "decider");

/** SubscriptionViews matching `where`, newest first (requestedAt, id). */
export async function subscriptionViews(db: Reader, where?: SQL, limit?: number): Promise<(SubscriptionView & { apiTeamId: string })[]> {
  const q = db
    .select({
      id: subscriptions.id,
      appId: subscriptions.appId,
      appName: apps.name,
      teamId: apps.teamId,
      teamName: teams.name,
      apiId: subscriptions.apiId,
      apiSlug: apis.slug,
      apiName: apis.name,
      apiTeamId: apis.teamId,
      state: subscriptions.state,
      reason: subscriptions.reason,
      decisionNote: subscriptions.decisionNote,
      requestedBy: subscriptions.requestedBy,
      requestedByEmail: requester.email,
      decidedBy: subscriptions.decidedBy,
      decidedByEmail: decider.email,
      requestedAt: subscriptions.requestedAt,
      decidedAt: subscriptions.decidedAt,
    })
    .from(subscriptions)
    .innerJoin(apps, eq(apps.id, subscriptions.appId))
    .innerJoin(teams, eq(teams.id, apps.teamId))
    .innerJoin(apis, eq(apis.id, subscriptions.apiId))
    .leftJoin(requester, eq(requester.id, subscriptions.requestedBy))
    .leftJoin(decider, eq(decider.id, subscriptions.decidedBy))
    .where(where)
    .orderBy(desc(subscriptions.requestedAt), desc(subscriptions.id));
  return limit ? (await q.limit(limit)) : (await q);
}

/** The public shape (drops the internal apiTeamId used for webhook routing and scope checks). */
export function publicSubscription(v: SubscriptionView & { apiTeamId?: string }): SubscriptionView {
  const { apiTeamId, ...rest } = v;
  void apiTeamId;
  return rest;
}

export async function subscriptionView(db: Reader, id: string): Promise<(SubscriptionView & { apiTeamId: string }) | null> {
  return (await subscriptionViews(db, eq(subscriptions.id, id), 1))[0] ?? null;
}

// ---------------------------------------------------------------- APIs

export interface ApiCard {
  id: string;
  slug: string;
  name: string;
  description: string;
  teamId: string;
  teamName: string;
  kind: Api["kind"];
  state: Api["state"];
  approvalMode: Api["approvalMode"];
  reasonRequired: boolean;
  tags: string[];
  /** the model names an app calls (llm: the route aliases) */
  models: string[];
}

export interface ApiView extends ApiCard {
  visibility: Api["visibility"];
  visibleTeamIds: string[];
  docs: string;
  routeAliases: string[];
  createdAt: number;
  updatedAt: number;
  deprecatedAt: number | null;
  retiredAt: number | null;
  /** approved subscriptions */
  subscriberCount: number;
  pendingCount: number;
}

export function apiCard(a: Api, teamName: string): ApiCard {
  return {
    id: a.id,
    slug: a.slug,
    name: a.name,
    description: a.description,
    teamId: a.teamId,
    teamName,
    kind: a.kind,
    state: a.state,
    approvalMode: a.approvalMode,
    reasonRequired: a.reasonRequired,
    tags: a.tags,
    models: a.kind === "llm" ? a.routeAliases : [],
  };
}

/** ApiViews of these rows, with team names and subscription counts in two queries. */
export async function apiViews(db: Reader, rows: Api[]): Promise<ApiView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const teamNames = new Map(
    (await db
      .select({ id: teams.id, name: teams.name })
      .from(teams)
      .where(inArray(teams.id, [...new Set(rows.map((r) => r.teamId))])))
      .map((t) => [t.id, t.name]),
  );
  const counts = (await db
    .select({ apiId: subscriptions.apiId, state: subscriptions.state, n: sql<number>`count(*)` })
    .from(subscriptions)
    .where(and(inArray(subscriptions.apiId, ids), inArray(subscriptions.state, ["pending", "approved"])))
    .groupBy(subscriptions.apiId, subscriptions.state));
  const count = (apiId: string, state: SubscriptionState) => counts.find((c) => c.apiId === apiId && c.state === state)?.n ?? 0;
  return rows.map((a) => ({
    ...apiCard(a, teamNames.get(a.teamId) ?? ""),
    visibility: a.visibility,
    visibleTeamIds: a.visibleTeamIds,
    docs: a.docs,
    routeAliases: a.routeAliases,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    deprecatedAt: a.deprecatedAt,
    retiredAt: a.retiredAt,
    subscriberCount: count(a.id, "approved"),
    pendingCount: count(a.id, "pending"),
  }));
}

// ---------------------------------------------------------------- apps

export interface AppView {
  id: string;
  teamId: string;
  teamName: string;
  name: string;
  description: string;
  ownerId: string | null;
  createdAt: number;
  updatedAt: number;
  /** active (not revoked, not expired) keys */
  keyCount: number;
  /** the newest subscription per API */
  subscriptions: { id: string; apiId: string; apiSlug: string; apiName: string; state: SubscriptionState }[];
}

export async function appViews(db: Reader, rows: App[]): Promise<AppView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const now = Date.now();
  const teamNames = new Map(
    (await db
      .select({ id: teams.id, name: teams.name })
      .from(teams)
      .where(inArray(teams.id, [...new Set(rows.map((r) => r.teamId))])))
      .map((t) => [t.id, t.name]),
  );
  const keyCounts = new Map(
    (await db
      .select({ appId: apiKeys.appId, n: sql<number>`count(*)` })
      .from(apiKeys)
      .where(and(inArray(apiKeys.appId, ids), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), sql`${apiKeys.expiresAt} > ${now}`)))
      .groupBy(apiKeys.appId))
      .map((k) => [k.appId, k.n]),
  );
  const subs = (await db
    .select({ id: subscriptions.id, appId: subscriptions.appId, apiId: subscriptions.apiId, apiSlug: apis.slug, apiName: apis.name, state: subscriptions.state })
    .from(subscriptions)
    .innerJoin(apis, eq(apis.id, subscriptions.apiId))
    .where(inArray(subscriptions.appId, ids))
    .orderBy(desc(subscriptions.requestedAt), desc(subscriptions.id)));
  const byApp = new Map<string, AppView["subscriptions"]>();
  for (const s of subs) {
    const list = byApp.get(s.appId) ?? [];
    if (!list.some((x) => x.apiId === s.apiId)) list.push({ id: s.id, apiId: s.apiId, apiSlug: s.apiSlug, apiName: s.apiName, state: s.state });
    byApp.set(s.appId, list);
  }
  return rows.map((a) => ({
    id: a.id,
    teamId: a.teamId,
    teamName: teamNames.get(a.teamId) ?? "",
    name: a.name,
    description: a.description,
    ownerId: a.ownerId,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    keyCount: keyCounts.get(a.id) ?? 0,
    subscriptions: byApp.get(a.id) ?? [],
  }));
}

export async function appView(db: Reader, a: App): Promise<AppView> {
  return (await appViews(db, [a]))[0]!;
}

export async function loadApp(db: Reader, id: string): Promise<App | undefined> {
  return (await db.select().from(apps).where(eq(apps.id, id)).limit(1))[0];
}

export async function loadApi(db: Reader, id: string): Promise<Api | undefined> {
  return (await db.select().from(apis).where(eq(apis.id, id)).limit(1))[0];
}
