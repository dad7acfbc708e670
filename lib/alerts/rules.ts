import { withTransaction } from "@/lib/db/sql";
/**
 * Alert rules and alert history: control-plane verbs (admins only). Writes
 * run in one transaction with an audit row; the webhook secret is write-only
 * (encrypted at rest, never returned). Changes take effect at the next
 * evaluation (≤ 15 s), which also closes alerts of disabled or deleted rules.
 */
import { z } from "zod";
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { ALERT_DIMENSIONS, ALERT_KINDS, ALERT_STATES, ALERT_WEBHOOK_FORMATS, alertEvents, alertRules, type AlertEvent, type AlertRule } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { encryptSecret } from "@/lib/secret";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { checkOutboundUrl } from "@/lib/net/outbound-guard";
import { requireAdmin, type Actor } from "@/lib/auth/actor";
import { parseWith } from "@/lib/api/parse";
import { writeAudit } from "@/lib/services/audit";
import { alertView, deliver, type AlertView } from "./notify";

/** Dimensions each kind can watch. */
export const KIND_DIMENSIONS: Record<AlertRule["kind"], readonly AlertRule["dimension"][]> = {
  error_rate: ["all", "provider", "route", "api"],
  latency_p95: ["all", "provider", "route", "api"],
  circuit_open: ["all", "provider"],
  budget: ["all", "team", "app", "key"],
};

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "Enter a full http(s) URL without credentials, such as https://hooks.slack.com/services/...");

const fields = {
  name: z.string({ message: "Give the rule a name." }).trim().min(1, "Give the rule a name.").max(120),
  kind: z.enum(ALERT_KINDS, { message: `Kind is one of ${ALERT_KINDS.join(", ")}.` }),
  enabled: z.boolean(),
  threshold: z.number({ message: "Enter a number." }).min(0, "Use a threshold of 0 or more.").max(10_000_000),
  windowMinutes: z.number().int().min(1, "Use a window of 1 to 60 minutes.").max(60, "Use a window of 1 to 60 minutes."),
  minRequests: z.number().int().min(1, "At least 1 call.").max(1_000_000),
  dimension: z.enum(ALERT_DIMENSIONS),
  dimensionValue: z.string().trim().min(1).max(200).nullable(),
  webhookUrl: webhookUrl.nullable(),
  webhookFormat: z.enum(ALERT_WEBHOOK_FORMATS),
  /** write-only; null removes it */
  webhookSecret: z.string().min(16, "Use a secret of at least 16 characters.").max(500).nullable(),
};

export const createRuleInput = z.strictObject({
  name: fields.name,
  kind: fields.kind,
  enabled: fields.enabled.default(true),
  threshold: fields.threshold.default(0),
  windowMinutes: fields.windowMinutes.default(5),
  minRequests: fields.minRequests.default(20),
  dimension: fields.dimension.default("all"),
  dimensionValue: fields.dimensionValue.optional(),
  webhookUrl: fields.webhookUrl.optional(),
  webhookFormat: fields.webhookFormat.default("portico"),
  webhookSecret: fields.webhookSecret.optional(),
});

export const updateRuleInput = z.strictObject({
  name: fields.name.optional(),
  kind: fields.kind.optional(),
  enabled: fields.enabled.optional(),
  threshold: fields.threshold.optional(),
  windowMinutes: fields.windowMinutes.optional(),
  minRequests: fields.minRequests.optional(),
  dimension: fields.dimension.optional(),
  dimensionValue: fields.dimensionValue.optional(),
  webhookUrl: fields.webhookUrl.optional(),
  webhookFormat: fields.webhookFormat.optional(),
  webhookSecret: fields.webhookSecret.optional(),
});

/** Cross-field checks on the rule as it would be stored. */
const ruleShape = z
  .object({ kind: fields.kind, threshold: z.number(), dimension: fields.dimension, dimensionValue: z.string().nullable() })
  .superRefine((r, ctx) => {
    if (!KIND_DIMENSIONS[r.kind].includes(r.dimension)) {
      ctx.addIssue({ code: "custom", path: ["dimension"], message: `A ${r.kind} rule watches ${KIND_DIMENSIONS[r.kind].join(", ")}.` });
    }
    if (r.dimension === "all" && r.dimensionValue) ctx.addIssue({ code: "custom", path: ["dimensionValue"], message: "Leave empty when watching all traffic." });
    if ((r.kind === "error_rate" || r.kind === "budget") && (r.threshold <= 0 || r.threshold > (r.kind === "budget" ? 1000 : 100))) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: r.kind === "budget" ? "Use a percentage of the budget between 1 and 1000." : "Use a percentage above 0 and at most 100." });
    }
    if (r.kind === "latency_p95" && r.threshold < 1) ctx.addIssue({ code: "custom", path: ["threshold"], message: "Use a latency of at least 1 ms." });
  });

export interface AlertRuleView {
  id: string;
  name: string;
  kind: AlertRule["kind"];
  enabled: boolean;
  threshold: number;
  windowMinutes: number;
  minRequests: number;
  dimension: AlertRule["dimension"];
  dimensionValue: string | null;
  webhookUrl: string | null;
  webhookFormat: AlertRule["webhookFormat"];
  hasSecret: boolean;
  createdAt: number;
  updatedAt: number;
  /** alerts of this rule firing now */
  firing: number;
}

