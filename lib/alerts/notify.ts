/**
 * Alert delivery to a rule's webhook: Portico's JSON (HMAC-signed like the
 * subscription webhooks when the rule has a secret) or a Slack-compatible
 * `{text}` body (Slack/Mattermost/Discord-slack incoming webhooks). In-app
 * delivery is the alert_events row itself (the Alerts page and the sidebar badge).
 *
 * Fire and forget, off the evaluator's path: 3 attempts (1 s, 5 s back-off),
 * 5 s timeout each; the last outcome is stored on the event (notify_status/_error).
 */
import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { alertEvents, type AlertEvent, type AlertRule } from "@/lib/db/schema";
import { decryptSecret } from "@/lib/secret";
import { newId } from "@/lib/ids";
import { log } from "@/lib/telemetry/logger";
import { guardedFetch, isOutboundBlocked, OutboundBlockedError } from "@/lib/net/outbound-guard";
import { runtime } from "@/lib/runtime";

// Same delivery policy and signature as the subscription webhooks (lib/services/webhooks.ts),
// restated here so the data-plane bundle (which runs the evaluator) does not pull in the control plane.
const WEBHOOK_ATTEMPTS = 3;
const WEBHOOK_BACKOFF_MS = [1_000, 5_000] as const;
const WEBHOOK_TIMEOUT_MS = 5_000;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` (identical to lib/services/webhooks.ts signPayload). */
export function signPayload(secretText: string, timestamp: string, body: string): string {
  return "sha256=" + createHmac("sha256", secretText).update(`${timestamp}.${body}`).digest("hex");
}

export type Transition = "firing" | "resolved" | "test";

export function alertView(ev: AlertEvent) {
  return {
    id: ev.id,
    ruleId: ev.ruleId,
    ruleName: ev.ruleName,
    kind: ev.kind,
    subject: ev.subject,
    subjectLabel: ev.subjectLabel,
    state: ev.state,
    value: ev.value,
    lastValue: ev.lastValue,
    threshold: ev.threshold,
    message: ev.message,
    startedAt: ev.startedAt,
    resolvedAt: ev.resolvedAt,
    notifyStatus: ev.notifyStatus,
    notifyError: ev.notifyError,
    notifiedAt: ev.notifiedAt,
  };
}
export type AlertView = ReturnType<typeof alertView>;

function publicUrl(): string | null {
  const u = process.env.PORTICO_PUBLIC_URL || process.env.NEXTAUTH_URL;
  return u ? u.replace(/\/+$/, "") : null;
}

/** Slack-compatible incoming-webhook body. */
export function slackPayload(rule: Pick<AlertRule, "name">, ev: AlertEvent, t: Transition): { text: string } {
  const head = t === "resolved" ? ":white_check_mark: *RESOLVED*" : t === "test" ? ":information_source: *TEST*" : ":rotating_light: *FIRING*";
  const url = publicUrl();
  const link = url ? ` <${url}/admin/alerts|Open in Portico>` : "";
  return { text: `${head} ${rule.name} — ${ev.message}${link}` };
}

/** Portico's own JSON event. */
export function porticoPayload(rule: Pick<AlertRule, "id" | "name" | "kind">, ev: AlertEvent, t: Transition) {
  return {
    id: newId("evt"),
    type: `alert.${t}`,
    createdAt: Date.now(),
    data: { alert: alertView(ev), rule: { id: rule.id, name: rule.name, kind: rule.kind } },
  };
}

const queue = runtime().alertDeliveries;

/** Resolves when no alert delivery is queued or in flight (tests, shutdown). */
export function alertDeliveriesIdle(): Promise<void> {
  if (queue.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => queue.idle.push(resolve));
}

/** Queues the webhook delivery of this transition (no-op without a webhook URL). */
export function notify(rule: AlertRule, ev: AlertEvent, t: Transition): void {
  if (!rule.webhookUrl) return;
  queue.inFlight++;
  void deliver(rule, ev, t)
    .catch((e: unknown) => log.error("alert delivery crashed", { err: e, alertId: ev.id }))
    .finally(() => {
      queue.inFlight--;
      if (queue.inFlight === 0) for (const resolve of queue.idle.splice(0)) resolve();
    });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** One delivery with retries; returns the final status/error (also stored on the event unless a test). */
export async function deliver(rule: AlertRule, ev: AlertEvent, t: Transition): Promise<{ status: number | null; error: string | null }> {
  const slack = rule.webhookFormat === "slack";
  const body = JSON.stringify(slack ? slackPayload(rule, ev, t) : porticoPayload(rule, ev, t));
  let secretText: string | null = null;
  if (!slack && rule.encryptedSecret) {
    try {
      secretText = decryptSecret(rule.encryptedSecret);
    } catch {
      const out = { status: null, error: "Cannot decrypt the alert webhook secret (was PORTICO_SECRET changed?). Set it again." };
      if (t !== "test") (await store(ev.id, out.status, out.error));
      return out;
    }
  }
  const deliveryId = newId("dlv");
  let out: { status: number | null; error: string | null } = { status: null, error: null };
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    const r = await attemptOnce(rule.webhookUrl!, body, slack, secretText, `alert.${t}`, deliveryId, attempt);
    out = { status: r.status, error: r.error };
    if (out.error === null || ("blocked" in r && r.blocked)) break; // a refused address: retrying cannot help
    if (attempt < WEBHOOK_ATTEMPTS) await sleep(WEBHOOK_BACKOFF_MS[attempt - 1]!);
  }
  if (out.error) log.warn("alert webhook delivery failed", { alertId: ev.id, rule: rule.name, error: out.error });
  if (t !== "test") (await store(ev.id, out.status, out.error));
  return out;
}

async function attemptOnce(url: string, body: string, slack: boolean, secretText: string | null, type: string, deliveryId: string, attempt: number) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Portico-Alerts/1" };
  if (!slack) {
    headers["x-portico-event"] = type;
    headers["x-portico-delivery"] = deliveryId;
    headers["x-portico-timestamp"] = timestamp;
    if (secretText) headers["x-portico-signature"] = signPayload(secretText, timestamp, body);
  }
  try {
    // The resolved address is checked at connection time (SSRF, DNS rebinding): lib/net/outbound-guard.ts
    const res = await guardedFetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) return { status: res.status, error: `HTTP ${res.status} (attempt ${attempt} of ${WEBHOOK_ATTEMPTS})` };
    return { status: res.status, error: null };
  } catch (e) {
    if (isOutboundBlocked(e)) {
      const msg = e instanceof OutboundBlockedError ? e.message : (e as { cause: Error }).cause.message;
      return { status: null, error: `refused: ${msg}`, blocked: true };
    }
    const name = (e as Error)?.name;
    const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
    const why = name === "TimeoutError" ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e));
    return { status: null, error: `${why} (attempt ${attempt} of ${WEBHOOK_ATTEMPTS})` };
  }
}

async function store(id: string, status: number | null, error: string | null): Promise<void> {
  try {
    (await getDb().update(alertEvents).set({ notifyStatus: status, notifyError: error, notifiedAt: Date.now() }).where(eq(alertEvents.id, id)));
  } catch {
    /* database closing (shutdown) */
  }
}
