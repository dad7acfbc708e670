import { withTransaction } from "@/lib/db/sql";
/**
 * Subscriptions: app × API, requested by a member of the app's team, decided
 * by an admin or a team admin of the API's owning team. The moves come from
 * the pure state machine in subscription-state.ts; every move is audited with
 * before/after, bumps the config version (the data plane enforces approvals
 * from its snapshot) and fires its webhook after commit.
 */
import { z } from "zod";
import { and, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { apis, apps, subscriptions, SUBSCRIPTION_STATES, type Subscription } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { bumpConfigVersion } from "@/lib/config-version";
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { requireTeamAdmin, requireTeamMember, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import { adminTeamIds, inIds, isMemberOf, loadApi, loadApp, publicSubscription, subscriptionView, subscriptionViews, teamCanSeeApi, type SubscriptionView } from "./access-views";
import { eventFor, nextState, type SubscriptionAction } from "./subscription-state";
import { emitSubscriptionEvent } from "./webhooks";

const note = z.string().trim().max(2000, "At most 2000 characters.");

export const requestSubscriptionInput = z.strictObject({
  appId: z.string({ message: "Choose an app." }).trim().min(1, "Choose an app."),
  apiId: z.string({ message: "Choose an API." }).trim().min(1, "Choose an API."),
  reason: z.string().trim().max(2000, "At most 2000 characters.").default(""),
});

export const decisionInput = z.strictObject({ note: note.optional() });

export const bulkApproveInput = z.strictObject({
  ids: z.array(z.string().trim().min(1)).min(1, "Pick at least one subscription.").max(200, "At most 200 at a time."),
  note: note.optional(),
});

export const listSubscriptionsQuery = z.object({
  state: z.enum(SUBSCRIPTION_STATES).optional(),
  apiId: z.string().trim().min(1).optional(),
  /** the subscribing app's team */
  teamId: z.string().trim().min(1).optional(),
  appId: z.string().trim().min(1).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListSubscriptionsQuery = z.input<typeof listSubscriptionsQuery>;

type FullView = SubscriptionView & { apiTeamId: string };

/** The view of a row that was just written (the joins exist: the transaction committed). */
async function viewOf(id: string): Promise<FullView> {
  const v = (await subscriptionView(getDb(), id));
  if (!v) throw new NotFoundError("Subscription");
  return v;
}

async function liveOf(appId: string, apiId: string): Promise<Subscription | undefined> {
  return (await getDb()
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.appId, appId), eq(subscriptions.apiId, apiId), inArray(subscriptions.state, ["pending", "approved"]))).limit(1))[0];
}

async function duplicate(existing: Subscription): Promise<ConflictError> {
  const v = publicSubscription((await viewOf(existing.id)));
  return new ConflictError(
    `App '${v.appName}' already has a ${v.state} subscription to API '${v.apiName}'.${v.state === "pending" ? " Wait for the decision or cancel it." : ""}`,
    { existing: v },
  );
}

/**
 * Requests access for an app (any member of its team). Auto-approval APIs
 * answer `approved` at once; manual ones `pending`.
 * 404 unknown app/API (or a draft the caller cannot see), 403 not the app's team
 * or the team cannot see the API, 409 retired/draft API or a live subscription
 * exists (`details.existing`), 422 missing reason.
 */
export async function requestSubscription({ actor, input }: { actor: Actor; input: unknown }): Promise<SubscriptionView> {
  const data = parseWith(requestSubscriptionInput, input, "subscription");
  const db = getDb();
  const app = (await loadApp(db, data.appId));
  if (!app) throw new NotFoundError("App");
  requireTeamMember(actor, app.teamId);
  const api = (await loadApi(db, data.apiId));
  if (!api || (api.state === "draft" && !isMemberOf(actor, api.teamId))) throw new NotFoundError("API");
  if (!teamCanSeeApi(api, app.teamId)) {
    throw new ForbiddenError(`API '${api.name}' is not available to the team of app '${app.name}'; ask its owners to share it with your team.`);
  }
  if (api.state === "draft") throw new ConflictError(`API '${api.name}' is still a draft; it accepts subscriptions once published.`, { state: api.state });
  if (api.state === "retired") throw new ConflictError(`API '${api.name}' is retired and accepts no new subscriptions.`, { state: api.state });
  const live = (await liveOf(app.id, api.id));
  if (live) throw (await duplicate(live));
  if (api.reasonRequired && !data.reason) {
    throw new ValidationError(`API '${api.name}' asks why you need access: give a reason.`, [{ field: "reason", message: "A reason is required for this API." }]);
  }
  const now = Date.now();
  const auto = api.approvalMode === "auto";
  const row: Subscription = {
    id: newId("sub"),
    appId: app.id,
    apiId: api.id,
    state: auto ? "approved" : "pending",
    reason: data.reason,
    decisionNote: auto ? "Approved automatically (this API approves every request)." : null,
    requestedBy: actor.userId,
    decidedBy: null,
    requestedAt: now,
    decidedAt: auto ? now : null,
    updatedAt: now,
  };
  try {
    await withTransaction(async (tx) => {
      (await tx.insert(subscriptions).values(row));
      (await writeAudit(tx, actor, { action: "subscription.request", targetType: "subscription", targetId: row.id, teamId: app.teamId, after: row }));
      if (auto) (await writeAudit(tx, actor, { action: "subscription.approve", targetType: "subscription", targetId: row.id, teamId: api.teamId, after: { ...row, auto: true } }));
      await bumpConfigVersion(tx);
    });
  } catch (e) {
    // The partial unique index is the final word when two requests race.
    if (String(e).includes("UNIQUE")) {
      const again = (await liveOf(app.id, api.id));
      if (again) throw (await duplicate(again));
    }
    throw e;
  }
  const v = (await viewOf(row.id));
  (await emitSubscriptionEvent("subscription.requested", v));
  if (auto) (await emitSubscriptionEvent("subscription.approved", v));
  return publicSubscription(v);
}

/**
 * One state move. `who` says who may make it: deciders (admin / team admin of
 * the API's team) or the requesting side (members of the app's team).
 * The UPDATE is conditional on the state it read, so two deciders racing get one 409.
 */
async function move(actor: Actor, id: string, action: SubscriptionAction, noteText: string | undefined): Promise<FullView> {
  const before = (await subscriptionView(getDb(), id));
  if (!before) throw new NotFoundError("Subscription");
  if (action === "cancel") requireTeamMember(actor, before.teamId);
  else requireTeamAdmin(actor, before.apiTeamId);
  const t = nextState(before.state, action);
  if (!t.ok) throw new ConflictError(t.message, { state: before.state });
  const now = Date.now();
  const patch = {
    state: t.state,
    decisionNote: noteText || before.decisionNote,
    decidedBy: actor.userId,
    decidedAt: now,
    updatedAt: now,
  };
  await withTransaction(async (tx) => {
    const r = (await tx
      .update(subscriptions)
      .set(patch)
      .where(and(eq(subscriptions.id, id), eq(subscriptions.state, before.state))));
    if (r.changes !== 1) throw new ConflictError("Someone else changed this subscription a moment ago; reload it.", { state: before.state });
    (await writeAudit(tx, actor, {
      action: `subscription.${action}`,
      targetType: "subscription",
      targetId: id,
      teamId: action === "cancel" ? before.teamId : before.apiTeamId,
      before: publicSubscription(before),
      after: { ...publicSubscription(before), ...patch, decidedByEmail: actor.email },
    }));
    await bumpConfigVersion(tx);
  });
  const after = (await viewOf(id));
  (await emitSubscriptionEvent(eventFor(after.state), after));
  return after;
}

export async function approveSubscription({ actor, id, input = {} }: { actor: Actor; id: string; input?: unknown }): Promise<SubscriptionView> {
  return publicSubscription((await move(actor, id, "approve", parseWith(decisionInput, input, "decision").note)));
}

export async function rejectSubscription({ actor, id, input = {} }: { actor: Actor; id: string; input?: unknown }): Promise<SubscriptionView> {
  return publicSubscription((await move(actor, id, "reject", parseWith(decisionInput, input, "decision").note)));
}

export async function revokeSubscription({ actor, id, input = {} }: { actor: Actor; id: string; input?: unknown }): Promise<SubscriptionView> {
  return publicSubscription((await move(actor, id, "revoke", parseWith(decisionInput, input, "decision").note)));
}

/** The requesting side withdraws a pending request or ends an approved subscription. */
export async function cancelSubscription({ actor, id }: { actor: Actor; id: string }): Promise<SubscriptionView> {
  return publicSubscription((await move(actor, id, "cancel", undefined)));
}

/** Approves each id the caller may decide; the rest come back in `skipped` with the reason. */
export async function bulkApproveSubscriptions({ actor, input }: { actor: Actor; input: unknown }): Promise<{
  approved: SubscriptionView[];
  skipped: { id: string; reason: string }[];
}> {
  const data = parseWith(bulkApproveInput, input, "bulk approval");
  const approved: SubscriptionView[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const id of [...new Set(data.ids)]) {
    try {
      approved.push(publicSubscription((await move(actor, id, "approve", data.note))));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      skipped.push({ id, reason: e.message });
    }
  }
  return { approved, skipped };
}

/** Pending subscriptions the caller may decide (to APIs of the teams they administer; admins: all). */
export async function pendingCount({ actor }: { actor: Actor }): Promise<{ count: number }> {
  const ids = adminTeamIds(actor);
  const row = (await getDb()
    .select({ n: sql<number>`count(*)` })
    .from(subscriptions)
    .innerJoin(apis, eq(apis.id, subscriptions.apiId))
    .where(and(eq(subscriptions.state, "pending"), ids === null ? undefined : inIds(apis.teamId, ids))).limit(1))[0];
  return { count: row?.n ?? 0 };
}

function parseCursor(c: string): { at: number; id: string } | null {
  const i = c.indexOf(":");
  const at = Number(c.slice(0, i));
  if (i <= 0 || !Number.isFinite(at)) return null;
  return { at, id: c.slice(i + 1) };
}

/**
 * Admin list, newest first, cursor = `<requestedAt>:<id>` of the last item.
 * Admins see all; a team admin the subscriptions to their teams' APIs and
 * those of their teams' apps.
 */
export async function listSubscriptions({ actor, query }: { actor: Actor; query: ListSubscriptionsQuery }): Promise<{ items: SubscriptionView[]; nextCursor: string | null }> {
  const q = parseWith(listSubscriptionsQuery, query, "query parameters");
  const conds: SQL[] = [];
  const ids = adminTeamIds(actor);
  if (ids !== null) conds.push(or(inIds(apis.teamId, ids), inIds(apps.teamId, ids))!);
  if (q.state) conds.push(eq(subscriptions.state, q.state));
  if (q.apiId) conds.push(eq(subscriptions.apiId, q.apiId));
  if (q.appId) conds.push(eq(subscriptions.appId, q.appId));
  if (q.teamId) conds.push(eq(apps.teamId, q.teamId));
  if (q.cursor) {
    const c = parseCursor(q.cursor);
    if (!c) throw new ValidationError("Invalid query parameters: cursor: Not a cursor from this list.", [{ field: "cursor", message: "Not a cursor from this list." }]);
    conds.push(or(lt(subscriptions.requestedAt, c.at), and(eq(subscriptions.requestedAt, c.at), lt(subscriptions.id, c.id)))!);
  }
  const rows = (await subscriptionViews(getDb(), conds.length ? and(...conds) : undefined, q.limit + 1));
  const more = rows.length > q.limit;
  const items = (more ? rows.slice(0, q.limit) : rows).map(publicSubscription);
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? `${last.requestedAt}:${last.id}` : null };
}

/** One subscription: deciders and members of the subscribing team may read it. */
export async function getSubscription({ actor, id }: { actor: Actor; id: string }): Promise<SubscriptionView> {
  const v = (await subscriptionView(getDb(), id));
  if (!v) throw new NotFoundError("Subscription");
  if (!isMemberOf(actor, v.teamId)) requireTeamAdmin(actor, v.apiTeamId);
  return publicSubscription(v);
}