function ruleView(r: AlertRule, firing = 0): AlertRuleView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    enabled: r.enabled,
    threshold: r.threshold,
    windowMinutes: r.windowMinutes,
    minRequests: r.minRequests,
    dimension: r.dimension,
    dimensionValue: r.dimensionValue,
    webhookUrl: r.webhookUrl,
    webhookFormat: r.webhookFormat,
    hasSecret: !!r.encryptedSecret,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    firing,
  };
}

async function loadRule(id: string): Promise<AlertRule> {
  const r = (await getDb().select().from(alertRules).where(eq(alertRules.id, id)).limit(1))[0];
  if (!r) throw new NotFoundError("Alert rule");
  return r;
}

/** Save-time SSRF check of the webhook URL (lib/net/outbound-guard.ts): 422 on webhookUrl. */
async function checkWebhookUrl(url: string | null | undefined): Promise<void> {
  if (!url) return;
  const why = await checkOutboundUrl(url);
  if (why) throw new ValidationError(`Invalid alert rule: webhookUrl: ${why}.`, [{ field: "webhookUrl", message: `${why}.` }]);
}

export async function createAlertRule({ actor, input }: { actor: Actor; input: unknown }): Promise<AlertRuleView> {
  requireAdmin(actor);
  await checkWebhookUrl(parseWith(createRuleInput, input, "alert rule").webhookUrl);
  return (await createAlertRuleChecked({ actor, input }));
}

/**
 * `createAlertRule` for a caller that has already run the save-time address check on the webhook
 * URL (configuration as code checks every URL of a file before its one synchronous transaction).
 */
