import { removeScopeRows } from "@/lib/policy/scope-cleanup";
import { withTransaction } from "@/lib/db/sql";
/**
 * The API catalog: entries apps subscribe to. Admins manage all of them, a
 * team admin the ones their team owns. The portal reads the catalog through
 * `listCatalog` / `getCatalogApi` (published + deprecated, visible ones only).
 */
import { z } from "zod";
import { and, asc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { apis, prompts, promptVersions, routes, subscriptions, teams, API_KINDS, API_STATES, APPROVAL_MODES, VISIBILITIES, type Api, type ApiState } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { isAdmin, requireTeamAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import { applyRouteGrants, checkRouteUse } from "./route-access";
import {
  actorCanSeeApi,
  adminTeamIds,
  apiCard,
  apiViews,
  inIds,
  isMemberOf,
  loadApi,
  publicSubscription,
  subscriptionViews,
  type ApiCard,
  type ApiView,
  type Reader,
  type SubscriptionView,
} from "./access-views";

export const API_SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const fields = {
  slug: z.string({ message: "Give the API a slug." }).trim().min(2, "At least 2 characters.").max(48, "At most 48 characters.").regex(API_SLUG_RE, "Use lowercase letters, digits and single dashes."),
  name: z.string({ message: "Give the API a name." }).trim().min(1, "Give the API a name.").max(120, "At most 120 characters."),
  description: z.string().trim().max(2000, "At most 2000 characters."),
  teamId: z.string({ message: "Choose the owning team." }).trim().min(1, "Choose the owning team."),
  kind: z.enum(API_KINDS, { message: `Kind must be one of ${API_KINDS.join(", ")}.` }),
  routeAliases: z.array(z.string().trim().min(1, "Empty route alias.").max(100)).max(100, "At most 100 route aliases."),
  visibility: z.enum(VISIBILITIES, { message: "Visibility must be all or teams." }),
  visibleTeamIds: z.array(z.string().trim().min(1)).max(500),
  approvalMode: z.enum(APPROVAL_MODES, { message: "Approval must be auto or manual." }),
  reasonRequired: z.boolean(),
  tags: z.array(z.string().trim().toLowerCase().min(1, "Empty tag.").max(40, "Tags have at most 40 characters.")).max(20, "At most 20 tags."),
  docs: z.string().max(100_000, "Docs are limited to 100,000 characters."),
};

export const createApiInput = z.strictObject({
  slug: fields.slug,
  name: fields.name,
  description: fields.description.default(""),
  teamId: fields.teamId,
  kind: fields.kind.default("llm"),
  routeAliases: fields.routeAliases.default([]),
  visibility: fields.visibility.default("all"),
  visibleTeamIds: fields.visibleTeamIds.default([]),
  approvalMode: fields.approvalMode.default("manual"),
  reasonRequired: fields.reasonRequired.default(true),
  tags: fields.tags.default([]),
  docs: fields.docs.default(""),
});

export const updateApiInput = z.strictObject({
  slug: fields.slug.optional(),
  name: fields.name.optional(),
  description: fields.description.optional(),
  teamId: fields.teamId.optional(),
  kind: fields.kind.optional(),
  routeAliases: fields.routeAliases.optional(),
  visibility: fields.visibility.optional(),
  visibleTeamIds: fields.visibleTeamIds.optional(),
  approvalMode: fields.approvalMode.optional(),
  reasonRequired: fields.reasonRequired.optional(),
  tags: fields.tags.optional(),
  docs: fields.docs.optional(),
});

export const apiStateInput = z.strictObject({
  state: z.enum(API_STATES, { message: `State must be one of ${API_STATES.join(", ")}.` }),
});

export const catalogQuery = z.object({
  q: z.string().trim().max(200).optional(),
  tag: z.string().trim().toLowerCase().max(40).optional(),
});

// ---------------------------------------------------------------- state machine (pure)

const API_MOVES: Record<ApiState, readonly ApiState[]> = {
  draft: ["published"],
  published: ["deprecated", "retired"],
  deprecated: ["published", "retired"],
  retired: [],
};

/** Whether an API may move from `from` to `to` (docs/access.md: draft → published → deprecated → retired, deprecated → published). */
export function canMoveApi(from: ApiState, to: ApiState): boolean {
  return API_MOVES[from].includes(to);
}

export function allowedApiMoves(from: ApiState): readonly ApiState[] {
  return API_MOVES[from];
}

// ---------------------------------------------------------------- validation against the database

type Fields = z.output<typeof createApiInput>;

/** Cross-table rules: the owning team exists, route aliases name existing routes, listed teams exist. Pure over what it is given. */
export function validateApiRefs(data: Pick<Fields, "routeAliases" | "visibleTeamIds" | "teamId">, existing: { aliases: Set<string>; teamIds: Set<string> }) {
  const issues: { field: string; message: string }[] = [];
  if (!existing.teamIds.has(data.teamId)) issues.push({ field: "teamId", message: "Team not found." });
  const seen = new Set<string>();
  data.routeAliases.forEach((a, i) => {
    if (seen.has(a)) issues.push({ field: `routeAliases.${i}`, message: `"${a}" is listed twice.` });
    else if (!existing.aliases.has(a)) issues.push({ field: `routeAliases.${i}`, message: `No route with alias "${a}" exists; create the route first.` });
    seen.add(a);
  });
  const seenTeams = new Set<string>();
  data.visibleTeamIds.forEach((t, i) => {
    if (seenTeams.has(t)) issues.push({ field: `visibleTeamIds.${i}`, message: "This team is listed twice." });
    else if (!existing.teamIds.has(t)) issues.push({ field: `visibleTeamIds.${i}`, message: "Team not found." });
    seenTeams.add(t);
  });
  return issues;
}

async function checkRefs(db: Reader, data: Pick<Fields, "routeAliases" | "visibleTeamIds" | "teamId">): Promise<void> {
  const teamIds = [...new Set([data.teamId, ...data.visibleTeamIds])];
  const existing = {
    aliases: new Set(data.routeAliases.length ? (await db.select({ alias: routes.alias }).from(routes).where(inArray(routes.alias, data.routeAliases))).map((r) => r.alias) : []),
    teamIds: new Set((await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, teamIds))).map((t) => t.id)),
  };
  const issues = validateApiRefs(data, existing);
  if (issues.length) throw new ValidationError(`Invalid API: ${issues.map((d) => `${d.field}: ${d.message}`).join("; ")}`, issues);
}

