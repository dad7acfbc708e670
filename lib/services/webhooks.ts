import { withTransaction } from "@/lib/db/sql";
/**
 * Outgoing webhooks for subscription events (docs/access.md, "Webhooks").
 *
 * CRUD: admins manage platform-wide hooks (teamId null) and any team's; a team
 * admin their own team's. The secret is write-only: stored encrypted, never
 * returned, redacted from the audit log.
 *
 * Delivery: `emitSubscriptionEvent` is called after the change committed; it
 * picks the matching hooks and hands each delivery to a small in-process queue
 * (fire and forget, off the request path). Each delivery gets 3 attempts with
 * 1 s and 5 s back-off, a 5 s timeout per attempt; the outcome of the last
 * attempt is stored on the hook (lastStatus, lastError, lastDeliveredAt).
 */
import { z } from "zod";
import { createHmac } from "node:crypto";
import { and, asc, desc, eq, isNull, or } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { teams, webhooks, type Webhook } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { decryptSecret, encryptSecret } from "@/lib/secret";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { requireAdmin, requireTeamAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "./audit";
import { checkOutboundUrl, guardedFetch, isOutboundBlocked, OutboundBlockedError } from "@/lib/net/outbound-guard";
import { adminTeamIds, inIds, publicSubscription, type SubscriptionView } from "./access-views";
import { runtime } from "@/lib/runtime";

export const WEBHOOK_EVENTS = ["subscription.requested", "subscription.approved", "subscription.rejected", "subscription.revoked", "subscription.cancelled", "budget.threshold"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const url = z
  .string({ message: "Enter the URL to POST to." })
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "Enter a full http(s) URL without credentials, such as https://hooks.example.com/portico.");
const secret = z.string({ message: "Give the webhook a signing secret." }).min(16, "Use a secret of at least 16 characters.").max(500);
const events = z.array(z.enum(WEBHOOK_EVENTS, { message: `Events are ${WEBHOOK_EVENTS.join(", ")}.` })).max(WEBHOOK_EVENTS.length);

export const createWebhookInput = z.strictObject({
  url,
  secret,
  /** null or absent: platform-wide (admins only) */
  teamId: z.string().trim().min(1).nullable().optional(),
  /** empty: every event */
  events: events.default([]),
  enabled: z.boolean().default(true),
});

export const updateWebhookInput = z.strictObject({
  url: url.optional(),
  secret: secret.optional(),
  teamId: z.string().trim().min(1).nullable().optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});

export interface WebhookView {
  id: string;
  teamId: string | null;
  teamName: string | null;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastDeliveredAt: number | null;
  /** the secret is write-only; this says one is set */
  hasSecret: true;
}

function view(w: Webhook, teamName: string | null): WebhookView {
  return {
    id: w.id,
    teamId: w.teamId,
    teamName,
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    createdAt: w.createdAt,
    lastStatus: w.lastStatus,
    lastError: w.lastError,
    lastDeliveredAt: w.lastDeliveredAt,
    hasSecret: true,
  };
}

/** Platform-wide hooks: admins only; a team's: admin or that team's team admin. */
function requireHookScope(actor: Actor, teamId: string | null): void {
  if (teamId === null) requireAdmin(actor);
  else requireTeamAdmin(actor, teamId);
}

async function teamNameOf(teamId: string | null): Promise<string | null> {
  if (!teamId) return null;
  const t = (await getDb().select({ name: teams.name }).from(teams).where(eq(teams.id, teamId)).limit(1))[0];
  if (!t) throw new ValidationError("Invalid webhook: teamId: Team not found.", [{ field: "teamId", message: "Team not found." }]);
  return t.name;
}

async function loadHook(actor: Actor, id: string): Promise<Webhook> {
  const w = (await getDb().select().from(webhooks).where(eq(webhooks.id, id)).limit(1))[0];
  if (!w) throw new NotFoundError("Webhook");
  requireHookScope(actor, w.teamId);
  return w;
}

/** Save-time SSRF check (lib/net/outbound-guard.ts): 422 on the url field when it points at a private address. */
async function checkHookUrl(url: string): Promise<void> {
  const why = await checkOutboundUrl(url);
  if (why) throw new ValidationError(`Invalid webhook: url: ${why}.`, [{ field: "url", message: `${why}.` }]);
}

export async function createWebhook({ actor, input }: { actor: Actor; input: unknown }): Promise<WebhookView> {
  await checkHookUrl(parseWith(createWebhookInput, input, "webhook").url);
  return (await createWebhookChecked({ actor, input }));
}

/**
 * `createWebhook` for a caller that has already run the save-time address check on the URL
 * (configuration as code checks every URL of a file before its one synchronous transaction).
 * Delivery checks the resolved address again in any case.
 */
export async function createWebhookChecked({ actor, input }: { actor: Actor; input: unknown }): Promise<WebhookView> {
  const data = parseWith(createWebhookInput, input, "webhook");
  const teamId = data.teamId ?? null;
  requireHookScope(actor, teamId);
  const teamName = (await teamNameOf(teamId));
  const row: Webhook = {
    id: newId("whk"),
    teamId,
    url: data.url,
    encryptedSecret: encryptSecret(data.secret),
    events: data.events,
    enabled: data.enabled,
    createdAt: Date.now(),
    lastStatus: null,
    lastError: null,
    lastDeliveredAt: null,
  };
  const shown = view(row, teamName);
  await withTransaction(async (tx) => {
    (await tx.insert(webhooks).values(row));
    (await writeAudit(tx, actor, { action: "webhook.create", targetType: "webhook", targetId: row.id, teamId, after: shown }));
  });
  return shown;
}

export async function updateWebhook({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<WebhookView> {
  const url = parseWith(updateWebhookInput, input, "webhook").url;
  if (url !== undefined) await checkHookUrl(url);
  return (await updateWebhookChecked({ actor, id, input }));
}

/** `updateWebhook` for a caller that has already checked the URL (see `createWebhookChecked`). */
export async function updateWebhookChecked({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<WebhookView> {
  const before = (await loadHook(actor, id));
  const data = parseWith(updateWebhookInput, input, "webhook");
  const teamId = data.teamId === undefined ? before.teamId : data.teamId;
  if (teamId !== before.teamId) requireHookScope(actor, teamId);
  const teamName = (await teamNameOf(teamId));
  const after: Webhook = {
    ...before,
    teamId,
    url: data.url ?? before.url,
    events: data.events ?? before.events,
    enabled: data.enabled ?? before.enabled,
    encryptedSecret: data.secret !== undefined ? encryptSecret(data.secret) : before.encryptedSecret,
  };
  await withTransaction(async (tx) => {
    (await tx.update(webhooks)
      .set({ teamId: after.teamId, url: after.url, events: after.events, enabled: after.enabled, encryptedSecret: after.encryptedSecret })
      .where(eq(webhooks.id, id)));
    (await writeAudit(tx, actor, {
      action: "webhook.update",
      targetType: "webhook",
      targetId: id,
      teamId: after.teamId,
      before: view(before, null),
      after: { ...view(after, teamName), ...(data.secret !== undefined ? { secret: "changed" } : {}) },
    }));
  });
  return view(after, teamName);
}

export async function deleteWebhook({ actor, id }: { actor: Actor; id: string }) {
  const before = (await loadHook(actor, id));
  await withTransaction(async (tx) => {
    (await tx.delete(webhooks).where(eq(webhooks.id, id)));
    (await writeAudit(tx, actor, { action: "webhook.delete", targetType: "webhook", targetId: id, teamId: before.teamId, before: view(before, null) }));
  });
  return { ok: true as const };
}

/** Admin: every hook; team admin: the hooks of the teams they administer. */
export async function listWebhooks({ actor }: { actor: Actor }): Promise<{ items: WebhookView[] }> {
  const ids = adminTeamIds(actor);
  const rows = (await getDb()
    .select({ hook: webhooks, teamName: teams.name })
    .from(webhooks)
    .leftJoin(teams, eq(teams.id, webhooks.teamId))
    .where(ids === null ? undefined : inIds(webhooks.teamId, ids))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id)));
  return { items: rows.map((r) => view(r.hook, r.teamName)) };
}

// ---------------------------------------------------------------- signing and delivery

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` — what a receiver recomputes to verify a delivery. */
export function signPayload(secretText: string, timestamp: string, body: string): string {
  return "sha256=" + createHmac("sha256", secretText).update(`${timestamp}.${body}`).digest("hex");
}

export const WEBHOOK_ATTEMPTS = 3;
/** Wait before attempt 2 and attempt 3. */
export const WEBHOOK_BACKOFF_MS = [1_000, 5_000] as const;
export const WEBHOOK_TIMEOUT_MS = 5_000;

interface Delivery {
  hookId: string;
  url: string;
  encryptedSecret: string;
  deliveryId: string;
  type: WebhookEvent;
  body: string;
}

const queue = runtime().webhooks;

/**
 * Fires `type` for a subscription to every enabled hook that listens: the
 * platform-wide ones and those of the team owning the API. Call after commit;
 * never throws, never waits for the network.
 */
export async function emitSubscriptionEvent(type: WebhookEvent, sub: SubscriptionView & { apiTeamId: string }): Promise<void> {
  let hooks: Webhook[];
  try {
    hooks = (await getDb()
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.enabled, true), or(isNull(webhooks.teamId), eq(webhooks.teamId, sub.apiTeamId))))
      .orderBy(desc(webhooks.createdAt)))
      .filter((h) => h.events.length === 0 || h.events.includes(type));
  } catch (e) {
    console.error("[portico] webhook lookup failed:", e);
    return;
  }
  if (!hooks.length) return;
  const event = { id: newId("evt"), type, createdAt: Date.now(), data: publicSubscription(sub) };
  const body = JSON.stringify(event);
  for (const h of hooks) {
    enqueue({ hookId: h.id, url: h.url, encryptedSecret: h.encryptedSecret, deliveryId: newId("dlv"), type, body });
  }
}

/**
 * Fires a non-subscription event (e.g. `budget.threshold`) with `data` to the
 * platform-wide hooks and those of `teamId`. Call after commit; never throws.
 */
export async function emitWebhookEvent(type: WebhookEvent, teamId: string | null, data: Record<string, unknown>): Promise<void> {
  let hooks: Webhook[];
  try {
    hooks = (await getDb()
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.enabled, true), teamId ? or(isNull(webhooks.teamId), eq(webhooks.teamId, teamId)) : isNull(webhooks.teamId))))
      .filter((h) => h.events.length === 0 || h.events.includes(type));
  } catch (e) {
    console.error("[portico] webhook lookup failed:", e);
    return;
  }
  if (!hooks.length) return;
  const body = JSON.stringify({ id: newId("evt"), type, createdAt: Date.now(), data });
  for (const h of hooks) enqueue({ hookId: h.id, url: h.url, encryptedSecret: h.encryptedSecret, deliveryId: newId("dlv"), type, body });
}

function enqueue(d: Delivery): void {
  queue.inFlight++;
  void deliver(d)
    .catch((e: unknown) => console.error("[portico] webhook delivery crashed:", e))
    .finally(() => {
      queue.inFlight--;
      if (queue.inFlight === 0) for (const resolve of queue.idle.splice(0)) resolve();
    });
}

/** Resolves when no delivery is queued or in flight (tests, graceful shutdown). */
export function webhookDeliveriesIdle(): Promise<void> {
  if (queue.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => queue.idle.push(resolve));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

async function deliver(d: Delivery): Promise<void> {
  let secretText: string;
  try {
    secretText = decryptSecret(d.encryptedSecret);
  } catch {
    (await record(d.hookId, null, "Cannot decrypt the webhook secret (was PORTICO_SECRET changed?). Set the secret again."));
    return;
  }
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    const ok = await attemptOnce(d, secretText, attempt);
    if (ok === true) return;
    if (ok === "blocked") return; // refused by the outbound guard: retrying cannot help
    if (attempt < WEBHOOK_ATTEMPTS) await sleep(WEBHOOK_BACKOFF_MS[attempt - 1]!);
  }
}

async function attemptOnce(d: Delivery, secretText: string, attempt: number): Promise<boolean | "blocked"> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  let status: number | null = null;
  let error: string | null = null;
  try {
    // The resolved address is checked at connection time (DNS rebinding): lib/net/outbound-guard.ts
    const res = await guardedFetch(d.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Portico-Webhooks/1",
        "x-portico-event": d.type,
        "x-portico-delivery": d.deliveryId,
        "x-portico-timestamp": timestamp,
        "x-portico-signature": signPayload(secretText, timestamp, d.body),
      },
      body: d.body,
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    status = res.status;
    await res.body?.cancel().catch(() => undefined);
    if (status < 200 || status >= 300) error = `HTTP ${status} (attempt ${attempt} of ${WEBHOOK_ATTEMPTS})`;
  } catch (e) {
    if (isOutboundBlocked(e)) {
      const msg = e instanceof OutboundBlockedError ? e.message : ((e as { cause: Error }).cause.message);
      (await record(d.hookId, null, `refused: ${msg}`));
      return "blocked";
    }
    const name = (e as Error)?.name;
    const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
    const why = name === "TimeoutError" ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e));
    error = `${why} (attempt ${attempt} of ${WEBHOOK_ATTEMPTS})`;
  }
  (await record(d.hookId, status, error));
  return error === null;
}

async function record(hookId: string, status: number | null, error: string | null): Promise<void> {
  try {
    (await getDb().update(webhooks).set({ lastStatus: status, lastError: error, lastDeliveredAt: Date.now() }).where(eq(webhooks.id, hookId)));
  } catch {
    /* the database is closing (shutdown); the outcome is lost, the delivery is not retried */
  }
}