export async function createAlertRuleChecked({ actor, input }: { actor: Actor; input: unknown }): Promise<AlertRuleView> {
  requireAdmin(actor);
  const d = parseWith(createRuleInput, input, "alert rule");
  const dimensionValue = d.dimension === "all" ? null : (d.dimensionValue ?? null);
  parseWith(ruleShape, { kind: d.kind, threshold: d.threshold, dimension: d.dimension, dimensionValue }, "alert rule");
  const now = Date.now();
  const row: AlertRule = {
    id: newId("arl"),
    name: d.name,
    kind: d.kind,
    enabled: d.enabled,
    threshold: d.threshold,
    windowMinutes: d.windowMinutes,
    minRequests: d.minRequests,
    dimension: d.dimension,
    dimensionValue,
    webhookUrl: d.webhookUrl ?? null,
    webhookFormat: d.webhookFormat,
    encryptedSecret: d.webhookSecret ? encryptSecret(d.webhookSecret) : null,
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  const shown = ruleView(row);
  await withTransaction(async (tx) => {
    (await tx.insert(alertRules).values(row));
    (await writeAudit(tx, actor, { action: "alert_rule.create", targetType: "alert_rule", targetId: row.id, after: shown }));
  });
  return shown;
}

export async function updateAlertRule({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<AlertRuleView> {
  requireAdmin(actor);
  await checkWebhookUrl(parseWith(updateRuleInput, input, "alert rule").webhookUrl);
  return (await updateAlertRuleChecked({ actor, id, input }));
}

/** `updateAlertRule` for a caller that has already checked the webhook URL (see `createAlertRuleChecked`). */
export async function updateAlertRuleChecked({ actor, id, input }: { actor: Actor; id: string; input: unknown }): Promise<AlertRuleView> {
  requireAdmin(actor);
  const before = (await loadRule(id));
  const d = parseWith(updateRuleInput, input, "alert rule");
  const dimension = d.dimension ?? before.dimension;
  const after: AlertRule = {
    ...before,
    name: d.name ?? before.name,
    kind: d.kind ?? before.kind,
    enabled: d.enabled ?? before.enabled,
    threshold: d.threshold ?? before.threshold,
    windowMinutes: d.windowMinutes ?? before.windowMinutes,
    minRequests: d.minRequests ?? before.minRequests,
    dimension,
    dimensionValue: dimension === "all" ? null : d.dimensionValue !== undefined ? d.dimensionValue : before.dimensionValue,
    webhookUrl: d.webhookUrl !== undefined ? d.webhookUrl : before.webhookUrl,
    webhookFormat: d.webhookFormat ?? before.webhookFormat,
    encryptedSecret: d.webhookSecret === undefined ? before.encryptedSecret : d.webhookSecret ? encryptSecret(d.webhookSecret) : null,
    updatedAt: Date.now(),
  };
  parseWith(ruleShape, { kind: after.kind, threshold: after.threshold, dimension: after.dimension, dimensionValue: after.dimensionValue }, "alert rule");
  await withTransaction(async (tx) => {
    (await tx.update(alertRules)
      .set({
        name: after.name,
        kind: after.kind,
        enabled: after.enabled,
        threshold: after.threshold,
        windowMinutes: after.windowMinutes,
        minRequests: after.minRequests,
        dimension: after.dimension,
        dimensionValue: after.dimensionValue,
        webhookUrl: after.webhookUrl,
        webhookFormat: after.webhookFormat,
        encryptedSecret: after.encryptedSecret,
        updatedAt: after.updatedAt,
      })
      .where(eq(alertRules.id, id)));
    (await writeAudit(tx, actor, {
      action: "alert_rule.update",
      targetType: "alert_rule",
      targetId: id,
      before: ruleView(before),
      after: { ...ruleView(after), ...(d.webhookSecret !== undefined ? { webhookSecret: "changed" } : {}) },
    }));
  });
  return ruleView(after, (await firingCountOf(id)));
}

export async function deleteAlertRule({ actor, id }: { actor: Actor; id: string }) {
  requireAdmin(actor);
  const before = (await loadRule(id));
  await withTransaction(async (tx) => {
    (await tx.delete(alertRules).where(eq(alertRules.id, id)));
    (await writeAudit(tx, actor, { action: "alert_rule.delete", targetType: "alert_rule", targetId: id, before: ruleView(before) }));
  });
  return { ok: true as const };
}

async function firingCountOf(ruleId: string): Promise<number> {
  return (
    (await getDb()
      .select({ n: sql<number>`count(*)` })
      .from(alertEvents)
      .where(and(eq(alertEvents.ruleId, ruleId), eq(alertEvents.state, "firing"))).limit(1))[0]?.n ?? 0
  );
}

export async function getAlertRule({ actor, id }: { actor: Actor; id: string }): Promise<AlertRuleView> {
  requireAdmin(actor);
  return ruleView((await loadRule(id)), (await firingCountOf(id)));
}

export async function listAlertRules({ actor }: { actor: Actor }): Promise<{ items: AlertRuleView[] }> {
  requireAdmin(actor);
  const db = getDb();
  const counts = new Map(
    (await db
      .select({ ruleId: alertEvents.ruleId, n: sql<number>`count(*)` })
      .from(alertEvents)
      .where(eq(alertEvents.state, "firing"))
      .groupBy(alertEvents.ruleId))
      .map((r) => [r.ruleId, r.n]),
  );
  const rows = (await db.select().from(alertRules).orderBy(alertRules.createdAt, alertRules.id));
  return { items: rows.map((r) => ruleView(r, counts.get(r.id) ?? 0)) };
}

export const listAlertsQuery = z.object({
  state: z.enum(ALERT_STATES).optional(),
  ruleId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `<startedAt>:<id>` of the last row of the previous page */
  cursor: z.string().max(200).optional(),
});

/** Alert history, newest first, cursor-paginated on (startedAt, id). */
export async function listAlerts({ actor, query }: { actor: Actor; query: z.infer<typeof listAlertsQuery> }): Promise<{ items: AlertView[]; nextCursor: string | null; firing: number }> {
  requireAdmin(actor);
  const conds = [];
  if (query.state) conds.push(eq(alertEvents.state, query.state));
  if (query.ruleId) conds.push(eq(alertEvents.ruleId, query.ruleId));
  if (query.cursor) {
    const i = query.cursor.indexOf(":");
    const at = Number(query.cursor.slice(0, i));
    const cid = query.cursor.slice(i + 1);
    if (i > 0 && Number.isFinite(at)) conds.push(or(lt(alertEvents.startedAt, at), and(eq(alertEvents.startedAt, at), lt(alertEvents.id, cid))));
  }
  const rows: AlertEvent[] = (await getDb()
    .select()
    .from(alertEvents)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(alertEvents.startedAt), desc(alertEvents.id))
    .limit(query.limit + 1));
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return { items: page.map(alertView), nextCursor: more && last ? `${last.startedAt}:${last.id}` : null, firing: (await firingCount({ actor })).count };
}

export async function firingCount({ actor }: { actor: Actor }): Promise<{ count: number }> {
  requireAdmin(actor);
  const n = (await getDb().select({ n: sql<number>`count(*)` }).from(alertEvents).where(eq(alertEvents.state, "firing")).limit(1))[0]?.n ?? 0;
  return { count: n };
}

/** Sends a sample notification to the rule's webhook and reports the outcome (nothing is stored). */
export async function testAlertRule({ actor, id }: { actor: Actor; id: string }): Promise<{ delivered: boolean; status: number | null; error: string | null }> {
  requireAdmin(actor);
  const rule = (await loadRule(id));
  if (!rule.webhookUrl) return { delivered: false, status: null, error: "This rule has no webhook URL: its alerts show in Portico only." };
  const now = Date.now();
  const sample: AlertEvent = {
    id: "alr_test",
    ruleId: rule.id,
    ruleName: rule.name,
    kind: rule.kind,
    subject: "all",
    subjectLabel: "all traffic",
    state: "firing",
    value: null,
    lastValue: null,
    threshold: rule.threshold,
    message: `Test notification of rule "${rule.name}" sent from Portico.`,
    startedAt: now,
    resolvedAt: null,
    notifyStatus: null,
    notifyError: null,
    notifiedAt: null,
  };
  const r = await deliver(rule, sample, "test");
  return { delivered: r.error === null, status: r.status, error: r.error };
}