/** Route aliases a prompt API runs on: its draft's and every published version's. */
async function promptAliases(db: Reader, apiId: string): Promise<string[]> {
  const p = (await db.select({ id: prompts.id, alias: prompts.routeAlias }).from(prompts).where(eq(prompts.apiId, apiId)).limit(1))[0];
  if (!p) return [];
  const vs = (await db.select({ alias: promptVersions.routeAlias }).from(promptVersions).where(eq(promptVersions.promptId, p.id)));
  return [...new Set([p.alias, ...vs.map((v) => v.alias)].filter(Boolean))];
}

/** `routeAliases.<i>` of an alias, for the form to point at the offending row. */
const aliasField = (list: string[]) => (alias: string) => `routeAliases.${Math.max(0, list.indexOf(alias))}`;

function slugTaken(slug: string): ConflictError {
  return new ConflictError(`An API with slug "${slug}" already exists.`, { field: "slug" });
}

async function viewOf(db: Reader, row: Api): Promise<ApiView> {
  return (await apiViews(db, [row]))[0]!;
}

/** Loads an API the actor administers (admin, or team admin of its owning team): 404, then 403. */
async function requireApiAdmin(actor: Actor, id: string): Promise<Api> {
  const api = (await loadApi(getDb(), id));
  if (!api) throw new NotFoundError("API");
  requireTeamAdmin(actor, api.teamId);
  return api;
}

// ---------------------------------------------------------------- verbs

