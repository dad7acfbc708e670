/** JSON shapes of /api/admin/limits, /api/admin/budgets and /api/portal/apps/{id}/limits (lib/policy/services.ts). */
export type LimitScope = "key" | "app" | "team" | "route";
export type BudgetScope = "team" | "app" | "key";
export type BudgetPeriod = "day" | "month";

export interface LimitView {
  id: string;
  scope: LimitScope;
  scopeId: string;
  scopeName: string;
  teamId: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  burst: number | null;
  updatedAt: number;
}

export interface BudgetSpend {
  spentUsd: number;
  remainingUsd: number;
  percent: number;
  periodStart: number;
  resetsAt: number;
}

export interface BudgetView extends BudgetSpend {
  id: string;
  scope: BudgetScope;
  scopeId: string;
  scopeName: string;
  teamId: string | null;
  period: BudgetPeriod;
  limitUsd: number;
  thresholds: number[];
  updatedAt: number;
}

export interface PolicyEntry {
  limit: { requestsPerMinute: number | null; tokensPerMinute: number | null; burst: number | null } | null;
  budgets: ({ id: string; period: BudgetPeriod; limitUsd: number; thresholds: number[] } & BudgetSpend)[];
}

export interface AppPolicies {
  /** global per-model limits of the routes the app may call, shared by every caller */
  routes: { alias: string; limit: NonNullable<PolicyEntry["limit"]> }[];
  apis: { name: string; limit: NonNullable<PolicyEntry["limit"]> }[];
  app: { id: string; name: string } & PolicyEntry;
  team: { id: string; name: string } & PolicyEntry;
  keys: ({ id: string; name: string; prefix: string } & PolicyEntry)[];
}

export interface BudgetNotificationView {
  id: string;
  budgetId: string;
  scope: BudgetScope;
  scopeName: string;
  period: BudgetPeriod;
  threshold: number;
  spendUsd: number;
  limitUsd: number;
  at: number;
}

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
