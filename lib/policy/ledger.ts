import { insertMany } from "@/lib/db/bulk";
import { rawAll, rawGet } from "@/lib/db/sql";
import { newId } from "@/lib/ids";
import type { BudgetPeriod, BudgetScope } from "@/lib/db/schema/policy";
import type { CallRecord } from "@/lib/gateway/types";
import { periodStart } from "./period";

/**
 * The spend ledger: cost per team / app / key and UTC day / month, added to
 * from the request-log writer's flush (off the request path), so spend
 * survives restarts and is shared by every process on the database.
 */
const PERIODS: BudgetPeriod[] = ["day", "month"];

const LEDGER_COLUMNS = ["scope", "scope_id", "period", "period_start", "spend_usd", "requests", "updated_at"] as const;
/** Spend and request counts add up; the last writer's time stays (`spend_ledger.x + excluded.x` on both engines). */
const LEDGER_CONFLICT = { target: ["scope", "scope_id", "period", "period_start"], add: ["spend_usd", "requests"], set: ["updated_at"] } as const;
const NOTIFY_COLUMNS = ["id", "budget_id", "team_id", "period_start", "threshold", "spend_usd", "limit_usd", "at"] as const;

/** Adds the batch's cost to the ledger in one transaction (one upsert per scope × period touched). */
export async function addToLedger(rows: CallRecord[], keyScopeId: (keyId: string) => string = (id) => id): Promise<void> {
  const agg = new Map<string, [BudgetScope, string, BudgetPeriod, number, number, number]>();
  for (const r of rows) {
    if (!(r.costUsd > 0)) continue;
    const ids: [BudgetScope, string | null][] = [
      ["team", r.teamId],
      ["app", r.appId],
      ["key", r.keyId ? keyScopeId(r.keyId) : null],
    ];
    for (const [scope, id] of ids) {
      if (!id) continue;
      for (const period of PERIODS) {
        const start = periodStart(period, r.at);
        const k = `${scope}:${id}:${period}:${start}`;
        const a = agg.get(k);
        if (a) {
          a[4] += r.costUsd;
          a[5] += 1;
        } else agg.set(k, [scope, id, period, start, r.costUsd, 1]);
      }
    }
  }
  if (!agg.size) return;
  const now = Date.now();
  // One multi-row upsert in key order: concurrent processes lock the rows in the same order.
  const upserts = [...agg].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, a]) => [a[0], a[1], a[2], a[3], a[4], a[5], now]);
  await insertMany("spend_ledger", LEDGER_COLUMNS, upserts, { conflict: LEDGER_CONFLICT });
}

export async function readLedger(scope: BudgetScope, scopeId: string, period: BudgetPeriod, start: number): Promise<number> {
  const row = await rawGet<{ v: number | string }>("SELECT spend_usd AS v FROM spend_ledger WHERE scope = ? AND scope_id = ? AND period = ? AND period_start = ?", [scope, scopeId, period, start]);
  return Number(row?.v ?? 0);
}

/** Stores a threshold notification once per budget, period and threshold; true when this call stored it. */
export async function storeNotification(n: { budgetId: string; teamId: string | null; periodStart: number; threshold: number; spendUsd: number; limitUsd: number }): Promise<boolean> {
  const row = [newId("bnt"), n.budgetId, n.teamId, n.periodStart, n.threshold, n.spendUsd, n.limitUsd, Date.now()];
  return (await insertMany("budget_notifications", NOTIFY_COLUMNS, [row], { ignoreConflicts: true })) > 0;
}

export interface LedgerKey {
  scope: BudgetScope;
  scopeId: string;
  period: BudgetPeriod;
  start: number;
}

/** Several ledger entries in one query (a meter refresh on PostgreSQL is one round trip, not one per counter); 0 when absent. */
export async function readLedgers(keys: readonly LedgerKey[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < keys.length; i += 200) {
    const part = keys.slice(i, i + 200);
    const rows = await rawAll<{ scope: string; scopeId: string; period: string; start: number | string; v: number | string }>(
      `SELECT scope, scope_id AS "scopeId", period, period_start AS start, spend_usd AS v FROM spend_ledger WHERE ${part.map(() => "(scope = ? AND scope_id = ? AND period = ? AND period_start = ?)").join(" OR ")}`,
      part.flatMap((k) => [k.scope, k.scopeId, k.period, k.start]),
    );
    const by = new Map(rows.map((r) => [`${r.scope}|${r.scopeId}|${r.period}|${Number(r.start)}`, Number(r.v)]));
    for (const k of part) out.push(by.get(`${k.scope}|${k.scopeId}|${k.period}|${k.start}`) ?? 0);
  }
  return out;
}