/** A new catalog entry, always in state `draft`. */
export async function createApi({ actor, input }: { actor: Actor; input: unknown }): Promise<ApiView> {
  const data = parseWith(createApiInput, input, "API");
  requireTeamAdmin(actor, data.teamId);
  const db = getDb();
  (await checkRefs(db, data));
  const routePlan = (await checkRouteUse(db, actor, data.teamId, data.routeAliases, aliasField(data.routeAliases)));
  if ((await db.select({ id: apis.id }).from(apis).where(eq(apis.slug, data.slug)).limit(1))[0]) throw slugTaken(data.slug);
  const now = Date.now();
  const row: Api = { id: newId("api"), ...data, state: "draft", createdAt: now, updatedAt: now, deprecatedAt: null, retiredAt: null };
  try {
    await withTransaction(async (tx) => {
      (await applyRouteGrants(tx, actor, row.teamId, routePlan));
      (await tx.insert(apis).values(row));
      (await writeAudit(tx, actor, { action: "api.create", targetType: "api", targetId: row.id, teamId: row.teamId, after: row }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw slugTaken(data.slug);
    throw e;
  }
  return (await viewOf(db, row));
}

export async function updateApi({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<ApiView> {
  const before = (await requireApiAdmin(actor, id));
  const data = parseWith(updateApiInput, input, "API");
  // Moving an API to another team needs the admin role of that team too.
  if (data.teamId !== undefined && data.teamId !== before.teamId) requireTeamAdmin(actor, data.teamId);
  const after: Api = { ...before, ...data, updatedAt: Date.now() };
  const db = getDb();
  (await checkRefs(db, {
    teamId: after.teamId,
    // Only re-check what changed: a route deleted later must not block editing the description.
    routeAliases: data.routeAliases ?? [],
    visibleTeamIds: data.visibleTeamIds ?? [],
  }));
  // Route use is checked for the team the API ends up with: a new alias, or every alias when the API moves team
  // (for a prompt API, the routes of its draft and published versions).
  const moved = after.teamId !== before.teamId;
  const aliasesToCheck = [...(data.routeAliases ?? (moved ? before.routeAliases : [])), ...(moved && after.kind === "prompt" ? (await promptAliases(db, id)) : [])];
  const routePlan = (await checkRouteUse(db, actor, after.teamId, aliasesToCheck, (a) => (after.routeAliases.includes(a) ? aliasField(after.routeAliases)(a) : "teamId")));
  if (data.slug !== undefined && data.slug !== before.slug && (await db.select({ id: apis.id }).from(apis).where(eq(apis.slug, data.slug)).limit(1))[0]) throw slugTaken(data.slug);
  try {
    await withTransaction(async (tx) => {
      const { id: _id, createdAt: _c, ...patch } = after;
      void _id;
      void _c;
      (await applyRouteGrants(tx, actor, after.teamId, routePlan));
      (await tx.update(apis).set(patch).where(eq(apis.id, id)));
      (await writeAudit(tx, actor, { action: "api.update", targetType: "api", targetId: id, teamId: after.teamId, before, after }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw slugTaken(after.slug);
    throw e;
  }
  return (await viewOf(db, after));
}

/** Deletes a draft, or an API that never had a subscription (409 otherwise: retire it instead). */
export async function deleteApi({ actor, id }: { actor: Actor; id: string }) {
  const before = (await requireApiAdmin(actor, id));
  const db = getDb();
  const subs = (await db.select({ id: subscriptions.id }).from(subscriptions).where(eq(subscriptions.apiId, id)).limit(1));
  if (before.state !== "draft" && subs.length) {
    throw new ConflictError(`API "${before.name}" has subscriptions; retire it instead of deleting it (deletion is only for drafts and APIs nobody subscribed to).`, {
      state: before.state,
    });
  }
  await withTransaction(async (tx) => {
    (await tx.delete(apis).where(eq(apis.id, id)));
    const policyRowsRemoved = await removeScopeRows(tx, "api", [id]);
    (await writeAudit(tx, actor, { action: "api.delete", targetType: "api", targetId: id, teamId: before.teamId, before, after: { policyRowsRemoved } }));
    await bumpConfigVersion(tx);
  });
  return { ok: true as const };
}

/** `{state}`: draft → published; published → deprecated | retired; deprecated → published | retired. 409 otherwise. */
export async function setApiState({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<ApiView> {
  const before = (await requireApiAdmin(actor, id));
  const { state } = parseWith(apiStateInput, input, "state change");
  if (!canMoveApi(before.state, state)) {
    const allowed = allowedApiMoves(before.state);
    throw new ConflictError(
      `An API cannot move from ${before.state} to ${state}; ${allowed.length ? `from ${before.state} it can go to ${allowed.join(" or ")}` : "a retired API stays retired"}.`,
      { state: before.state, allowed },
    );
  }
  const now = Date.now();
  const after: Api = {
    ...before,
    state,
    updatedAt: now,
    deprecatedAt: state === "deprecated" ? now : state === "published" ? null : before.deprecatedAt,
    retiredAt: state === "retired" ? now : null,
  };
  const db = getDb();
  await withTransaction(async (tx) => {
    (await tx.update(apis).set({ state, updatedAt: now, deprecatedAt: after.deprecatedAt, retiredAt: after.retiredAt }).where(and(eq(apis.id, id), eq(apis.state, before.state))));
    (await writeAudit(tx, actor, { action: `api.${state === "published" ? "publish" : state === "deprecated" ? "deprecate" : "retire"}`, targetType: "api", targetId: id, teamId: before.teamId, before, after }));
    await bumpConfigVersion(tx);
  });
  return (await viewOf(db, after));
}

/** Admin list: all APIs (admin) or those of the teams the caller administers. */
export async function listApis({ actor }: { actor: Actor }): Promise<{ items: ApiView[] }> {
  const ids = adminTeamIds(actor);
  const db = getDb();
  const rows = (await db
    .select()
    .from(apis)
    .where(ids === null ? undefined : inIds(apis.teamId, ids))
    .orderBy(asc(apis.name), asc(apis.id)));
  return { items: (await apiViews(db, rows)) };
}

export async function getApi({ actor, id }: { actor: Actor; id: string }): Promise<ApiView> {
  return (await viewOf(getDb(), (await requireApiAdmin(actor, id))));
}

// ---------------------------------------------------------------- portal catalog

/** Published and deprecated APIs the caller's teams can see; `q` matches name, slug, description and tags. */
export async function listCatalog({ actor, query = {} }: { actor: Actor; query?: { q?: string; tag?: string } }): Promise<{ items: ApiCard[]; tags: string[] }> {
  const db = getDb();
  const rows = (await db
    .select({ api: apis, teamName: teams.name })
    .from(apis)
    .innerJoin(teams, eq(teams.id, apis.teamId))
    .where(inArray(apis.state, ["published", "deprecated"]))
    .orderBy(asc(apis.name), asc(apis.id)))
    .filter((r) => actorCanSeeApi(actor, r.api));
  const tags = [...new Set(rows.flatMap((r) => r.api.tags))].sort();
  const q = query.q?.toLowerCase();
  const items = rows
    .filter((r) => !query.tag || r.api.tags.includes(query.tag))
    .filter((r) => !q || [r.api.name, r.api.slug, r.api.description, ...r.api.tags].some((s) => s.toLowerCase().includes(q)))
    .map((r) => apiCard(r.api, r.teamName));
  return { items, tags };
}

export type ApiDetail = ApiCard & { docs: string; models: string[]; deprecatedAt: number | null; mySubscriptions: SubscriptionView[] };

/**
 * One catalog entry by slug, with the caller's subscriptions to it (admins: all
 * of them). Drafts are visible only to admins and the owning team; an API the
 * caller's teams cannot see is a 404, not a 403 (its existence is not shown).
 */
export async function getCatalogApi({ actor, slug }: { actor: Actor; slug: string }): Promise<ApiDetail> {
  const db = getDb();
  const r = (await db.select({ api: apis, teamName: teams.name }).from(apis).innerJoin(teams, eq(teams.id, apis.teamId)).where(eq(apis.slug, slug)).limit(1))[0];
  const owner = r ? isMemberOf(actor, r.api.teamId) : false;
  if (!r || (!owner && (r.api.state === "draft" || !actorCanSeeApi(actor, r.api)))) throw new NotFoundError("API");
  const teamIds = isAdmin(actor) ? null : actor.memberships.map((m) => m.teamId);
  const mine = (await subscriptionViews(db, eq(subscriptions.apiId, r.api.id))).filter((s) => teamIds === null || teamIds.includes(s.teamId));
  const card = apiCard(r.api, r.teamName);
  return { ...card, docs: r.api.docs, models: card.models, deprecatedAt: r.api.deprecatedAt, mySubscriptions: mine.map(publicSubscription) };
}
