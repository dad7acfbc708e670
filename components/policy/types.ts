/** JSON shapes of /api/admin/limits, /api/admin/budgets and /api/portal/apps/{id}/limits: `z.infer` of the route contracts (lib/contracts/policy.ts). */
import type { BudgetPeriod } from "@/lib/contracts/policy";

export type { LimitScope, BudgetScope, BudgetPeriod, LimitView, BudgetSpend, BudgetView, PolicyEntry, AppPolicies, BudgetNotificationView } from "@/lib/contracts/policy";

export const pk = {
  limits: ["policy", "limits"] as const,
  budgets: ["policy", "budgets"] as const,
  notifications: ["policy", "notifications"] as const,
  teamBudgets: (teamId: string) => ["policy", "budgets", "team", teamId] as const,
  app: (appId: string) => ["portal", "app-limits", appId] as const,
};

export const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4).replace(/0{1,2}$/, "")}`);
export const periodLabel = (p: BudgetPeriod) => (p === "day" ? "per day (UTC)" : "per month (UTC)");
export const fmtLimit = (l: { requestsPerMinute: number | null; tokensPerMinute: number | null; burst: number | null }) =>
  [
    l.requestsPerMinute ? `${l.requestsPerMinute.toLocaleString("en-US")} requests/min` : null,
    l.tokensPerMinute ? `${l.tokensPerMinute.toLocaleString("en-US")} tokens/min` : null,
    l.burst ? `burst ${l.burst.toLocaleString("en-US")}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
