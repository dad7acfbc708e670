import { getSnapshot } from "@/lib/gateway/snapshot";
import type { Budget } from "@/lib/db/schema/policy";
import type { BudgetMeter } from "./budget-meter";
import { storeNotification } from "./ledger";
import { periodEnd } from "./period";
import { policySnapshot, scopeKey, type PolicySnapshot } from "./policy-snapshot";
import { runtime } from "@/lib/runtime";
import { emitAlertSignal } from "@/lib/alerts/engine";

/**
 * Soft thresholds: when a budget's spend reaches one of its thresholds (e.g.
 * 50/80/100 %) in a period, store one in-app notification (unique per budget,
 * period and threshold, so several processes notify once) and fire the
 * `budget.threshold` webhook. Runs from the log writer's flush, off the request path.
 */
const notified = runtime().budgetNotified;
const reportedPct = runtime().budgetAlertPct;

export async function teamOfScope(b: Pick<Budget, "scope" | "scopeId">, ps: PolicySnapshot): Promise<string | null> {
  if (b.scope === "team") return b.scopeId;
  const snap = (await getSnapshot());
  if (b.scope === "app") return snap.access.apps.get(b.scopeId)?.teamId ?? null;
  const k = ps.keysById.get(b.scopeId);
  return (k?.appId ? snap.access.apps.get(k.appId)?.teamId : null) ?? k?.teamId ?? null;
}

export async function checkThresholds(meter: BudgetMeter): Promise<void> {
  const ps = (await policySnapshot());
  for (const c of meter.counters.values()) {
    for (const b of ps.budgets.get(scopeKey(c.scope, c.scopeId)) ?? []) {
      if (b.period !== c.period || b.limitUsd <= 0) continue;
      const spent = meter.spent(c);
      const pct = (spent / b.limitUsd) * 100;
      // Budget alert rules: a new whole percent is a signal, so the evaluator judges it now rather than at its next tick.
      const pk = `${b.id}:${c.start}`;
      if (reportedPct.get(pk) !== Math.floor(pct)) {
        reportedPct.set(pk, Math.floor(pct));
        emitAlertSignal({ kind: "budget", scope: b.scope, id: b.scopeId, spentUsd: spent, limitUsd: b.limitUsd, period: b.period, resetsAt: periodEnd(b.period, c.start) });
      }
      for (const t of b.thresholds) {
        if (pct + 1e-9 < t) continue;
        const k = `${b.id}:${c.start}:${t}`;
        if (notified.has(k)) continue;
        notified.add(k);
        const teamId = (await teamOfScope(b, ps));
        if (!(await storeNotification({ budgetId: b.id, teamId, periodStart: c.start, threshold: t, spendUsd: spent, limitUsd: b.limitUsd }))) continue;
        console.log(`[portico] budget ${b.id} (${b.scope} ${b.scopeId}, ${b.period}) reached ${t}% ($${spent.toFixed(4)} of $${b.limitUsd})`);
        const data = {
          budget: { id: b.id, scope: b.scope, scopeId: b.scopeId, period: b.period, limitUsd: b.limitUsd, thresholds: b.thresholds },
          threshold: t,
          spendUsd: Math.round(spent * 1e6) / 1e6,
          periodStart: new Date(c.start).toISOString(),
          resetsAt: new Date(periodEnd(b.period, c.start)).toISOString(),
        };
        // Loaded lazily: the webhooks service pulls in the control plane, which the data-plane bundle needs only here.
        void import("@/lib/services/webhooks")
          .then(async (w) => (await w.emitWebhookEvent("budget.threshold", teamId, data)))
          .catch((e: unknown) => console.error("[portico] budget webhook failed:", e));
      }
    }
  }
}
