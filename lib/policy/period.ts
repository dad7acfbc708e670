import type { BudgetPeriod } from "@/lib/db/schema/policy";

// The period containing the last instant asked about, per period kind: budget admission,
// reconciliation and every ledger row ask for "now", so a range check replaces a Date per call.
const last: Record<BudgetPeriod, [start: number, end: number]> = { day: [0, 0], month: [0, 0] };

function bounds(period: BudgetPeriod, at: number): [number, number] {
  const m = last[period];
  if (at >= m[0] && at < m[1]) return m;
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const b: [number, number] =
    period === "day" ? [Date.UTC(y, mo, d.getUTCDate()), Date.UTC(y, mo, d.getUTCDate() + 1)] : [Date.UTC(y, mo, 1), Date.UTC(y, mo + 1, 1)];
  last[period] = b;
  return b;
}

/** UTC start (ms) of the budget period containing `at`. */
export function periodStart(period: BudgetPeriod, at: number): number {
  return bounds(period, at)[0];
}

/** UTC instant (ms) the period containing `at` ends and the budget resets. */
export function periodEnd(period: BudgetPeriod, at: number): number {
  return bounds(period, at)[1];
}
