import { withTransaction } from "@/lib/db/sql";
import type Database from "better-sqlite3";
import { getDbHolder } from "@/lib/db/client";
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

interface Stmts {
  db: Database.Database;
  upsert: Database.Statement;
  read: Database.Statement;
  notify: Database.Statement;
}
let stmts: Stmts | null = null;

function prepared(): Stmts {
  const { sqlite } = getDbHolder();
  if (stmts?.db === sqlite) return stmts;
  stmts = {
    db: sqlite,
    upsert: sqlite.prepare(
      `INSERT INTO spend_ledger (scope, scope_id, period, period_start, spend_usd, requests, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(scope, scope_id, period, period_start) DO UPDATE SET spend_usd = spend_usd + excluded.spend_usd, requests = requests + excluded.requests, updated_at = excluded.updated_at`,
    ),
    read: sqlite.prepare("SELECT spend_usd AS v FROM spend_ledger WHERE scope = ? AND scope_id = ? AND period = ? AND period_start = ?"),
    notify: sqlite.prepare(
      `INSERT OR IGNORE INTO budget_notifications (id, budget_id, team_id, period_start, threshold, spend_usd, limit_usd, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
  return stmts;
}

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
  const s = prepared();
  const now = Date.now();
  sqlite.transaction(() => {
    for (const a of agg.values()) s.upsert.run(a[0], a[1], a[2], a[3], a[4], a[5], now);
  })();
}

export function readLedger(scope: BudgetScope, scopeId: string, period: BudgetPeriod, start: number): number {
  const row = prepared().read.get(scope, scopeId, period, start) as { v: number } | undefined;
  return row?.v ?? 0;
}

/** Stores a threshold notification once per budget, period and threshold; true when this call stored it. */
export function storeNotification(n: { budgetId: string; teamId: string | null; periodStart: number; threshold: number; spendUsd: number; limitUsd: number }): boolean {
  const r = prepared().notify.run(newId("bnt"), n.budgetId, n.teamId, n.periodStart, n.threshold, n.spendUsd, n.limitUsd, Date.now());
  return r.changes > 0;
}
