import type { BudgetPeriod } from "@/lib/db/schema/policy";

/** UTC start (ms) of the budget period containing `at`. */
export function periodStart(period: BudgetPeriod, at: number): number {
  const d = new Date(at);
  return period === "day" ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** UTC instant (ms) the period containing `at` ends and the budget resets. */
export function periodEnd(period: BudgetPeriod, at: number): number {
  const d = new Date(at);
  return period === "day" ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
